using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Hosting;
using ReportingPipeline.Hosting.LocalFolder;
using ReportingPipeline.Hosting.LocalHost;

namespace ReportingPipeline.Bench;

/// <summary>
/// <c>child freshness --store STORE --dataset DIR [--uploads 2000] [--quiet S] [--max-delay S] [--poll S]</c>: a burst of
/// uploads through <c>pipeline host</c>'s own composition (watcher, debouncer, handlers) on a local folder store whose
/// marts are built. Every upload is written into <c>submissions</c> at once, in upload order (a station's file appears
/// whole: written aside, given its upload time, then moved in). Per upload, the latency runs from that write to the end of
/// the first build that started after the upload was recorded (its ingest returned: a little after the ledger write, so
/// the figure errs long). Prints p50/p95/max, the number of builds, and checks at the end that every accepted upload's
/// latest version is in fct_submission. The timers are off, so every build is one the uploads asked for.
/// </summary>
/// <remarks>
/// STORE is a copy of a staged store (<c>cp -a</c>) without <c>submissions</c>: the run leaves its uploads, receipts and
/// ledger there. DIR is a generated dataset (<c>pipeline generate --scale guangdong --from 2026-01 --months 2</c>, same
/// scale and seed as the store's); the first uploads by upload time are taken. The clock runs from just after the last of
/// them, so none arrives "in the future".
/// </remarks>
internal static class FreshnessScenario
{
    public static async Task<Measurement> RunAsync(IReadOnlyDictionary<string, string> options)
    {
        var storeRoot = Path.GetFullPath(options["store"]);
        if (Directory.Exists(Path.Combine(storeRoot, Containers.Submissions)))
        {
            throw new InvalidOperationException($"{storeRoot} already has submissions: give the scenario a fresh copy of the staged store.");
        }

        var count = options.TryGetValue("uploads", out var n) ? int.Parse(n, CultureInfo.InvariantCulture) : 2000;
        var uploads = Freshness.Uploads(options["dataset"], count);

        using var powerBi = new PowerBiStandIn();
        var settings = new Dictionary<string, string?>(powerBi.Settings)
        {
            ["Storage:LocalFolderRoot"] = storeRoot,
            ["BuildMartsSchedule"] = "",
            ["CloseReportingPeriodSchedule"] = "",
        };
        Seconds(options, "quiet", "Pipeline:MartBuildQuietPeriod", settings);
        Seconds(options, "max-delay", "Pipeline:MartBuildMaxDelay", settings);
        Seconds(options, "poll", "LocalHost:PollInterval", settings);

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton<TimeProvider>(new RunningClock(uploads[^1].At.AddMinutes(1)));
        builder.AddReportingPipeline();
        PowerBiStandIn.AddCredential(builder.Services);
        builder.Services.Replace(ServiceDescriptor.Singleton<IPipelineHandlers>(sp => new TimedHandlers(ActivatorUtilities.CreateInstance<PipelineHandlers>(sp))));
        builder.Services.AddPipelineLocalHost();
        using var host = builder.Build();
        var handlers = (TimedHandlers)host.Services.GetRequiredService<IPipelineHandlers>();
        var pending = host.Services.GetRequiredService<PendingMartBuild>();

        // The watcher's first round meets the store's reference files (no receipts yet): let it pass before the burst.
        await host.StartAsync();
        await Freshness.WaitAsync(() => handlers.ReferenceCalls == 2, TimeSpan.FromMinutes(5), "the reference files");

        var timed = new Timed();
        var written = new Dictionary<string, long>(StringComparer.Ordinal);
        var incoming = Path.Combine(storeRoot, ".tmp", "incoming");
        Directory.CreateDirectory(incoming);
        foreach (var (name, at) in uploads)
        {
            var aside = Path.Combine(incoming, Guid.NewGuid().ToString("N"));
            File.Copy(Path.Combine(options["dataset"], Containers.Submissions, name), aside);
            File.SetLastWriteTimeUtc(aside, at.UtcDateTime);
            var target = Path.Combine(storeRoot, Containers.Submissions, name.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Move(aside, target);
            written[name] = Stopwatch.GetTimestamp();
        }

        var writeSeconds = timed.Elapsed;
        // Settled: every upload recorded, and a build that started after the last of them has finished with none pending.
        await Freshness.WaitAsync(() => handlers.Recorded.Count >= uploads.Count && !pending.IsPending && handlers.Building == 0
            && handlers.Builds.Any(b => b.Started > handlers.Recorded.Values.Max(r => r.At)), TimeSpan.FromMinutes(20), "the burst's builds");
        var settled = timed.Elapsed;
        await host.StopAsync();

        var accepted = Freshness.Accepted(handlers);
        var notInMarts = await Freshness.AcceptedMissingFromMartsAsync(Path.Combine(storeRoot, Containers.Marts), accepted);
        if (notInMarts > 0)
        {
            throw new InvalidOperationException($"{notInMarts} accepted station-months are not in fct_submission at their latest version.");
        }

        // The windows and the polling the host ran with, printed beside the figures they shape.
        var figures = Freshness.Figures(handlers, written, accepted.Count, writeSeconds, settled, powerBi);
        var pipeline = host.Services.GetRequiredService<IOptions<PipelineOptions>>().Value;
        figures["quiet_s"] = pipeline.MartBuildQuietPeriod.TotalSeconds;
        figures["max_delay_s"] = pipeline.MartBuildMaxDelay.TotalSeconds;
        figures["poll_s"] = host.Services.GetRequiredService<IOptions<LocalHostOptions>>().Value.PollInterval.TotalSeconds;
        return timed.Stop("freshness", figures);
    }

    private static void Seconds(IReadOnlyDictionary<string, string> options, string option, string key, Dictionary<string, string?> settings)
    {
        if (options.TryGetValue(option, out var value))
        {
            settings[key] = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)).ToString("c", CultureInfo.InvariantCulture);
        }
    }
}
