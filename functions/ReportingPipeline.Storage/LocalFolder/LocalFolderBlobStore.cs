using System.Globalization;
using System.Runtime.CompilerServices;
using ReportingPipeline.Core.Ports;

namespace ReportingPipeline.Storage.LocalFolder;

/// <summary>
/// The embedded default blob store: each container is a folder under <see cref="Root"/>, each blob a file.
/// Writes go to a temp file and are renamed into place, so readers never see a partial blob. A blob's
/// creation time is its file's last-write time (set explicitly when replaying uploads with known times).
/// </summary>
public sealed class LocalFolderBlobStore : IBlobStore
{
    public LocalFolderBlobStore(string root)
    {
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public Task<BlobItem?> GetItemAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        var file = new FileInfo(FolderPaths.Resolve(Root, container, name));
        return Task.FromResult(file.Exists ? ToItem(container, name, file) : null);
    }

    public Task<Stream?> OpenReadAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        var path = FolderPaths.Resolve(Root, container, name);
        try
        {
            Stream stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 81920, useAsync: true);
            return Task.FromResult<Stream?>(stream);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    public Task WriteAsync(string container, string name, Stream content, string contentType, CancellationToken cancellationToken = default)
    {
        var path = FolderPaths.Resolve(Root, container, name);
        FolderPaths.WriteAtomically(Root, path, file => content.CopyTo(file));
        return Task.CompletedTask;
    }

    public async Task<bool> TryCreateAsync(string container, string name, Stream content, string contentType, CancellationToken cancellationToken = default)
    {
        var path = FolderPaths.Resolve(Root, container, name);
        return await FolderPaths.WithLockAsync(LockPathFor(container, name), () =>
        {
            if (File.Exists(path))
            {
                return false;
            }

            FolderPaths.WriteAtomically(Root, path, file => content.CopyTo(file));
            return true;
        }, cancellationToken);
    }

    public async IAsyncEnumerable<BlobItem> ListAsync(string container, string prefix = "", [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var folder = Path.Combine(Root, container);

        // Walk only the folder the prefix's complete segments name ("2025-01/S123/" → 2025-01/S123), as the
        // service lists by prefix: a station's few uploads do not cost a walk over the whole container.
        var slash = prefix.LastIndexOf('/');
        var start = slash > 0 && FolderPaths.IsSafe(prefix[..slash])
            ? Path.Combine(folder, prefix[..slash].Replace('/', Path.DirectorySeparatorChar))
            : folder;
        if (!Directory.Exists(start))
        {
            yield break;
        }

        var items = new List<BlobItem>();
        foreach (var path in Directory.EnumerateFiles(start, "*", SearchOption.AllDirectories))
        {
            var name = Path.GetRelativePath(folder, path).Replace(Path.DirectorySeparatorChar, '/');
            if (name.StartsWith(prefix, StringComparison.Ordinal) && FolderPaths.IsSafe(name))
            {
                items.Add(ToItem(container, name, new FileInfo(path)));
            }
        }

        items.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return item;
        }

        await Task.CompletedTask;
    }

    public Task DeleteAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        if (container == Containers.Submissions)
        {
            throw new InvalidOperationException("The pipeline never deletes a raw submission.");
        }

        File.Delete(FolderPaths.Resolve(Root, container, name));
        return Task.CompletedTask;
    }

    public Task<IAsyncDisposable?> TryAcquireLockAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        var path = FolderPaths.Resolve(Root, container, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            // The OS releases the lock when the process dies, so a crashed worker never leaves it held.
            var handle = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            return Task.FromResult<IAsyncDisposable?>(handle);
        }
        catch (IOException)
        {
            return Task.FromResult<IAsyncDisposable?>(null);
        }
    }

    /// <summary>Records when a blob was uploaded (for replaying uploads from a folder with their original times).</summary>
    public void SetCreatedOn(string container, string name, DateTimeOffset createdOn) =>
        File.SetLastWriteTimeUtc(FolderPaths.Resolve(Root, container, name), createdOn.UtcDateTime);

    private string LockPathFor(string container, string name) =>
        Path.Combine(Root, FolderPaths.TempFolder, "locks", container, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name)))[..32]);

    private static BlobItem ToItem(string container, string name, FileInfo file)
    {
        var written = new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero);
        return new BlobItem(container, name, file.Length, written,
            string.Create(CultureInfo.InvariantCulture, $"{file.Length:x}-{written.UtcTicks:x}"));
    }
}
