using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ReportingPipeline.Hosting;
using ReportingPipeline.Hosting.LocalHost;

namespace ReportingPipeline.Cli;

/// <summary>
/// `pipeline host`: what `func start` would be, here: the same handlers as the Functions app, triggered by
/// polling the <c>submissions</c> and <c>reference</c> containers (with receipts, so each blob version is handled
/// once across restarts) and by the timers' six-field cron schedules. Stops cleanly on Ctrl+C.
/// </summary>
internal static class HostCommand
{
    public static async Task<int> ExecuteAsync(string[] args, CancellationToken cancellationToken)
    {
        var cl = new CommandLine(args, new HashSet<string> { "--storage", "--schedule-marts", "--schedule-close", "--poll-seconds" }, new HashSet<string>());
        if (cl.Positional.Count > 0)
        {
            throw new UsageException($"host takes no positional argument ('{cl.Positional[0]}').");
        }

        var settings = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = cl.Required("--storage"),
        };
        if (cl.Value("--schedule-marts") is { } marts)
        {
            settings["Pipeline:BuildMartsSchedule"] = marts;
        }

        if (cl.Value("--schedule-close") is { } close)
        {
            settings["Pipeline:CloseReportingPeriodSchedule"] = close;
        }

        if (cl.Value("--poll-seconds") is { } poll)
        {
            settings["LocalHost:PollInterval"] = double.TryParse(poll, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds > 0
                ? TimeSpan.FromSeconds(seconds).ToString("c", System.Globalization.CultureInfo.InvariantCulture)
                : throw new UsageException($"--poll-seconds '{poll}' must be a positive number.");
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = Directory.GetCurrentDirectory() });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        builder.AddReportingPipeline();
        builder.Services.AddPipelineLocalHost();
        using var host = builder.Build();
        await host.RunAsync(cancellationToken);
        return PipelineCommand.Ok;
    }
}
