using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReportingPipeline.Core.Marts;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Hosting.LocalFolder;

namespace ReportingPipeline.Cli;

/// <summary>`pipeline dashboard`: the self-contained HTML dashboard of a local store's marts.</summary>
internal static class DashboardCommand
{
    public static Command Create()
    {
        var store = CommandOptions.Store("The store folder whose marts/ the dashboard shows.");
        var output = CommandOptions.Out("FILE.html", "The .html file to write.");
        var command = new Command("dashboard", "The self-contained HTML dashboard of a store's marts, readable offline in any browser.") { store, output };
        command.SetAction((parsed, cancellationToken) => ExecuteAsync(parsed.GetValue(store)!, parsed.GetValue(output)!, parsed.InvocationConfiguration.Output, cancellationToken));
        return command;
    }

    private static async Task<int> ExecuteAsync(string storeRoot, string output, TextWriter stdout, CancellationToken cancellationToken)
    {
        if (!output.EndsWith(".html", StringComparison.OrdinalIgnoreCase) && !output.EndsWith(".htm", StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException("-o must name an .html file.");
        }

        if (!File.Exists(Path.Combine(storeRoot, Containers.Marts, MartManifest.BlobName)))
        {
            throw new UsageException($"No marts in {storeRoot} ({Containers.Marts}/{MartManifest.BlobName} is missing): run `pipeline run --store {storeRoot}` first.");
        }

        using var host = LocalPipeline.CreateHost(storeRoot, TimeProvider.System, logging => logging.SetMinimumLevel(LogLevel.Warning));
        var written = await DashboardFile.WriteAsync(host.Services.GetRequiredService<IBlobStore>(), output, cancellationToken);
        if (written is null)
        {
            throw new UsageException($"The marts in {storeRoot} cover no month yet: there is nothing to show.");
        }

        await stdout.WriteLineAsync($"Dashboard: {written}");
        return PipelineCommand.Ok;
    }
}
