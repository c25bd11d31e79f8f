using ReportingPipeline.Core.Marts.PowerBi;

namespace ReportingPipeline.Cli;

/// <summary>`pipeline powerbi -o DIR`: writes the Power BI files generated from the mart declarations.</summary>
internal static class PowerBiCommand
{
    public static async Task<int> ExecuteAsync(string[] args, TextWriter stdout, CancellationToken cancellationToken)
    {
        var cl = new CommandLine(args, new HashSet<string> { "--out" }, new HashSet<string>());
        if (cl.Positional.Count > 0)
        {
            throw new UsageException($"powerbi takes no positional argument ('{cl.Positional[0]}').");
        }

        var root = Path.GetFullPath(cl.Value("--out") ?? "powerbi");
        var files = PowerBiProject.Files();
        var written = 0;
        foreach (var (name, text) in files)
        {
            var path = Path.Combine(root, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var bytes = System.Text.Encoding.UTF8.GetBytes(text); // no BOM: Power BI Desktop's parsers reject one
            if (!File.Exists(path) || !(await File.ReadAllBytesAsync(path, cancellationToken)).AsSpan().SequenceEqual(bytes))
            {
                await File.WriteAllBytesAsync(path, bytes, cancellationToken);
                written++;
            }
        }

        // A table, page or visual that is no longer declared leaves its old file behind: remove it, but only inside
        // the folders the generator owns, never an analyst's own files or Desktop's .pbi state.
        var removed = 0;
        foreach (var folder in PowerBiProject.GeneratedFolders)
        {
            var directory = Path.Combine(root, folder);
            if (!Directory.Exists(directory))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).ToList())
            {
                if (!files.ContainsKey(Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/')))
                {
                    File.Delete(file);
                    removed++;
                }
            }
        }

        await stdout.WriteLineAsync($"Power BI files: {files.Count} in {root} ({written} written, {removed} stale removed).");
        return PipelineCommand.Ok;
    }
}
