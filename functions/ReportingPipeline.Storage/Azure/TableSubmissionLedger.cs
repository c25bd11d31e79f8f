using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Ports;

namespace ReportingPipeline.Storage.Azure;

/// <summary>
/// The submission ledger in Azure Table Storage: one entity per station and month (PartitionKey = period,
/// RowKey = station code). The entry itself is stored as compact JSON, split over several string properties
/// because one property holds at most 64 KiB; a few plain columns repeat the headline for people browsing
/// the table. Writes are guarded by the entity's ETag, so two workers can never both write version N.
/// </summary>
/// <remarks>
/// <para>
/// <b>The changes</b> are kept in a second table (<see cref="ChangesTableOf"/>), because the service indexes
/// nothing but the keys: a filter on the ledger's own <c>Timestamp</c> is a scan of the whole table on the
/// service's side (450,000 entries a national year, and growing), so every incremental build would cost the
/// ledger's size. After each write of an entry, a row keyed by the writer's minute (PartitionKey, UTC,
/// <c>yyyyMMddHHmm</c>) and the entry (RowKey, <c>{period}_{station}</c>) is written; a listing since a time
/// reads the partitions from a few minutes before it on (<see cref="ClockSkew"/>, for a writer's clock behind
/// the service's), filtered on the rows' own <c>Timestamp</c>: what changed, not the ledger. A change row is
/// written after its entry, so its time is at or after the entry's write and a build that lists it reads the
/// entry as written.
/// </para>
/// <para>
/// An entry written and then left without its change row (the writer stopped between the two) is listed again by
/// the redelivered upload's <see cref="MarkChangedAsync"/>, and in any case by the daily listing of every entry.
/// The changes table's <c>coverage</c> row says from when it holds every change: from its creation when the ledger
/// was empty, else <see cref="OldWritersGrace"/> later (writers of a version without change rows may still run
/// during a deployment), and never before what <see cref="ForgetChangesBeforeAsync"/> dropped. A listing since an
/// earlier time reads the ledger's <c>Timestamp</c> as before.
/// </para>
/// </remarks>
public sealed class TableSubmissionLedger(TableClient table, TableClient changes, TimeProvider? time = null) : ISubmissionLedger
{
    /// <summary>Characters per JSON part: 30,000 UTF-16 characters stay under the 64 KiB property limit.</summary>
    public const int PartLength = 30_000;

    /// <summary>An entity holds at most 1 MiB; 16 parts of JSON leave room for the keys and plain columns.</summary>
    public const int MaxParts = 16;

    /// <summary>How far a writer's clock may be behind the service's for its change rows to be found by their minute.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>How much later than its forgetting point the coverage must be worth dropping change rows for: about hourly.</summary>
    public static readonly TimeSpan ForgetStep = TimeSpan.FromHours(1);

    private const string PartsProperty = "entry_parts";
    private const string PartPrefix = "entry_";
    private const string CurrentVersionProperty = "current_version";
    private const string StatusProperty = "status";
    private const string UploadsProperty = "uploads";
    private const string UpdatedAtProperty = "updated_at";

    private const string CoverageKey = "coverage";
    private const string CoveredFromProperty = "covered_from";

    /// <summary>Above every minute's partition (digits only), below <see cref="CoverageKey"/>.</summary>
    private const string LastMinute = "999999999999";

    private static readonly string[] KeysAndTime = ["PartitionKey", "RowKey", "Timestamp"];
    private static readonly string[] Keys = ["PartitionKey", "RowKey"];

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private volatile bool _ensured;

    // What this process last knew of the coverage: ForgetChangesBeforeAsync needs no call while it is recent, unless
    // its last call left rows to drop.
    private DateTimeOffset? _coveredFrom;
    private bool _rowsLeft;

    /// <summary>The ledger in <paramref name="tableName"/> and its changes in <see cref="ChangesTableOf"/> of it.</summary>
    public TableSubmissionLedger(TableServiceClient service, string tableName, TimeProvider? time = null)
        : this(service.GetTableClient(tableName), service.GetTableClient(ChangesTableOf(tableName)), time)
    {
    }

    /// <summary>
    /// How long after the changes table is first used on a ledger that already has entries the change rows are
    /// trusted: a deployment may still run writers that record no change rows for a while.
    /// </summary>
    public TimeSpan OldWritersGrace { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The most change rows one <see cref="ForgetChangesBeforeAsync"/> drops (1,000: ten transactions, four at a time):
    /// it runs at the end of a build, before the build's Power BI refresh is asked for; rows left over are dropped by
    /// the next builds' calls (at least four an hour, with the timer's), and no listing since the coverage reads them.
    /// </summary>
    public int MaxForgottenAtOnce { get; init; } = 1_000;

    /// <summary>The table that holds a ledger's changes (table names are letters and digits).</summary>
    public static string ChangesTableOf(string ledgerTable) => ledgerTable + "Changes";

    public async Task<VersionedLedgerEntry?> GetAsync(Period period, string stationCode, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(period.ToString(), CheckedKey(stationCode), cancellationToken: cancellationToken);
        return response.HasValue && response.Value is { } entity ? new VersionedLedgerEntry(ToEntry(entity), entity.ETag.ToString()) : null;
    }

    public async Task<bool> TryAddAsync(LedgerEntry entry, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        try
        {
            await table.AddEntityAsync(ToEntity(entry), cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }

        await RecordChangeAsync(entry.Period, entry.StationCode, cancellationToken);
        return true;
    }

    public async Task<bool> TryReplaceAsync(LedgerEntry entry, string etag, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        try
        {
            await table.UpdateEntityAsync(ToEntity(entry), new ETag(etag), TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            // 412: another writer changed it since it was read; 404: it is gone, so the tag cannot match either.
            return false;
        }

        await RecordChangeAsync(entry.Period, entry.StationCode, cancellationToken);
        return true;
    }

    public async IAsyncEnumerable<LedgerEntry> ListAsync(Period? period = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var filter = period is { } p ? TableClient.CreateQueryFilter($"PartitionKey eq {p.ToString()}") : null;
        // The service returns entities ordered by PartitionKey, then RowKey: period, then station.
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            yield return ToEntry(entity);
        }
    }

    public async IAsyncEnumerable<LedgerChange> ListChangesAsync(DateTimeOffset? since = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var changed = since is { } s && await CoveredFromAsync(cancellationToken) is { } from && s >= from
            ? RecordedChangesAsync(s, cancellationToken)
            : ScanAsync(since, cancellationToken);
        await foreach (var change in changed)
        {
            yield return change;
        }
    }

    /// <summary>The change rows written since <paramref name="since"/>: the minutes' partitions from a little before it on, in key order, a range the service seeks to.</summary>
    private async IAsyncEnumerable<LedgerChange> RecordedChangesAsync(DateTimeOffset since, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var window = TableClient.CreateQueryFilter(
            $"PartitionKey ge {MinuteOf(since - ClockSkew)} and PartitionKey le {LastMinute} and Timestamp ge {since.ToUniversalTime()}");
        await foreach (var row in changes.QueryAsync<TableEntity>(window, select: KeysAndTime, cancellationToken: cancellationToken))
        {
            if (ParseChangeKey(row.RowKey) is { } key)
            {
                yield return new LedgerChange(key.Period, key.StationCode, TimestampOf(row));
            }
        }
    }

    /// <summary>
    /// Every entry, or (before the changes table covers <paramref name="since"/>) those whose own Timestamp, the
    /// service's write time, is since then: a scan of the table on the service's side. Only the keys and the time come
    /// back, not the JSON. An entry with a later change row (its last write's, a moment after it) is given that row's
    /// time, the time the next build's listing of the changes table gives: a build after this one then knows it for
    /// what this one saw (LedgerRecentChanges). The rows (about a day of them) are read first; a row whose entry the
    /// scan does not return (written before <paramref name="since"/>, marked changed after) is listed as well.
    /// </summary>
    private async IAsyncEnumerable<LedgerChange> ScanAsync(DateTimeOffset? since, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var rows = new Dictionary<(Period, string), DateTimeOffset>();
        var recorded = since is { } r
            ? TableClient.CreateQueryFilter($"PartitionKey le {LastMinute} and Timestamp ge {r.ToUniversalTime()}")
            : TableClient.CreateQueryFilter($"PartitionKey le {LastMinute}");
        await foreach (var row in changes.QueryAsync<TableEntity>(recorded, select: KeysAndTime, cancellationToken: cancellationToken))
        {
            if (ParseChangeKey(row.RowKey) is { } key && (!rows.TryGetValue(key, out var seen) || seen < TimestampOf(row)))
            {
                rows[key] = TimestampOf(row);
            }
        }

        var filter = since is { } t ? TableClient.CreateQueryFilter($"Timestamp ge {t.ToUniversalTime()}") : null;
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, select: KeysAndTime, cancellationToken: cancellationToken))
        {
            if (Period.TryParse(entity.PartitionKey, out var period))
            {
                var written = TimestampOf(entity);
                yield return new LedgerChange(period, entity.RowKey,
                    rows.Remove((period, entity.RowKey), out var row) && row > written ? row : written);
            }
        }

        foreach (var ((period, station), at) in rows)
        {
            yield return new LedgerChange(period, station, at);
        }
    }

    public async Task MarkChangedAsync(Period period, string stationCode, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        await RecordChangeAsync(period, CheckedKey(stationCode), cancellationToken);
    }

    /// <summary>
    /// Moves the coverage to <paramref name="before"/> first (a listing since an earlier time then reads the
    /// entries), then deletes the change rows of the minutes before the coverage, less <see cref="ClockSkew"/>: a partition
    /// at a time, in transactions of up to 100 rows, four partitions side by side, at most <see cref="MaxForgottenAtOnce"/>.
    /// Called after every build, it does something about once an hour (<see cref="ForgetStep"/>), or at the next call
    /// while rows are left over.
    /// </summary>
    public async Task ForgetChangesBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        if (!_rowsLeft && _coveredFrom is { } known && before - known < ForgetStep)
        {
            return;
        }

        await EnsureTableAsync(cancellationToken);
        if (await ReadCoverageAsync(cancellationToken) is not { } row || row.GetDateTimeOffset(CoveredFromProperty) is not { } from)
        {
            return;
        }

        _coveredFrom = from;
        if (before - from >= ForgetStep)
        {
            try
            {
                await changes.UpdateEntityAsync(new TableEntity(CoverageKey, CoverageKey) { [CoveredFromProperty] = before }, row.ETag, TableUpdateMode.Merge, cancellationToken);
                _coveredFrom = from = before;
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                _coveredFrom = null; // another build moved it meanwhile: it drops the rows
                return;
            }
        }
        else if (!_rowsLeft)
        {
            return;
        }

        // The rows of the minutes before the coverage, less the skew a listing since it reads back to.
        var old = TableClient.CreateQueryFilter($"PartitionKey lt {MinuteOf(from - ClockSkew)}");
        var byMinute = new Dictionary<string, List<TableEntity>>(StringComparer.Ordinal);
        var taken = 0;
        await foreach (var change in changes.QueryAsync<TableEntity>(old, select: Keys, cancellationToken: cancellationToken))
        {
            if (!byMinute.TryGetValue(change.PartitionKey, out var rows))
            {
                byMinute[change.PartitionKey] = rows = [];
            }

            rows.Add(change);
            if (++taken == MaxForgottenAtOnce)
            {
                break;
            }
        }

        _rowsLeft = taken == MaxForgottenAtOnce;
        await Parallel.ForEachAsync(byMinute.Values.SelectMany(rows => rows.Chunk(100)),
            new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (rows, ct) =>
            {
                try
                {
                    await changes.SubmitTransactionAsync(rows.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All)), ct);
                }
                catch (TableTransactionFailedException e) when (e.Status == 404)
                {
                    // A row of the batch was gone already (a build stopped while forgetting): one at a time, which ignores that.
                    foreach (var r in rows)
                    {
                        await changes.DeleteEntityAsync(r.PartitionKey, r.RowKey, ETag.All, ct);
                    }
                }
            });
    }

    /// <summary>The minute a change row of a write at <paramref name="at"/> (by the writer's clock) is kept under.</summary>
    private static string MinuteOf(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);

    private static string ChangeKeyOf(Period period, string stationCode) => period.ToString() + "_" + stationCode;

    private static (Period Period, string StationCode)? ParseChangeKey(string rowKey)
    {
        var split = rowKey.IndexOf('_', StringComparison.Ordinal);
        return split > 0 && split < rowKey.Length - 1 && Period.TryParse(rowKey[..split], out var period) ? (period, rowKey[(split + 1)..]) : null;
    }

    private async Task RecordChangeAsync(Period period, string stationCode, CancellationToken cancellationToken) =>
        await changes.UpsertEntityAsync(new TableEntity(MinuteOf(_time.GetUtcNow()), ChangeKeyOf(period, stationCode)), TableUpdateMode.Replace, cancellationToken);

    private async Task<DateTimeOffset?> CoveredFromAsync(CancellationToken cancellationToken)
    {
        _coveredFrom = (await ReadCoverageAsync(cancellationToken))?.GetDateTimeOffset(CoveredFromProperty);
        return _coveredFrom;
    }

    /// <summary>The changes table's coverage row (its time and ETag), or null when it has none yet.</summary>
    private async Task<TableEntity?> ReadCoverageAsync(CancellationToken cancellationToken)
    {
        var coverage = await changes.GetEntityIfExistsAsync<TableEntity>(CoverageKey, CoverageKey, [CoveredFromProperty], cancellationToken);
        return coverage.HasValue ? coverage.Value : null;
    }

    /// <summary>
    /// Both tables, and the coverage row when the changes table has none yet: from now when the ledger holds no
    /// entry (nothing was written without change rows), else <see cref="OldWritersGrace"/> from now.
    /// </summary>
    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (_ensured)
        {
            return;
        }

        await table.CreateIfNotExistsAsync(cancellationToken);
        await changes.CreateIfNotExistsAsync(cancellationToken);
        if (await ReadCoverageAsync(cancellationToken) is null)
        {
            var anyEntry = false;
            await foreach (var page in table.QueryAsync<TableEntity>(select: Keys, maxPerPage: 1, cancellationToken: cancellationToken).AsPages())
            {
                anyEntry = page.Values.Count > 0;
                break;
            }

            var from = _time.GetUtcNow() + (anyEntry ? OldWritersGrace : TimeSpan.Zero);
            try
            {
                await changes.AddEntityAsync(new TableEntity(CoverageKey, CoverageKey) { [CoveredFromProperty] = from }, cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                // Another writer made it first.
            }
        }

        _ensured = true;
    }

    private static DateTimeOffset TimestampOf(TableEntity entity) => entity.Timestamp
        ?? throw new InvalidDataException($"Table entity {entity.PartitionKey}/{entity.RowKey} came back without a Timestamp.");

    private static TableEntity ToEntity(LedgerEntry entry)
    {
        var json = JsonSerializer.Serialize(entry, PipelineJson.Compact);
        var parts = (json.Length + PartLength - 1) / PartLength;
        if (parts > MaxParts)
        {
            throw new InvalidOperationException(
                $"The ledger entry {entry.Period}/{entry.StationCode} has grown to {json.Length} characters of JSON ({entry.Uploads.Count} uploads), more than one table entity holds.");
        }

        var entity = new TableEntity(entry.Period.ToString(), CheckedKey(entry.StationCode))
        {
            [PartsProperty] = parts,
            [CurrentVersionProperty] = entry.CurrentVersion,
            [StatusProperty] = entry.Uploads.Count == 0 ? null : JsonNamingPolicy.SnakeCaseLower.ConvertName(entry.Uploads[^1].Status.ToString()),
            [UploadsProperty] = entry.Uploads.Count,
            [UpdatedAtProperty] = entry.UpdatedAt,
        };
        for (var i = 0; i < parts; i++)
        {
            var start = i * PartLength;
            entity[PartName(i)] = json.Substring(start, Math.Min(PartLength, json.Length - start));
        }

        return entity;
    }

    private static LedgerEntry ToEntry(TableEntity entity)
    {
        var parts = entity.GetInt32(PartsProperty)
            ?? throw new InvalidDataException($"Ledger entity {entity.PartitionKey}/{entity.RowKey} has no {PartsProperty}.");
        var json = new StringBuilder(parts * PartLength);
        for (var i = 0; i < parts; i++)
        {
            json.Append(entity.GetString(PartName(i))
                ?? throw new InvalidDataException($"Ledger entity {entity.PartitionKey}/{entity.RowKey} lacks {PartName(i)}."));
        }

        return JsonSerializer.Deserialize<LedgerEntry>(json.ToString(), PipelineJson.Compact)
            ?? throw new InvalidDataException($"Ledger entity {entity.PartitionKey}/{entity.RowKey} holds no entry.");
    }

    private static string PartName(int index) => PartPrefix + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>Table keys may not hold '/', '\', '#', '?' or control characters; station codes never should.</summary>
    private static string CheckedKey(string stationCode)
    {
        if (string.IsNullOrEmpty(stationCode) || stationCode.Length > 256
            || stationCode.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c)))
        {
            throw new ArgumentException($"'{stationCode}' cannot be a ledger key.", nameof(stationCode));
        }

        return stationCode;
    }
}
