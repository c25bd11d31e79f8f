using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Ports;

namespace ReportingPipeline.Testing;

/// <summary>A ledger that records what is read through it: the months listed whole (<see cref="MonthsListed"/>), the entries read one by one (<see cref="EntriesRead"/>), and what it was told to forget (<see cref="ChangesForgotten"/>).</summary>
public sealed class RecordingLedger(ISubmissionLedger inner) : ISubmissionLedger
{
    private readonly ConcurrentQueue<Period?> _listed = new();
    private readonly ConcurrentQueue<(Period Period, string StationCode)> _read = new();
    private readonly ConcurrentQueue<DateTimeOffset> _forgotten = new();

    /// <summary>Every <see cref="ListAsync"/> call's period, in order (null: the whole ledger).</summary>
    public IReadOnlyList<Period?> MonthsListed => [.. _listed];

    /// <summary>Every <see cref="GetAsync"/> call, in the order they were made (calls made side by side in any order).</summary>
    public IReadOnlyList<(Period Period, string StationCode)> EntriesRead => [.. _read];

    /// <summary>Every <see cref="ForgetChangesBeforeAsync"/> call's time, in order.</summary>
    public IReadOnlyList<DateTimeOffset> ChangesForgotten => [.. _forgotten];

    public Task<VersionedLedgerEntry?> GetAsync(Period period, string stationCode, CancellationToken cancellationToken = default)
    {
        _read.Enqueue((period, stationCode));
        return inner.GetAsync(period, stationCode, cancellationToken);
    }

    public Task<bool> TryAddAsync(LedgerEntry entry, CancellationToken cancellationToken = default) => inner.TryAddAsync(entry, cancellationToken);

    public Task<bool> TryReplaceAsync(LedgerEntry entry, string etag, CancellationToken cancellationToken = default) => inner.TryReplaceAsync(entry, etag, cancellationToken);

    public async IAsyncEnumerable<LedgerEntry> ListAsync(Period? period = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        _listed.Enqueue(period);
        await foreach (var entry in inner.ListAsync(period, cancellationToken))
        {
            yield return entry;
        }
    }

    public IAsyncEnumerable<LedgerChange> ListChangesAsync(DateTimeOffset? since = null, CancellationToken cancellationToken = default) =>
        inner.ListChangesAsync(since, cancellationToken);

    public Task MarkChangedAsync(Period period, string stationCode, CancellationToken cancellationToken = default) => inner.MarkChangedAsync(period, stationCode, cancellationToken);

    public Task ForgetChangesBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        _forgotten.Enqueue(before);
        return inner.ForgetChangesBeforeAsync(before, cancellationToken);
    }
}
