using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Ports;

namespace ReportingPipeline.Reliability.Tests;

/// <summary>A blob store that records every change made through it: "write container/name", "create ...", "delete ...".</summary>
public sealed class RecordingBlobStore(IBlobStore inner) : IBlobStore
{
    private readonly List<string> _changes = [];

    public IReadOnlyList<string> Changes
    {
        get
        {
            lock (_changes)
            {
                return [.. _changes];
            }
        }
    }

    public Task<BlobItem?> GetItemAsync(string container, string name, CancellationToken cancellationToken = default) => inner.GetItemAsync(container, name, cancellationToken);

    public Task<Stream?> OpenReadAsync(string container, string name, CancellationToken cancellationToken = default) => inner.OpenReadAsync(container, name, cancellationToken);

    public Task WriteAsync(string container, string name, Stream content, string contentType, CancellationToken cancellationToken = default)
    {
        Record($"write {container}/{name}");
        return inner.WriteAsync(container, name, content, contentType, cancellationToken);
    }

    public Task<bool> TryCreateAsync(string container, string name, Stream content, string contentType, CancellationToken cancellationToken = default)
    {
        Record($"create {container}/{name}");
        return inner.TryCreateAsync(container, name, content, contentType, cancellationToken);
    }

    public IAsyncEnumerable<BlobItem> ListAsync(string container, string prefix = "", CancellationToken cancellationToken = default) => inner.ListAsync(container, prefix, cancellationToken);

    public Task<IAsyncDisposable?> TryAcquireLockAsync(string container, string name, CancellationToken cancellationToken = default) => inner.TryAcquireLockAsync(container, name, cancellationToken);

    public Task DeleteAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        Record($"delete {container}/{name}");
        return inner.DeleteAsync(container, name, cancellationToken);
    }

    private void Record(string change)
    {
        lock (_changes)
        {
            _changes.Add(change);
        }
    }
}

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
