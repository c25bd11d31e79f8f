using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Ports;

namespace ReportingPipeline.Reliability.Tests;

/// <summary>A ledger that keeps every entry written through it (successful writes only), in order.</summary>
public sealed class RecordingLedger(ISubmissionLedger inner) : ISubmissionLedger
{
    public List<LedgerEntry> Writes { get; } = [];

    public Task<VersionedLedgerEntry?> GetAsync(Period period, string stationCode, CancellationToken cancellationToken = default) => inner.GetAsync(period, stationCode, cancellationToken);

    public async Task<bool> TryAddAsync(LedgerEntry entry, CancellationToken cancellationToken = default)
    {
        var written = await inner.TryAddAsync(entry, cancellationToken);
        Keep(entry, written);
        return written;
    }

    public async Task<bool> TryReplaceAsync(LedgerEntry entry, string etag, CancellationToken cancellationToken = default)
    {
        var written = await inner.TryReplaceAsync(entry, etag, cancellationToken);
        Keep(entry, written);
        return written;
    }

    public IAsyncEnumerable<LedgerEntry> ListAsync(Period? period = null, CancellationToken cancellationToken = default) => inner.ListAsync(period, cancellationToken);

    public IAsyncEnumerable<LedgerChange> ListChangesAsync(DateTimeOffset? since = null, CancellationToken cancellationToken = default) => inner.ListChangesAsync(since, cancellationToken);

    public Task MarkChangedAsync(Period period, string stationCode, CancellationToken cancellationToken = default) => inner.MarkChangedAsync(period, stationCode, cancellationToken);

    public Task ForgetChangesBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken = default) => inner.ForgetChangesBeforeAsync(before, cancellationToken);

    private void Keep(LedgerEntry entry, bool written)
    {
        if (written)
        {
            lock (Writes)
            {
                Writes.Add(entry);
            }
        }
    }
}
