using System.CommandLine;
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
    public static Command Create()
    {
        var storage = CommandOptions.Storage();
        var martsSchedule = new Option<string>("--schedule-marts") { HelpName = "CRON", Description = "When to build the marts: six fields, seconds first, as Functions timers use." };
        var closeSchedule = new Option<string>("--schedule-close") { HelpName = "CRON", Description = "When to close the month after its deadline (six fields)." };
        var pollSeconds = new Option<double?>("--poll-seconds") { HelpName = "N", Description = "How often to list the containers for new blobs." };
        pollSeconds.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double?>() is <= 0)
            {
                result.AddError($"--poll-seconds '{result.Tokens.Single().Value}' must be a positive number.");
            }
        });
        var command = new Command("host", "The Functions app's handlers on Azure Storage or Azurite, in place of `func start`; Ctrl+C stops it.")
        {
            storage, martsSchedule, closeSchedule, pollSeconds,
        };
        command.SetAction((parsed, cancellationToken) => ExecuteAsync(
            parsed.GetValue(storage)!, parsed.GetValue(martsSchedule), parsed.GetValue(closeSchedule), parsed.GetValue(pollSeconds), cancellationToken));
        return command;
    }

    private static async Task<int> ExecuteAsync(string connectionString, string? martsSchedule, string? closeSchedule, double? pollSeconds, CancellationToken cancellationToken)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = connectionString,
        };
        if (martsSchedule is { } marts)
        {
            settings["Pipeline:BuildMartsSchedule"] = marts;
        }

        if (closeSchedule is { } close)
        {
            settings["Pipeline:CloseReportingPeriodSchedule"] = close;
        }

        if (pollSeconds is { } seconds)
        {
            settings["LocalHost:PollInterval"] = TimeSpan.FromSeconds(seconds).ToString("c", System.Globalization.CultureInfo.InvariantCulture);
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
