using System.Collections.Concurrent;
using ReportingPipeline.Core.Ports;

namespace ReportingPipeline.Testing;

/// <summary>
/// A blob store that records what goes through it: every blob opened for reading (<see cref="OpenedIn"/>), every
/// change, as "write container/name", "create ...", "delete ..." (<see cref="Changes"/>), and every call that only
/// asks, as "properties container/name" and "list container/prefix" (<see cref="Lookups"/>): each a storage request in Azure.
/// </summary>
public sealed class RecordingBlobStore(IBlobStore inner) : IBlobStore
{
    private readonly ConcurrentQueue<(string Container, string Name)> _opened = new();
    private readonly List<string> _changes = [];
    private readonly ConcurrentQueue<string> _lookups = new();

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

    /// <summary>The properties read and the listings asked for, in order.</summary>
    public IReadOnlyList<string> Lookups => [.. _lookups];

    /// <summary>The names opened for reading in <paramref name="container"/>, in order.</summary>
    public IReadOnlyList<string> OpenedIn(string container) => [.. _opened.Where(o => o.Container == container).Select(o => o.Name)];

    public Task<BlobItem?> GetItemAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        _lookups.Enqueue($"properties {container}/{name}");
        return inner.GetItemAsync(container, name, cancellationToken);
    }

    public Task<Stream?> OpenReadAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        _opened.Enqueue((container, name));
        return inner.OpenReadAsync(container, name, cancellationToken);
    }

    /// <summary>Awaited before each write is passed on (container, name): a slow store, for tests of what runs while a write is under way.</summary>
    public Func<string, string, CancellationToken, Task>? BeforeWrite { get; init; }

    public async Task WriteAsync(string container, string name, Stream content, string contentType, CancellationToken cancellationToken = default)
    {
        Record($"write {container}/{name}");
        if (BeforeWrite is { } before)
        {
            await before(container, name, cancellationToken);
        }

        await inner.WriteAsync(container, name, content, contentType, cancellationToken);
    }

    public Task<bool> TryCreateAsync(string container, string name, Stream content, string contentType, CancellationToken cancellationToken = default)
    {
        Record($"create {container}/{name}");
        return inner.TryCreateAsync(container, name, content, contentType, cancellationToken);
    }

    public IAsyncEnumerable<BlobItem> ListAsync(string container, string prefix = "", CancellationToken cancellationToken = default)
    {
        _lookups.Enqueue($"list {container}/{prefix}");
        return inner.ListAsync(container, prefix, cancellationToken);
    }

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
