using ReportingPipeline.Core.Contract;
using System.Globalization;
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

        var (regions, regionByCode) = LoadRegions(regionBytes, errors);
        var stations = LoadStations(stationBytes, regionByCode, errors);
        if (errors.Count > 0)
        {
            return new ReferenceLoadResult(null, errors.ToList());
        }

        var reference = new ReferenceData(regions.Select(r => r.Region).ToList(), stations, Fingerprint(regionBytes, stationBytes));
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
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    private sealed record LoadedRegion(Region Region, int Line);

    private static (List<LoadedRegion> Regions, Dictionary<string, LoadedRegion> ByCode) LoadRegions(byte[] bytes, ErrorList errors)
    {
        const string file = RegionsFileName;
        var rows = ReadTable(bytes, file, RegionColumns, errors);
        var loaded = new List<LoadedRegion>(rows.Count);
        var byCode = new Dictionary<string, LoadedRegion>(rows.Count, StringComparer.Ordinal);

        foreach (var (line, cells) in rows)
        {
            // Cells come in RegionColumns order, whatever the file's column order.
            var (code, name, levelText, parentCode) = (cells[0], cells[1], cells[2], cells[3]);

            if (!TryParseLevel(levelText, out var level))
            {
                errors.Add(file, line, $"level '{levelText}' is not one of province, city, district, town, village.");
                continue;
            }

            var expectedLength = CodeLength(level);
            if (code.Length == 0)
            {
                errors.Add(file, line, "code is blank.");
                continue;
            }

            if (!IsDigits(code) || code.Length != expectedLength)
            {
                errors.Add(file, line, $"code '{code}' must be {expectedLength} digits for a {LevelName(level)}.");
                continue;
            }

            if (byCode.TryGetValue(code, out var first))
            {
                errors.Add(file, line, $"code {code} is already defined on line {first.Line}.");
                continue;
            }

            if (name.Length == 0)
            {
                errors.Add(file, line, $"{LevelName(level)} {code} has no name.");
            }

            var region = new LoadedRegion(new Region(code, name, level, parentCode.Length == 0 ? null : parentCode), line);
            byCode[code] = region;
            loaded.Add(region);
        }

        // Parents may come after their children in the file, so the tree is checked once every code is known.
        LoadedRegion? province = null;
        foreach (var (region, line) in loaded)
        {
            if (region.Level == RegionLevel.Province)
            {
                if (region.ParentCode is not null)
                {
                    errors.Add(file, line, $"province {region.Code} has a parent_code ({region.ParentCode}); a province has none.");
                }

                if (province is null)
                {
                    province = new LoadedRegion(region, line);
                }
                else
                {
                    errors.Add(file, line, $"a second province {region.Code} (province {province.Region.Code} is on line {province.Line}); a reference holds exactly one province.");
                }

                continue;
            }

            if (region.ParentCode is null)
            {
                errors.Add(file, line, $"{LevelName(region.Level)} {region.Code} has no parent_code.");
                continue;
            }

            if (!byCode.TryGetValue(region.ParentCode, out var parent))
            {
                errors.Add(file, line, $"parent {region.ParentCode} of {LevelName(region.Level)} {region.Code} is not in {file}.");
                continue;
            }

            if (parent.Region.Level != region.Level - 1)
            {
                errors.Add(file, line, $"the parent of {LevelName(region.Level)} {region.Code} must be a {LevelName(region.Level - 1)}, but {parent.Region.Code} (line {parent.Line}) is a {LevelName(parent.Region.Level)}.");
                continue;
            }

            if (!region.Code.StartsWith(region.ParentCode, StringComparison.Ordinal))
            {
                errors.Add(file, line, $"code {region.Code} does not start with its parent's code {region.ParentCode}.");
            }
        }

        if (province is null && loaded.Count > 0)
        {
            errors.Add(file, null, "there is no province; a reference holds exactly one province.");
        }

        return (loaded, byCode);
    }

    private static List<Station> LoadStations(byte[] bytes, Dictionary<string, LoadedRegion> regionByCode, ErrorList errors)
    {
        const string file = StationsFileName;
        var rows = ReadTable(bytes, file, StationColumns, errors);
        var stations = new List<Station>();
        var lineByCode = new Dictionary<string, int>(StringComparer.Ordinal);

        foreach (var (line, cells) in rows)
        {
            // Cells come in StationColumns order, whatever the file's column order.
            var (code, name, operatorName, openedText, closedText) = (cells[0], cells[1], cells[2], cells[3], cells[4]);
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
            if (!regionByCode.TryGetValue(code, out var town))
            {
                errors.Add(file, line, $"station {code} has no town: {code} is not in {RegionsFileName} (station_code is the town's 9-digit code).");
            }
            else if (town.Region.Level != RegionLevel.Town)
            {
                errors.Add(file, line, $"station {code} has no town: {code} is a {LevelName(town.Region.Level)} in {RegionsFileName} (line {town.Line}), not a town.");
            }

            if (name.Length == 0)
            {
                errors.Add(file, line, $"station {code} has no name.");
            }

            var openedOn = ParseDate(openedText, "opened_on", file, line, errors, required: true);
            var closedOn = ParseDate(closedText, "closed_on", file, line, errors, required: false);
            if (openedOn is { } opened && closedOn is { } closed && closed < opened)
            {
                errors.Add(file, line, $"closed_on {closed:yyyy-MM-dd} is before opened_on {opened:yyyy-MM-dd}.");
            }

            // Any error above means no reference is built at all, so only the well-formed rows matter here.
            if (openedOn is { } openedDate)
            {
                stations.Add(new Station(code, name, operatorName, openedDate, closedOn));
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

        if (DateOnly.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        errors.Add(file, line, $"{column} '{text}' is not a date (YYYY-MM-DD).");
        return null;
    }

    /// <summary>
    /// Checks the header (every expected column present once, in any order; extra columns are ignored)
    /// and returns the data rows as trimmed cells in the order of <paramref name="columns"/>.
    /// </summary>
    private static List<(int Line, string[] Cells)> ReadTable(byte[] bytes, string file, IReadOnlyList<string> columns, ErrorList errors)
    {
        var (records, parseError) = ReferenceCsv.Parse(bytes, file);
        if (parseError is not null)
        {
            errors.Add(parseError);
            return [];
        }

        if (records.Count == 0)
        {
            errors.Add(file, null, $"the file is empty; expected the header {string.Join(',', columns)}.");
            return [];
        }

        var header = records[0];
        var indexOf = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < header.Fields.Count; i++)
        {
            var name = header.Fields[i].Trim();
            if (indexOf.ContainsKey(name) && columns.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add(file, header.Line, $"column {name} appears twice in the header.");
                return [];
            }

            indexOf.TryAdd(name, i);
        }

        var missing = columns.Where(c => !indexOf.ContainsKey(c)).ToList();
        if (missing.Count > 0)
        {
            errors.Add(file, header.Line, $"the header lacks {string.Join(", ", missing)}; expected {string.Join(',', columns)}.");
            return [];
        }

        var positions = columns.Select(c => indexOf[c]).ToArray();
        var rows = new List<(int, string[])>(records.Count - 1);
        foreach (var record in records.Skip(1))
        {
            if (record.Fields.Count != header.Fields.Count)
            {
                errors.Add(file, record.Line, $"{record.Fields.Count} fields where the header has {header.Fields.Count}.");
                continue;
            }

            var cells = new string[positions.Length];
            for (var i = 0; i < positions.Length; i++)
            {
                cells[i] = record.Fields[positions[i]].Trim();
            }

            rows.Add((record.Line, cells));
        }

        return rows;
    }

    private static bool TryParseLevel(string text, out RegionLevel level)
    {
        foreach (var candidate in Levels)
        {
            if (string.Equals(text, LevelName(candidate), StringComparison.OrdinalIgnoreCase))
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

    private static bool IsDigits(string text) => text.All(char.IsAsciiDigit);

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
    }
}
