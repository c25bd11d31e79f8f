using System.IO.Enumeration;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Ports;

namespace ReportingPipeline.Storage.LocalFolder;

/// <summary>
/// The submission ledger on disk: one JSON file per station and month under <c>{root}/{period}/{station}.json</c>.
/// The ETag is the hash of the file's bytes; compare-and-swap runs under a per-entry file lock, so two
/// workers (threads or processes) can never both write version N.
/// </summary>
public sealed class FolderLedger : ISubmissionLedger
{
    public FolderLedger(string root)
    {
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public Task<VersionedLedgerEntry?> GetAsync(Period period, string stationCode, CancellationToken cancellationToken = default) =>
        Task.FromResult(Read(PathOf(period, stationCode)));

    public Task<bool> TryAddAsync(LedgerEntry entry, CancellationToken cancellationToken = default)
    {
        var path = PathOf(entry.Period, entry.StationCode);
        return FolderPaths.WithLockAsync(LockOf(path), () =>
        {
            if (File.Exists(path))
            {
                return false;
            }

            Write(path, entry);
            return true;
        }, cancellationToken);
    }

    public Task<bool> TryReplaceAsync(LedgerEntry entry, string etag, CancellationToken cancellationToken = default)
    {
        var path = PathOf(entry.Period, entry.StationCode);
        return FolderPaths.WithLockAsync(LockOf(path), () =>
        {
            var current = Read(path);
            if (current is null || current.ETag != etag)
            {
                return false;
            }

            Write(path, entry);
            return true;
        }, cancellationToken);
    }

    public async IAsyncEnumerable<LedgerEntry> ListAsync(Period? period = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        IEnumerable<string> folders = period is { } p
            ? [Path.Combine(Root, p.ToString())]
            : Directory.EnumerateDirectories(Root).Where(d => Period.TryParse(Path.GetFileName(d), out _)).Order(StringComparer.Ordinal);
        foreach (var folder in folders)
        {
            if (!Directory.Exists(folder))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
            {
                cancellationToken.ThrowIfCancellationRequested();
                // Listing needs no ETag: hashing every file would cost as much as parsing it.
                if (ReadBytes(file) is { } bytes)
                {
                    yield return Parse(file, bytes);
                }
            }
        }

        await Task.CompletedTask;
    }

    public async IAsyncEnumerable<LedgerChange> ListChangesAsync(DateTimeOffset? since = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // An entry is written to a temporary file that is then renamed over the old one, so the file's write
        // time is when the entry was last written: a stat per file, no file read. The rename also sets the write
        // time of the month's folder, so a folder last written before `since` holds no change since and its files
        // are not looked at: a correction's build stats its month's folder, not every month's (a national ledger is
        // 450,000 files, about a second of stats on one core). The folders that are looked at are listed side by
        // side, one per core, and given out in folder order as each is done (at most a folder per core held).
        var folders = new List<(string Folder, Period Period)>();
        foreach (var folder in Directory.EnumerateDirectories(Root))
        {
            if (Period.TryParse(Path.GetFileName(folder), out var period)
                && (since is null || Directory.GetLastWriteTimeUtc(folder) >= since.Value.UtcDateTime))
            {
                folders.Add((folder, period));
            }
        }

        var listing = new Queue<Task<List<LedgerChange>>>();
        var next = 0;
        void ListNext()
        {
            var (folder, period) = folders[next++];
            listing.Enqueue(Task.Run(() => Changes(folder, period, since, cancellationToken), cancellationToken));
        }

        while (next < folders.Count && listing.Count < Environment.ProcessorCount)
        {
            ListNext();
        }

        while (listing.TryDequeue(out var listed))
        {
            var changes = await listed;
            if (next < folders.Count)
            {
                ListNext();
            }

            foreach (var change in changes)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return change;
            }
        }
    }

    /// <summary>
    /// The entry's file written again, the same bytes, as every write is (a new file renamed over it): its write time,
    /// and its month folder's, become now. An entry's change is its file's write time, recorded with the entry in one
    /// rename, so only a redelivered upload calls this, to no harm.
    /// </summary>
    public Task MarkChangedAsync(Period period, string stationCode, CancellationToken cancellationToken = default)
    {
        var path = PathOf(period, stationCode);
        return FolderPaths.WithLockAsync(LockOf(path), () =>
        {
            if (ReadBytes(path) is { } bytes)
            {
                FolderPaths.WriteAtomically(Root, path, file => file.Write(bytes));
            }

            return true;
        }, cancellationToken);
    }

    /// <summary>Nothing to do: the changes are the entries' files themselves.</summary>
    public Task ForgetChangesBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken = default) => Task.CompletedTask;

    private static List<LedgerChange> Changes(string folder, Period period, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        var files = new FileSystemEnumerable<LedgerChange>(
            folder,
            (ref FileSystemEntry e) => new LedgerChange(period, Path.GetFileNameWithoutExtension(e.FileName).ToString(), e.LastWriteTimeUtc),
            new EnumerationOptions { RecurseSubdirectories = false })
        {
            ShouldIncludePredicate = (ref FileSystemEntry e) =>
                !e.IsDirectory && e.FileName.EndsWith(".json", StringComparison.Ordinal) && (since is null || e.LastWriteTimeUtc >= since.Value),
        };
        var changes = new List<LedgerChange>();
        foreach (var change in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            changes.Add(change);
        }

        return changes;
    }

    private string PathOf(Period period, string stationCode) =>
        FolderPaths.Resolve(Root, period.ToString(), stationCode + ".json");

    private string LockOf(string path) =>
        Path.Combine(Root, FolderPaths.TempFolder, "locks", Path.GetRelativePath(Root, path).Replace(Path.DirectorySeparatorChar, '_'));

    private void Write(string path, LedgerEntry entry) =>
        FolderPaths.WriteAtomically(Root, path, file => JsonSerializer.Serialize(file, entry, PipelineJson.Options));

    private static VersionedLedgerEntry? Read(string path) =>
        ReadBytes(path) is { } bytes ? new VersionedLedgerEntry(Parse(path, bytes), Convert.ToHexString(SHA256.HashData(bytes))) : null;

    private static byte[]? ReadBytes(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private static LedgerEntry Parse(string path, byte[] bytes) =>
        JsonSerializer.Deserialize<LedgerEntry>(bytes, PipelineJson.Options)
            ?? throw new InvalidDataException($"Ledger file {path} is empty.");
}
