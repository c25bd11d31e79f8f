using System.CommandLine;
using ReportingPipeline.Presentation.PowerBi;

namespace ReportingPipeline.Cli;

/// <summary>`pipeline powerbi -o DIR`: writes the Power BI files generated from the mart declarations.</summary>
internal static class PowerBiCommand
{
    public static Command Create()
    {
        var output = CommandOptions.Out("DIR", "The folder to write (the repository's powerbi/ by default).", required: false, fallback: "powerbi");
        var reference = CommandOptions.Reference(required: false);
        reference.Description = "The folder holding regions.csv and stations.csv: adds a row-level security role per city and district.";
        var command = new Command("powerbi", "Regenerates the Power BI project, Power Query scripts and measures from the mart declarations.") { output, reference };
        command.SetAction((parsed, cancellationToken) => ExecuteAsync(parsed.GetValue(output)!, parsed.GetValue(reference), parsed.InvocationConfiguration.Output, cancellationToken));
        return command;
    }

    private static async Task<int> ExecuteAsync(string output, string? referenceFolder, TextWriter stdout, CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(output);
        var files = PowerBiProject.Files(referenceFolder is null ? null : ReferenceFiles.Load(referenceFolder));
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
