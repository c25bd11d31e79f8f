using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Ports;

namespace ReportingPipeline.Core.Marts;

/// <summary>
/// <c>marts/_manifest.json</c>, written last by every build that changed something: which build made the
/// marts, from which reference and which submission versions (each month's fingerprint of them here, the versions
/// themselves in the month's <see cref="ManifestMonthInputs"/> file), and every table's files with row counts and
/// the inputs that built each one. The next build compares its inputs with it to know what to rebuild.
/// </summary>
public sealed record MartManifest(
    string Schema,
    string BuildId,
    DateTimeOffset BuiltAt,
    string ReferenceFingerprint,
    string TablesFingerprint,
    Period? FirstPeriod,
    Period? LastPeriod,
    IReadOnlyList<ManifestPeriod> Periods,
    IReadOnlyList<ManifestTable> Tables)
{
    public const string BlobName = "_manifest.json";

    /// <summary>
    /// The latest write time (by the ledger store's clock) of any ledger entry the build accounted for: the
    /// next build reads only the entries written since (a little before) it. Null before any entry.
    /// </summary>
    public DateTimeOffset? LedgerWatermark { get; init; }

    /// <summary>Months with a ledger entry of a station in the reference, from the programme's start: where the covered range begins and ends.</summary>
    public IReadOnlyList<Period>? LedgerPeriods { get; init; }

    /// <summary>When (by the build's clock) the whole ledger was last read; a day later a build reads it whole again.</summary>
    public DateTimeOffset? LedgerScannedAt { get; init; }

    /// <summary>v2: a month's submission versions are in its <see cref="ManifestMonthInputs"/> file, no longer in the manifest.</summary>
    public const string SchemaId = "shuangbai-marts/v2";

    private (IReadOnlyList<ManifestTable> Tables, Dictionary<string, ManifestFile> Files)? _files;

    /// <summary>A file the manifest names (a national year names about 9,000: looked up by name, not scanned).</summary>
    public ManifestFile? FindFile(string name)
    {
        if (_files is not { } index || !ReferenceEquals(index.Tables, Tables))
        {
            index = (Tables, Tables.SelectMany(t => t.Files).ToDictionary(f => f.Name, StringComparer.Ordinal));
            _files = index;
        }

        return index.Files.GetValueOrDefault(name);
    }

    public ManifestTable? FindTable(string name) => Tables.FirstOrDefault(t => t.Name == name);

    public ManifestPeriod? FindPeriod(Period period) => Periods.FirstOrDefault(p => p.Period == period);

    /// <summary>The submission versions <paramref name="period"/> was built from; null when the manifest does not cover it or its file is missing or not of this manifest (see <see cref="ManifestMonthInputs.ReadAsync"/>).</summary>
    public async Task<ManifestMonthInputs?> ReadInputsAsync(IBlobStore store, Period period, ILogger logger, CancellationToken cancellationToken = default) =>
        FindPeriod(period) is { } recorded ? await ManifestMonthInputs.ReadAsync(store, recorded, logger, cancellationToken) : null;

    /// <summary>
    /// The manifest in <c>marts</c>, the one way every reader of it (the builder, the dashboard) reads it: null when
    /// there is none, when it is of another schema, or when it is unreadable (logged: to the builder that costs a
    /// full rebuild, to the dashboard it means no marts yet).
    /// </summary>
    public static async Task<MartManifest?> ReadAsync(IBlobStore store, ILogger logger, CancellationToken cancellationToken = default) =>
        await MartJsonFile.ReadAsync<MartManifest>(store, BlobName, logger, cancellationToken) is { Schema: SchemaId } manifest ? manifest : null;

    /// <summary>Writes the manifest compact.</summary>
    public Task WriteAsync(IBlobStore store, CancellationToken cancellationToken = default) =>
        MartJsonFile.WriteAsync(store, BlobName, this, cancellationToken);
}

/// <summary>A month the marts cover and the fingerprint of the submission versions it was built from (<see cref="ManifestMonthInputs"/>).</summary>
/// <param name="Closed">The month's deadline had passed: stations without an accepted version are final misses.</param>
/// <param name="InputFingerprint">Hash of <see cref="Closed"/> and the month's <see cref="ManifestMonthInputs.Inputs"/>: a change rebuilds the month.</param>
/// <param name="Parts">The same per part of the month (<see cref="MartParts"/>): a change rewrites that part's files and its province's.</param>
public sealed record ManifestPeriod(Period Period, bool Closed, string InputFingerprint, IReadOnlyDictionary<string, string> Parts)
{
    /// <summary>Same month, closed state and inputs (the parts' fingerprints follow from the inputs).</summary>
    public bool SameInputs(ManifestPeriod? other) =>
        other is not null && other.Period == Period && other.Closed == Closed && other.InputFingerprint == InputFingerprint;
}

/// <summary>
/// <c>marts/_inputs/{period}.json</c>: the submission versions one month was built from. One file per month, written
/// when the month's inputs change, so that a build reads only the months it copies forward and holds none of the
/// others' (a national year names 450,000 station-month inputs, 85 MB of JSON when the manifest held them all). The
/// manifest's <see cref="ManifestPeriod.InputFingerprint"/> is the hash of this file's inputs: a file that does not
/// hash to it (left by a build killed before its manifest) is not the manifest's, and is not used.
/// </summary>
public sealed record ManifestMonthInputs(Period Period, bool Closed, IReadOnlyList<ManifestInput> Inputs)
{
    public const string Folder = "_inputs";

    public static string BlobNameFor(Period period) => $"{Folder}/{period}.json";

    /// <summary>The month whose inputs file <paramref name="name"/> is; null for any other blob.</summary>
    public static Period? PeriodOf(string name) =>
        name.StartsWith(Folder + "/", StringComparison.Ordinal) && name.EndsWith(".json", StringComparison.Ordinal)
        && Period.TryParse(name[(Folder.Length + 1)..^".json".Length], out var period) ? period : null;

    public string Fingerprint => MartFingerprint.OfPeriod(Closed, Inputs);

    /// <summary>The inputs of <paramref name="recorded"/>; null when the file is missing, unreadable, or not of the recorded month and fingerprint.</summary>
    public static async Task<ManifestMonthInputs?> ReadAsync(IBlobStore store, ManifestPeriod recorded, ILogger logger, CancellationToken cancellationToken = default) =>
        await MartJsonFile.ReadAsync<ManifestMonthInputs>(store, BlobNameFor(recorded.Period), logger, cancellationToken) is { Inputs: not null } inputs
        && inputs.Period == recorded.Period && inputs.Closed == recorded.Closed && inputs.Fingerprint == recorded.InputFingerprint
            ? inputs
            : null;

    public Task WriteAsync(IBlobStore store, CancellationToken cancellationToken = default) =>
        MartJsonFile.WriteAsync(store, BlobNameFor(Period), this, cancellationToken);
}

/// <summary>
/// One expected station's input for a month: its current accepted version and that upload's SHA-256, or
/// (version 0) the latest rejected upload. Stations without any upload are not listed (they are missing).
/// </summary>
public sealed record ManifestInput(string StationCode, int Version, string Sha256, int Uploads);

/// <summary>A table: grain, layout and files.</summary>
public sealed record ManifestTable(string Name, string Grain, bool Partitioned, long Rows, IReadOnlyList<ManifestFile> Files);

/// <summary>One Parquet file and what built it.</summary>
/// <param name="Name">Blob name in <c>marts</c>.</param>
/// <param name="Period">The partition's month; null for a dimension.</param>
/// <param name="InputPeriods">The months whose inputs built the file: the month itself for a fact, January (or the first month covered) to the month for <c>agg_region_month</c> (year-to-date), none for a dimension (the reference).</param>
/// <param name="InputFingerprint">Hash of the reference, the table declarations and those months' inputs.</param>
/// <param name="BuildId">The build that wrote the file; older than the manifest's build when it was left as it was.</param>
public sealed record ManifestFile(
    string Name,
    Period? Period,
    long Rows,
    long Bytes,
    IReadOnlyList<Period> InputPeriods,
    string InputFingerprint,
    string BuildId,
    DateTimeOffset BuiltAt);

/// <summary>Fingerprints: SHA-256 over a canonical text of what they cover.</summary>
internal static class MartFingerprint
{
    /// <summary>The table declarations: changing a column (a new field in the contract) rebuilds everything.</summary>
    public static readonly string Tables = Of(TablesText(), MartFileWriter.Format);

    /// <summary>
    /// The canonical text of the table declarations that <see cref="Tables"/> hashes, with <see cref="MartFileWriter.Format"/>
    /// (how files are written: a new writer or encoding rule rewrites every file once, not a mix). It is the JSON array
    /// <c>[{"Name":…,"Layout":…,"Columns":["name:type:nullable:field",…]},…]</c> in System.Text.Json's default form,
    /// written by a <see cref="Utf8JsonWriter"/> rather than serialized from anonymous objects by reflection: that made a
    /// process that had just started build every default converter and emit accessors, in the middle of a correction.
    /// </summary>
    internal static string TablesText()
    {
        var text = new ArrayBufferWriter<byte>(8 * 1024);
        using (var json = new Utf8JsonWriter(text))
        {
            json.WriteStartArray();
            foreach (var t in MartTables.All)
            {
                json.WriteStartObject();
                json.WriteString("Name", t.Name);
                // The partition folders' name is part of the layout: renaming them rebuilds every file under the new names.
                // ... and so is splitting a month into parts: the first build after it is a full one.
                json.WriteString("Layout", t.IsPartitioned ? $"{t.Layout}:{MartTable.PartitionKey}=:part-{{region}}" : t.Layout.ToString());
                json.WriteStartArray("Columns");
                foreach (var c in t.Columns)
                {
                    json.WriteStringValue($"{c.Name}:{c.Type}:{c.Nullable}:{c.Field?.Key}");
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(text.WrittenSpan);
    }

    public static string Of(params string?[] parts) => Of((IEnumerable<string?>)parts);

    /// <summary>
    /// SHA-256 over the parts' UTF-8, each followed by U+001F, hashed part by part rather than joined into one text first
    /// (a national month's 36,000 inputs made a 4 MB string, three times in a correction).
    /// </summary>
    public static string Of(IEnumerable<string?> parts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> small = stackalloc byte[512];
        foreach (var part in parts)
        {
            var text = part.AsSpan();
            var most = Encoding.UTF8.GetMaxByteCount(text.Length) + 1;
            var bytes = most <= small.Length ? small : new byte[most];
            var length = Encoding.UTF8.GetBytes(text, bytes);
            bytes[length] = 0x1F;
            hash.AppendData(bytes[..(length + 1)]);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>A month's inputs: <c>closed</c> or <c>open</c>, then each input as <c>{station}|{version}|{sha256}|{uploads}</c>.</summary>
    public static string OfPeriod(bool closed, IEnumerable<ManifestInput> inputs) =>
        Of(inputs.Select(i => string.Create(CultureInfo.InvariantCulture, $"{i.StationCode}|{i.Version}|{i.Sha256}|{i.Uploads}")).Prepend(closed ? "closed" : "open"));

    /// <summary>A month's fact files: the reference, the tables and that month's inputs (<see cref="ManifestPeriod.InputFingerprint"/>).</summary>
    public static string OfFacts(string referenceFingerprint, Period period, string periodFingerprint) =>
        Of(Tables, referenceFingerprint, period.ToString(), periodFingerprint);

    /// <summary>A month's <c>agg_region_month</c> file: the reference, the tables and the inputs of every month of its year to date, the month last.</summary>
    public static string OfAggregate(string referenceFingerprint, IEnumerable<(Period Period, string Fingerprint)> yearToDate) =>
        Of([Tables, referenceFingerprint, .. yearToDate.Select(y => $"{y.Period}={y.Fingerprint}")]);
}

/// <summary>A write-only stream that SHA-256s what is written to it: a fingerprint of a serialisation without holding it.</summary>
internal sealed class HashingStream : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public byte[] Finish() => _hash.GetHashAndReset();

    public override void Write(byte[] buffer, int offset, int count) => _hash.AppendData(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => _hash.AppendData(buffer);

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }
}
