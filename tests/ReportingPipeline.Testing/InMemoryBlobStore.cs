using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using ReportingPipeline.Core.Ports;

namespace ReportingPipeline.Testing;

/// <summary>
/// An <see cref="IBlobStore"/> in memory, for unit tests of what drives the ports (the ingestor): it passes the
/// same contract suite as the folder and Azure stores. Upload times come from the given clock, and
/// <see cref="SetCreatedOn"/> sets them as the folder store's does.
/// </summary>
public sealed class InMemoryBlobStore(TimeProvider? time = null) : IBlobStore
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<(string Container, string Name), Blob> _blobs = new();
    private readonly ConcurrentDictionary<(string Container, string Name), object> _locks = new();
    private long _versions;

    public Task<BlobItem?> GetItemAsync(string container, string name, CancellationToken cancellationToken = default) =>
        Task.FromResult(_blobs.TryGetValue((container, name), out var blob) ? blob.Item : null);

    public Task<Stream?> OpenReadAsync(string container, string name, CancellationToken cancellationToken = default) =>
        Task.FromResult<Stream?>(_blobs.TryGetValue((container, name), out var blob) ? new MemoryStream(blob.Content, writable: false) : null);

    public async Task WriteAsync(string container, string name, Stream content, string contentType, CancellationToken cancellationToken = default)
    {
        var bytes = await ReadAllAsync(content, cancellationToken);
        _blobs.AddOrUpdate((container, name), _ => New(container, name, bytes, null), (_, old) => New(container, name, bytes, old.Item.CreatedOn));
    }

    public async Task<bool> TryCreateAsync(string container, string name, Stream content, string contentType, CancellationToken cancellationToken = default)
    {
        var bytes = await ReadAllAsync(content, cancellationToken);
        return _blobs.TryAdd((container, name), New(container, name, bytes, null));
    }

    public async IAsyncEnumerable<BlobItem> ListAsync(string container, string prefix = "", [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var items = _blobs.Where(b => b.Key.Container == container && b.Key.Name.StartsWith(prefix, StringComparison.Ordinal))
            .Select(b => b.Value.Item)
            .OrderBy(i => i.Name, StringComparer.Ordinal)
            .ToList();
        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return item;
        }

        await Task.CompletedTask;
    }

    public Task<IAsyncDisposable?> TryAcquireLockAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        var held = new object();
        return Task.FromResult<IAsyncDisposable?>(_locks.TryAdd((container, name), held) ? new Release(() => _locks.TryRemove(new((container, name), held))) : null);
    }

    public Task DeleteAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        if (container == Containers.Submissions)
        {
            throw new InvalidOperationException("Raw uploads are never deleted.");
        }

        _blobs.TryRemove((container, name), out _);
        return Task.CompletedTask;
    }

    /// <summary>Records when a blob was uploaded, as <c>LocalFolderBlobStore.SetCreatedOn</c> does.</summary>
    public void SetCreatedOn(string container, string name, DateTimeOffset createdOn) =>
        _blobs.AddOrUpdate((container, name), _ => throw new FileNotFoundException($"No blob {container}/{name}."), (_, old) => old with { Item = old.Item with { CreatedOn = createdOn } });

    private Blob New(string container, string name, byte[] bytes, DateTimeOffset? createdOn)
    {
        var version = Interlocked.Increment(ref _versions).ToString("x", CultureInfo.InvariantCulture);
        return new Blob(new BlobItem(container, name, bytes.Length, createdOn ?? _time.GetUtcNow(), version), bytes);
    }

    private static async Task<byte[]> ReadAllAsync(Stream content, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    private sealed record Blob(BlobItem Item, byte[] Content);

    private sealed class Release(Action release) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            release();
            return ValueTask.CompletedTask;
        }
    }
}
