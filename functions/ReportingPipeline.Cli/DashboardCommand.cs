using ReportingPipeline.Core.Marts;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Hosting.LocalFolder;
using ReportingPipeline.Storage.LocalFolder;

namespace ReportingPipeline.Cli;

/// <summary>`pipeline dashboard`: the self-contained HTML dashboard of a local store's marts.</summary>
internal static class DashboardCommand
{
    public static async Task<int> ExecuteAsync(string[] args, TextWriter stdout, CancellationToken cancellationToken)
    {
        var cl = new CommandLine(args, new HashSet<string> { "--store", "--out" }, new HashSet<string>());
        if (cl.Positional.Count > 0)
        {
            throw new UsageException($"dashboard takes no positional argument ('{cl.Positional[0]}').");
        }

        var storeRoot = cl.Required("--store");
        var output = cl.Required("--out");
        if (!output.EndsWith(".html", StringComparison.OrdinalIgnoreCase) && !output.EndsWith(".htm", StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException("-o must name an .html file.");
        }

        if (!File.Exists(Path.Combine(storeRoot, Containers.Marts, MartManifest.BlobName)))
        {
            throw new UsageException($"No marts in {storeRoot} ({Containers.Marts}/{MartManifest.BlobName} is missing): run `pipeline run --store {storeRoot}` first.");
        }

        var written = await DashboardFile.WriteAsync(new LocalFolderBlobStore(storeRoot), output, cancellationToken);
        if (written is null)
        {
            throw new UsageException($"The marts in {storeRoot} cover no month yet: there is nothing to show.");
        }

        await stdout.WriteLineAsync($"Dashboard: {written}");
        return PipelineCommand.Ok;
    }
}
