using System.Text.Json.Serialization;
using ReportingPipeline.Core.Contract;

namespace ReportingPipeline.Core.Ports;

/// <summary>What became of a submitted file.</summary>
public enum SubmissionStatus
{
    Accepted,
    AcceptedWithWarnings,
    Rejected,
    Duplicate,
}

/// <summary>One upload, as the ledger remembers it: who/what/when of every change (the audit trail).</summary>
/// <param name="BlobName">The blob's full name in <c>submissions</c>.</param>
/// <param name="Version">The accepted version this upload became (or, for a duplicate, the version it repeats); null when rejected.</param>
/// <param name="ProcessedBy">The host that processed it (machine and process), for the audit trail.</param>
/// <param name="CountTotals">
/// For an accepted upload, what it reported in sum: every count field totalled over its rows
/// (<see cref="Validation.MonthCountTotals"/>, keyed <c>{section}.{field}</c>), which the outlier rule compares later months
/// with. Null for an upload not accepted, and for one recorded before the ledger kept them (its staged file has them).
/// Compared by reference in the record's equality, like <see cref="LedgerEntry.Uploads"/>.
/// </param>
public sealed record UploadRecord(
    string BlobName,
    string Sha256,
    long Bytes,
    DateTimeOffset ReceivedAt,
    DateTimeOffset ProcessedAt,
    SubmissionStatus Status,
    int? Version,
    bool OnTime,
    int Errors,
    int Warnings,
    string ProcessedBy,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, long>? CountTotals = null);

/// <summary>
/// The ledger's row for one station and month: its current accepted version (0 = none yet) and every
/// upload so far. The marts read <see cref="Current"/>; nothing but the intake decision writes it.
/// </summary>
public sealed record LedgerEntry(
    Period Period,
    string StationCode,
    int CurrentVersion,
    IReadOnlyList<UploadRecord> Uploads,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The upload that is the current accepted version, or null when none was accepted.</summary>
    [JsonIgnore]
    public UploadRecord? Current =>
        CurrentVersion == 0 ? null : Uploads.LastOrDefault(u => u.Version == CurrentVersion && u.Status is SubmissionStatus.Accepted or SubmissionStatus.AcceptedWithWarnings);

    /// <summary>The upload already recorded for this blob and content, if any: a redelivered event.</summary>
    public UploadRecord? FindUpload(string blobName, string sha256) =>
        Uploads.FirstOrDefault(u => u.BlobName == blobName && u.Sha256 == sha256);

    public static LedgerEntry Empty(Period period, string stationCode) => new(period, stationCode, 0, [], DateTimeOffset.MinValue);
}

/// <summary>Which ledger entry was written, and when by the store's own clock (the table's Timestamp, the file's write time).</summary>
public sealed record LedgerChange(Period Period, string StationCode, DateTimeOffset ChangedAt);

/// <summary>A ledger entry and the concurrency tag it was read with.</summary>
public sealed record VersionedLedgerEntry(LedgerEntry Entry, string ETag);

/// <summary>
/// The submission ledger: one entry per station and month, written with optimistic concurrency so that
/// two workers can never both write version N. Azure Table Storage in Azure, a folder of files locally.
/// </summary>
public interface ISubmissionLedger
{
    Task<VersionedLedgerEntry?> GetAsync(Period period, string stationCode, CancellationToken cancellationToken = default);

    /// <summary>Adds an entry that must not exist yet; false when another writer added it first.</summary>
    Task<bool> TryAddAsync(LedgerEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Replaces an entry only if it still carries <paramref name="etag"/>; false when it changed meanwhile.</summary>
    Task<bool> TryReplaceAsync(LedgerEntry entry, string etag, CancellationToken cancellationToken = default);

    /// <summary>Every entry, or those of one period.</summary>
    IAsyncEnumerable<LedgerEntry> ListAsync(Period? period = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// The keys of the entries the store wrote at or after <paramref name="since"/> (every entry when null),
    /// each with a time by the store's clock at or after its write: what a mart build reads to learn which months
    /// changed since the last one, without reading the entries themselves. A store that keeps its changes apart
    /// from its entries may also list an entry written shortly before <paramref name="since"/> (its change was
    /// recorded after it), and lists an entry once per recorded change. Order is unspecified.
    /// </summary>
    IAsyncEnumerable<LedgerChange> ListChangesAsync(DateTimeOffset? since = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists the entry among the changes again, as if written now: for an upload that an earlier attempt recorded
    /// but may have left before its change was (a redelivered event). A store whose changes are its entries' own
    /// write times writes the entry again, unchanged.
    /// </summary>
    Task MarkChangedAsync(Period period, string stationCode, CancellationToken cancellationToken = default);

    /// <summary>
    /// No build will ask for the changes written before <paramref name="before"/> again (later listings start
    /// after it, or list every entry): a store that keeps its changes apart from its entries may drop those older.
    /// A listing since an earlier time must then still be complete (read from the entries themselves).
    /// </summary>
    Task ForgetChangesBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken = default);
}
