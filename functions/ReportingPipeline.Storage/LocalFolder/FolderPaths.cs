namespace ReportingPipeline.Storage.LocalFolder;

/// <summary>
/// Maps blob names onto files under a root folder, refusing names that would escape it (a blob name is
/// station-controlled input: "../", absolute paths and backslashes are not allowed).
/// </summary>
internal static class FolderPaths
{
    public const string TempFolder = ".tmp";

    public static string Resolve(string root, string container, string name)
    {
        if (!IsSafe(container) || !IsSafe(name))
        {
            throw new ArgumentException($"'{container}/{name}' is not a valid blob name.", nameof(name));
        }

        return Path.Combine(root, container, name.Replace('/', Path.DirectorySeparatorChar));
    }

    public static bool IsSafe(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 1024 || name.StartsWith('/') || name.EndsWith('/')
            || name.Contains('\\', StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var segment in name.Split('/'))
        {
            if (segment.Length == 0 || segment is "." or ".." || segment.StartsWith('.') || segment.Length > 255)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A temp file on the same volume as the root, so that the final rename is atomic.</summary>
    public static string NewTempFile(string root)
    {
        var folder = Path.Combine(root, TempFolder);
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, Guid.NewGuid().ToString("N"));
    }

    /// <summary>
    /// Runs <paramref name="action"/> holding an exclusive lock on <paramref name="lockPath"/>, across threads and
    /// processes (.NET takes an flock for FileShare.None on Unix). Waits while another holder has it.
    /// </summary>
    public static async Task<T> WithLockAsync<T>(string lockPath, Func<T> action, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(lockPath)!);
        var delay = 2;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            FileStream? handle = null;
            try
            {
                handle = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            }
            catch (IOException)
            {
                await Task.Delay(delay, cancellationToken);
                delay = Math.Min(delay * 2, 50);
                continue;
            }

            using (handle)
            {
                return action();
            }
        }
    }

    /// <summary>Writes bytes to a temp file, flushes them to disk, then renames over the target.</summary>
    public static void WriteAtomically(string root, string path, Action<Stream> write)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = NewTempFile(root);
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920))
            {
                write(file);
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}
