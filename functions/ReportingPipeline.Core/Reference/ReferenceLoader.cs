using ReportingPipeline.Core.Contract;
using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Security.Cryptography;

namespace ReportingPipeline.Core.Reference;

/// <summary>The reference as loaded, or the problems that make it unusable (each naming its file and line).</summary>
public sealed record ReferenceLoadResult(ReferenceData? Reference, IReadOnlyList<string> Errors)
{
    public bool IsValid => Reference is not null && Errors.Count == 0;
}

/// <summary>Loads and checks <c>regions.csv</c> and <c>stations.csv</c>.</summary>
public static class ReferenceLoader
{
    public const string RegionsFileName = "regions.csv";

    public const string StationsFileName = "stations.csv";

    /// <summary>The header of <c>regions.csv</c>, in the order the pipeline writes it.</summary>
    public static readonly IReadOnlyList<string> RegionColumns = ["code", "name", "level", "parent_code"];

    /// <summary>The header of <c>stations.csv</c>, in the order the pipeline writes it.</summary>
    public static readonly IReadOnlyList<string> StationColumns = ["station_code", "name", "operator", "opened_on", "closed_on"];

    /// <summary>A broken file can fail on every line; past this many the rest are counted, not listed.</summary>
    private const int MaxListedErrors = 100;

    private static readonly string[] DateFormats = ["yyyy-MM-dd", "yyyy-M-d", "yyyy/M/d"];

    private static readonly RegionLevel[] Levels = Enum.GetValues<RegionLevel>();

    /// <summary>
    /// Reads both files and checks the region tree and the station register. Never throws for bad
    /// content: every problem comes back in <see cref="ReferenceLoadResult.Errors"/> as
    /// <c>regions.csv line 17: ...</c>, and then no <see cref="ReferenceData"/> is built.
    /// </summary>
    public static ReferenceLoadResult Load(Stream regionsCsv, Stream stationsCsv)
    {
        var regionBytes = ReadAll(regionsCsv);
        var stationBytes = ReadAll(stationsCsv);
        var errors = new ErrorList();

        var regions = LoadRegions(regionBytes, errors);
        var stations = LoadStations(stationBytes, regions, errors);
        if (errors.Count > 0)
        {
            return new ReferenceLoadResult(null, errors.ToList());
        }

        var reference = new ReferenceData(regions.Regions, regions.IndexByCode, regions.ParentIndex, stations, Fingerprint(regionBytes, stationBytes));
        return new ReferenceLoadResult(reference, []);
    }

    /// <summary>
    /// sha256 over the two files' own hashes, so that moving bytes from the end of one file to the start
    /// of the other still changes the fingerprint.
    /// </summary>
    public static string Fingerprint(ReadOnlySpan<byte> regionsCsv, ReadOnlySpan<byte> stationsCsv)
    {
        Span<byte> both = stackalloc byte[2 * SHA256.HashSizeInBytes];
        SHA256.HashData(regionsCsv, both[..SHA256.HashSizeInBytes]);
        SHA256.HashData(stationsCsv, both[SHA256.HashSizeInBytes..]);
        return Convert.ToHexStringLower(SHA256.HashData(both));
    }

    private static byte[] ReadAll(Stream stream)
    {
        if (stream.CanSeek)
        {
            var bytes = new byte[stream.Length - stream.Position];
            stream.ReadExactly(bytes);
            return bytes;
        }

        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    /// <summary>The regions read, in file order, with the line each is on and each one's index by code.</summary>
    private sealed class LoadedRegions(int capacity)
    {
        private string? _lastParent;

        public List<Region> Regions { get; } = new(capacity);

        public List<int> Lines { get; } = new(capacity);

        public Dictionary<string, int> IndexByCode { get; } = new(capacity, StringComparer.Ordinal);

        /// <summary>Each region's parent's index, found by the tree's check; -1 for the province.</summary>
        public int[] ParentIndex { get; set; } = [];

        /// <summary>
        /// A code as a string: the known region's own string when there is one, so that half a million parent codes
        /// are not allocated again. Villages come town by town, so most are their predecessor's parent.
        /// </summary>
        public string Code(ReferenceTable table, int column)
        {
            var text = table.Trimmed(column);
            Span<char> chars = stackalloc char[16];
            if (text.Length > chars.Length || Ascii.ToUtf16(text, chars, out var length) != OperationStatus.Done)
            {
                return table.Text(column);
            }

            chars = chars[..length];
            if (_lastParent is { } last && chars.SequenceEqual(last))
            {
                return last;
            }

            if (IndexByCode.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(chars, out var code, out _))
            {
                return _lastParent = code;
            }

            return new string(chars);
        }
    }

    private static LoadedRegions LoadRegions(byte[] bytes, ErrorList errors)
    {
        const string file = RegionsFileName;
        var loaded = new LoadedRegions(bytes.AsSpan().Count((byte)'\n') + 1);
        var (regions, lines, indexByCode) = (loaded.Regions, loaded.Lines, loaded.IndexByCode);
        var table = ReferenceTable.Open(bytes, file, RegionColumns, errors);
        while (table?.Next(errors) == true)
        {
            // Columns in RegionColumns order, whatever the file's column order: code, name, level, parent_code.
            var line = table.Line;
            if (!TryParseLevel(table, 2, out var level))
            {
                errors.Add(file, line, $"level '{table.Text(2)}' is not one of province, city, district, town, village.");
                continue;
            }

            var expectedLength = CodeLength(level);
            var codeText = table.Trimmed(0);
            if (codeText.IsEmpty)
            {
                errors.Add(file, line, "code is blank.");
                continue;
            }

            if (codeText.ContainsAnyExceptInRange((byte)'0', (byte)'9') || codeText.Length != expectedLength)
            {
                errors.Add(file, line, $"code '{table.Text(0)}' must be {expectedLength} digits for a {LevelName(level)}.");
                continue;
            }

            var code = table.Text(0);
            ref var index = ref CollectionsMarshal.GetValueRefOrAddDefault(indexByCode, code, out var defined);
            if (defined)
            {
                errors.Add(file, line, $"code {code} is already defined on line {lines[index]}.");
                continue;
            }

            index = regions.Count;

            var name = table.Text(1);
            if (name.Length == 0)
            {
                errors.Add(file, line, $"{LevelName(level)} {code} has no name.");
            }

            var parentCode = table.Trimmed(3).IsEmpty ? null : loaded.Code(table, 3);
            regions.Add(new Region(code, name, level, parentCode));
            lines.Add(line);
        }

        if (table?.Error is not null)
        {
            return new LoadedRegions(0);
        }

        // Parents may come after their children in the file, so the tree is checked once every code is known.
        int? province = null;
        var parentIndex = loaded.ParentIndex = new int[regions.Count];
        parentIndex.AsSpan().Fill(-1);
        for (var i = 0; i < regions.Count; i++)
        {
            var (region, line) = (regions[i], lines[i]);
            if (region.Level == RegionLevel.Province)
            {
                if (region.ParentCode is not null)
                {
                    errors.Add(file, line, $"province {region.Code} has a parent_code ({region.ParentCode}); a province has none.");
                }

                if (province is not { } first)
                {
                    province = i;
                }
                else
                {
                    errors.Add(file, line, $"a second province {region.Code} (province {regions[first].Code} is on line {lines[first]}); a reference holds exactly one province.");
                }

                continue;
            }

            if (region.ParentCode is null)
            {
                errors.Add(file, line, $"{LevelName(region.Level)} {region.Code} has no parent_code.");
                continue;
            }

            // Villages come town by town, their parent codes one string per town: the previous parent is usually this one.
            var p = i > 0 && ReferenceEquals(region.ParentCode, regions[i - 1].ParentCode) ? parentIndex[i - 1] : -1;
            if (p < 0 && !indexByCode.TryGetValue(region.ParentCode, out p))
            {
                errors.Add(file, line, $"parent {region.ParentCode} of {LevelName(region.Level)} {region.Code} is not in {file}.");
                continue;
            }

            var parent = regions[p];
            parentIndex[i] = p;
            if (parent.Level != region.Level - 1)
            {
                errors.Add(file, line, $"the parent of {LevelName(region.Level)} {region.Code} must be a {LevelName(region.Level - 1)}, but {parent.Code} (line {lines[p]}) is a {LevelName(parent.Level)}.");
                continue;
            }

            if (!region.Code.StartsWith(region.ParentCode, StringComparison.Ordinal))
            {
                errors.Add(file, line, $"code {region.Code} does not start with its parent's code {region.ParentCode}.");
            }
        }

        if (province is null && regions.Count > 0)
        {
            errors.Add(file, null, "there is no province; a reference holds exactly one province.");
        }

        return loaded;
    }

    private static List<Station> LoadStations(byte[] bytes, LoadedRegions regions, ErrorList errors)
    {
        const string file = StationsFileName;
        var stations = new List<Station>(bytes.AsSpan().Count((byte)'\n') + 1);
        var lineByCode = new Dictionary<string, int>(stations.Capacity, StringComparer.Ordinal);
        var table = ReferenceTable.Open(bytes, file, StationColumns, errors);
        while (table?.Next(errors) == true)
        {
            // Columns in StationColumns order, whatever the file's column order: station_code, name, operator, opened_on, closed_on.
            var line = table.Line;
            var code = regions.Code(table, 0);
            if (code.Length == 0)
            {
                errors.Add(file, line, "station_code is blank.");
                continue;
            }

            if (lineByCode.TryGetValue(code, out var firstLine))
            {
                errors.Add(file, line, $"station {code} is already listed on line {firstLine}.");
                continue;
            }

            lineByCode[code] = line;
            if (!regions.IndexByCode.TryGetValue(code, out var town))
            {
                errors.Add(file, line, $"station {code} has no town: {code} is not in {RegionsFileName} (station_code is the town's 9-digit code).");
            }
            else if (regions.Regions[town].Level != RegionLevel.Town)
            {
                errors.Add(file, line, $"station {code} has no town: {code} is a {LevelName(regions.Regions[town].Level)} in {RegionsFileName} (line {regions.Lines[town]}), not a town.");
            }

            var name = table.Text(1);
            if (name.Length == 0)
            {
                errors.Add(file, line, $"station {code} has no name.");
            }

            var openedOn = ParseDate(table.Text(3), "opened_on", file, line, errors, required: true);
            var closedOn = ParseDate(table.Text(4), "closed_on", file, line, errors, required: false);
            if (openedOn is { } opened && closedOn is { } closed && closed < opened)
            {
                errors.Add(file, line, $"closed_on {closed:yyyy-MM-dd} is before opened_on {opened:yyyy-MM-dd}.");
            }

            // Any error above means no reference is built at all, so only the well-formed rows matter here.
            if (openedOn is { } openedDate)
            {
                stations.Add(new Station(code, name, table.Text(2), openedDate, closedOn));
            }
        }

        return stations;
    }

    private static DateOnly? ParseDate(string text, string column, string file, int line, ErrorList errors, bool required)
    {
        if (text.Length == 0)
        {
            if (required)
            {
                errors.Add(file, line, $"{column} is blank.");
            }

            return null;
        }

        // The usual form read directly: a parse through the formats took a tenth of the load nationally.
        if (text.Length == 10 && text[4] == '-' && text[7] == '-'
            && int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year) && year >= 1
            && int.TryParse(text.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var month) && month is >= 1 and <= 12
            && int.TryParse(text.AsSpan(8, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var day) && day >= 1 && day <= DateTime.DaysInMonth(year, month))
        {
            return new DateOnly(year, month, day);
        }

        if (DateOnly.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        errors.Add(file, line, $"{column} '{text}' is not a date (YYYY-MM-DD).");
        return null;
    }

    /// <summary>The level named in a column, whatever its case.</summary>
    private static bool TryParseLevel(ReferenceTable table, int column, out RegionLevel level)
    {
        // ASCII compared as bytes; anything else as the string OrdinalIgnoreCase compares, made once.
        var bytes = table.Trimmed(column);
        var text = Ascii.IsValid(bytes) ? null : table.Text(column);
        foreach (var candidate in Levels)
        {
            if (text is null
                ? Ascii.EqualsIgnoreCase(bytes, LevelName(candidate))
                : string.Equals(text, LevelName(candidate), StringComparison.OrdinalIgnoreCase))
            {
                level = candidate;
                return true;
            }
        }

        level = default;
        return false;
    }

    /// <summary>The <c>level</c> value as written in <c>regions.csv</c>.</summary>
    public static string LevelName(RegionLevel level) => RegionLevels.NameOf(level);

    /// <summary>Digits of a statistical division code at each level: 44, 4401, 440103, 440103001, 440103001001.</summary>
    public static int CodeLength(RegionLevel level) => level switch
    {
        RegionLevel.Province => 2,
        RegionLevel.City => 4,
        RegionLevel.District => 6,
        RegionLevel.Town => 9,
        RegionLevel.Village => 12,
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, null),
    };

    private sealed class ErrorList
    {
        private readonly List<string> _errors = [];
        private int _unlisted;

        public int Count => _errors.Count + _unlisted;

        public void Add(string file, int? line, string message) =>
            Add(line is null ? $"{file}: {message}" : $"{file} line {line}: {message}");

        public void Add(string error)
        {
            if (_errors.Count < MaxListedErrors)
            {
                _errors.Add(error);
            }
            else
            {
                _unlisted++;
            }
        }

        public List<string> ToList() =>
            _unlisted == 0 ? [.. _errors] : [.. _errors, $"... and {_unlisted} more problems."];

        /// <summary>Where the list stands, to go back to with <see cref="RollBack"/>.</summary>
        public (int Listed, int Unlisted) Mark() => (_errors.Count, _unlisted);

        public void RollBack((int Listed, int Unlisted) mark)
        {
            _errors.RemoveRange(mark.Listed, _errors.Count - mark.Listed);
            _unlisted = mark.Unlisted;
        }
    }

    /// <summary>
    /// A reference file's data rows, read one at a time, each cell found by its column's name in the header (every
    /// expected column present once, in any order; extra columns are ignored). A file that breaks the CSV format is
    /// reported by that one problem alone, as if it had no rows: what its earlier rows said is dropped.
    /// </summary>
    private sealed class ReferenceTable
    {
        private readonly ReferenceCsv _csv;
        private readonly int[] _positions;
        private readonly int _width;
        private readonly string _file;
        private readonly (int, int) _mark;

        private ReferenceTable(ReferenceCsv csv, int[] positions, int width, string file, (int, int) mark)
        {
            _csv = csv;
            _positions = positions;
            _width = width;
            _file = file;
            _mark = mark;
        }

        /// <summary>The line the current row starts on.</summary>
        public int Line => _csv.Line;

        /// <summary>Set when the file broke the CSV format: no rows are then read.</summary>
        public string? Error { get; private set; }

        /// <summary>The file's rows after a header naming every one of <paramref name="columns"/>; null, with the problem in <paramref name="errors"/>, when the header or the file is unusable.</summary>
        public static ReferenceTable? Open(byte[] bytes, string file, IReadOnlyList<string> columns, ErrorList errors)
        {
            var (csv, encodingError) = ReferenceCsv.Open(bytes, file);
            if (csv is null)
            {
                errors.Add(encodingError!);
                return null;
            }

            if (!csv.Next(out var formatError))
            {
                errors.Add(formatError ?? $"{file}: the file is empty; expected the header {string.Join(',', columns)}.");
                return null;
            }

            var indexOf = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < csv.FieldCount; i++)
            {
                var name = csv.Text(i);
                if (indexOf.ContainsKey(name) && columns.Contains(name, StringComparer.OrdinalIgnoreCase))
                {
                    errors.Add(file, csv.Line, $"column {name} appears twice in the header.");
                    return null;
                }

                indexOf.TryAdd(name, i);
            }

            var missing = columns.Where(c => !indexOf.ContainsKey(c)).ToList();
            if (missing.Count > 0)
            {
                errors.Add(file, csv.Line, $"the header lacks {string.Join(", ", missing)}; expected {string.Join(',', columns)}.");
                return null;
            }

            return new ReferenceTable(csv, [.. columns.Select(c => indexOf[c])], csv.FieldCount, file, errors.Mark());
        }

        /// <summary>Moves to the next row with as many fields as the header, listing the others as problems.</summary>
        public bool Next(ErrorList errors)
        {
            string? formatError;
            while (_csv.Next(out formatError))
            {
                if (_csv.FieldCount == _width)
                {
                    return true;
                }

                errors.Add(_file, _csv.Line, $"{_csv.FieldCount} fields where the header has {_width}.");
            }

            if (formatError is not null)
            {
                errors.RollBack(_mark);
                errors.Add(formatError);
                Error = formatError;
            }

            return false;
        }

        /// <summary>Column <paramref name="column"/> (an index into the expected columns) of the current row, trimmed, as UTF-8.</summary>
        public ReadOnlySpan<byte> Trimmed(int column) => _csv.Trimmed(_positions[column]);

        /// <summary>Column <paramref name="column"/> of the current row, trimmed.</summary>
        public string Text(int column) => _csv.Text(_positions[column]);
    }
}
