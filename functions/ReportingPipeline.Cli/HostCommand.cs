using System.CommandLine;
using System.Net;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ReportingPipeline.Hosting;
using ReportingPipeline.Hosting.LocalHost;
using ReportingPipeline.Hosting.Portal;
using ReportingPipeline.Storage.Portal;

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
        var portal = new Option<Uri?>("--portal")
        {
            HelpName = "URL",
            Description = "Also serve the station portal (page and API) here, e.g. http://127.0.0.1:7071, with a development sign-in; loopback addresses only.",
            CustomParser = result => Uri.TryCreate(result.Tokens.Single().Value, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp && IsLoopback(uri)
                ? uri
                : CommandOptions.Fail<Uri?>(result, $"--portal '{result.Tokens.Single().Value}' must be an http:// address on loopback (127.0.0.1, [::1] or localhost): the development sign-in trusts any caller that can reach it."),
        };
        var command = new Command("host", "The Functions app's handlers on Azure Storage or Azurite, in place of `func start`; Ctrl+C stops it.")
        {
            storage, martsSchedule, closeSchedule, pollSeconds, portal,
        };
        command.SetAction((parsed, cancellationToken) => ExecuteAsync(
            parsed.GetValue(storage)!, parsed.GetValue(martsSchedule), parsed.GetValue(closeSchedule), parsed.GetValue(pollSeconds), parsed.GetValue(portal), cancellationToken));
        return command;
    }

    /// <summary>An address only this machine can reach: a loopback IP, or <c>localhost</c>.</summary>
    public static bool IsLoopback(Uri uri) =>
        uri.IsLoopback && (uri.HostNameType != UriHostNameType.Dns || uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        && (uri.HostNameType == UriHostNameType.Dns || IPAddress.IsLoopback(IPAddress.Parse(uri.Host.Trim('[', ']'))));

    /// <summary>
    /// Storage on this machine: a connection string whose blob endpoint is a loopback address (Azurite's
    /// <c>UseDevelopmentStorage=true</c> is http://127.0.0.1:10000/devstoreaccount1).
    /// </summary>
    public static bool IsLocalStorage(string connectionString)
    {
        try
        {
            return IsLoopback(new BlobServiceClient(connectionString).Uri);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    private static async Task<int> ExecuteAsync(string connectionString, string? martsSchedule, string? closeSchedule, double? pollSeconds, Uri? portal, CancellationToken cancellationToken)
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

        if (portal is not null)
        {
            if (!IsLocalStorage(connectionString))
            {
                throw new UsageException("--portal serves a development sign-in that trusts any loopback caller: it runs only on Azurite "
                    + "(--storage UseDevelopmentStorage=true, or a connection whose blob endpoint is on loopback), never on real storage.");
            }

            return await RunWithPortalAsync(settings, connectionString, portal, cancellationToken);
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

    /// <summary>
    /// The same host on ASP.NET Core, also serving the station portal on a loopback address: the page, the API, and a
    /// development sign-in (the page lists the users table and sends the App Service header, believed from direct
    /// loopback clients only: not through a forwarding proxy, and only under a loopback Host name). Azurite gets the CORS rule that lets the page upload to it from the portal's origin.
    /// </summary>
    private static async Task<int> RunWithPortalAsync(Dictionary<string, string?> settings, string connectionString, Uri portal, CancellationToken cancellationToken)
    {
        var origin = portal.GetLeftPart(UriPartial.Authority);
        await BlobCors.AllowUploadsFromAsync(new BlobServiceClient(connectionString), origin, cancellationToken);

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = Directory.GetCurrentDirectory() });
        builder.Configuration.AddInMemoryCollection(settings);
        // Only the loopback names: a page on another site whose name a DNS rebinding points at 127.0.0.1 gets 400,
        // so it cannot read the API as the development sign-in's users.
        builder.Configuration["AllowedHosts"] = "localhost;127.0.0.1;[::1]";
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        // One line per request from ASP.NET Core would drown the pipeline's own log.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.WebHost.UseUrls(origin);
        builder.AddReportingPipeline();
        builder.Services.AddPipelineLocalHost();
        builder.Services.AddStationPortal();
        await using var app = builder.Build();
        app.MapStationPortal();
        await app.StartAsync(cancellationToken);
        app.Logger.LogInformation("Station portal on {Portal} (development sign-in: loopback clients only)", origin + "/");
        // Until Ctrl+C (the token) or SIGTERM (the host's lifetime stops the application).
        await app.WaitForShutdownAsync(cancellationToken);
        return PipelineCommand.Ok;
    }
}
