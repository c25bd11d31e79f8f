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
public sealed class TableSubmissionLedger(TableClient table) : ISubmissionLedger
{
    /// <summary>Characters per JSON part: 30,000 UTF-16 characters stay under the 64 KiB property limit.</summary>
    public const int PartLength = 30_000;

    /// <summary>An entity holds at most 1 MiB; 16 parts of JSON leave room for the keys and plain columns.</summary>
    public const int MaxParts = 16;

    private const string PartsProperty = "entry_parts";
    private const string PartPrefix = "entry_";
    private const string CurrentVersionProperty = "current_version";
    private const string StatusProperty = "status";
    private const string UploadsProperty = "uploads";
    private const string UpdatedAtProperty = "updated_at";

    private static readonly string[] KeysAndTime = ["PartitionKey", "RowKey", "Timestamp"];

    private volatile bool _ensured;

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
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    public async Task<bool> TryReplaceAsync(LedgerEntry entry, string etag, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        try
        {
            await table.UpdateEntityAsync(ToEntity(entry), new ETag(etag), TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            // 412: another writer changed it since it was read; 404: it is gone, so the tag cannot match either.
            return false;
        }
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

        // Timestamp is the service's own write time: a filter on it needs no clock of ours. Only the keys and
        // the time come back, not the entries' JSON.
        var filter = since is { } s ? TableClient.CreateQueryFilter($"Timestamp ge {s.ToUniversalTime()}") : null;
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, select: KeysAndTime, cancellationToken: cancellationToken))
        {
            if (!Period.TryParse(entity.PartitionKey, out var period))
            {
                continue;
            }

            yield return new LedgerChange(period, entity.RowKey, entity.Timestamp
                ?? throw new InvalidDataException($"Ledger entity {entity.PartitionKey}/{entity.RowKey} came back without a Timestamp."));
        }
    }

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (!_ensured)
        {
            await table.CreateIfNotExistsAsync(cancellationToken);
            _ensured = true;
        }
    }

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
