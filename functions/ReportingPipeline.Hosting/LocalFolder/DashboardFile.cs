using ReportingPipeline.Presentation.Dashboards;
using ReportingPipeline.Core.Ports;

namespace ReportingPipeline.Hosting.LocalFolder;

/// <summary>Writes the dashboard of a store's marts to a file on disk.</summary>
public static class DashboardFile
{
    /// <summary>
    /// Builds the dashboard from <paramref name="store"/>'s marts and writes it to <paramref name="path"/>: atomically
    /// (a browser never opens half a page) and only when it changed (a second `pipeline run` changes nothing).
    /// Returns the full path, or null when there are no marts yet.
    /// </summary>
    public static async Task<string?> WriteAsync(IBlobStore store, string path, CancellationToken cancellationToken = default)
    {
        var html = await new DashboardBuilder(store).BuildAsync(cancellationToken);
        if (html is null)
        {
            return null;
        }

        var full = Path.GetFullPath(path);
        if (File.Exists(full) && (await File.ReadAllBytesAsync(full, cancellationToken)).AsSpan().SequenceEqual(html))
        {
            return full;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = full + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        await File.WriteAllBytesAsync(temporary, html, cancellationToken);
        File.Move(temporary, full, overwrite: true);
        return full;
    }
}
