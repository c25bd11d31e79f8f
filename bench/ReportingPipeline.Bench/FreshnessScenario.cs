using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using ReportingPipeline.Core.Marts;
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
        var uploads = File.ReadLines(Path.Combine(options["dataset"], Containers.Submissions, InputImporter.UploadTimesFile)).Skip(1)
            .Select(line => line.Split(','))
            .Select(f => (Name: f[0], At: DateTimeOffset.Parse(f[1], CultureInfo.InvariantCulture)))
            .OrderBy(u => u.At).ThenBy(u => u.Name, StringComparer.Ordinal)
            .Take(count)
            .ToList();

        var settings = new Dictionary<string, string?>
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
        builder.Services.Replace(ServiceDescriptor.Singleton<IPipelineHandlers>(sp => new TimedHandlers(ActivatorUtilities.CreateInstance<PipelineHandlers>(sp))));
        builder.Services.AddPipelineLocalHost();
        using var host = builder.Build();
        var handlers = (TimedHandlers)host.Services.GetRequiredService<IPipelineHandlers>();
        var pending = host.Services.GetRequiredService<PendingMartBuild>();

        // The watcher's first round meets the store's reference files (no receipts yet): let it pass before the burst.
        await host.StartAsync();
        await WaitAsync(() => handlers.ReferenceCalls == 2, TimeSpan.FromMinutes(5), "the reference files");

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
        await WaitAsync(() => handlers.Recorded.Count >= uploads.Count && !pending.IsPending && handlers.Building == 0
            && handlers.Builds.Any(b => b.Started > handlers.Recorded.Values.Max(r => r.At)), TimeSpan.FromMinutes(20), "the burst's builds");
        var settled = timed.Elapsed;
        await host.StopAsync();

        var builds = handlers.Builds.OrderBy(b => b.Started).ToList();
        var latencies = new List<double>();
        foreach (var (name, recorded) in handlers.Recorded.Where(r => r.Value.Status is not (nameof(SubmissionStatus.Duplicate)) && !r.Value.AlreadyProcessed))
        {
            var build = builds.FirstOrDefault(b => b.Started > recorded.At)
                ?? throw new InvalidOperationException($"No build started after {name} was recorded.");
            latencies.Add(Stopwatch.GetElapsedTime(written[name], build.Finished).TotalSeconds);
        }

        var accepted = handlers.Recorded.Values.Where(r => r.Status is nameof(SubmissionStatus.Accepted) or nameof(SubmissionStatus.AcceptedWithWarnings)).ToList();
        var notInMarts = await AcceptedMissingFromMartsAsync(storeRoot, accepted);
        if (notInMarts > 0)
        {
            throw new InvalidOperationException($"{notInMarts} accepted station-months are not in fct_submission at their latest version.");
        }

        var sorted = latencies.Order().ToArray();
        var buildSeconds = builds.Select(b => Stopwatch.GetElapsedTime(b.Started, b.Finished).TotalSeconds).ToList();
        return timed.Stop("freshness", new()
        {
            ["uploads"] = uploads.Count,
            ["measured"] = sorted.Length,
            ["accepted"] = accepted.Count,
            ["builds"] = builds.Count,
            ["write_s"] = writeSeconds,
            ["settled_s"] = settled,
            ["p50_s"] = Percentile(sorted, 0.50),
            ["p95_s"] = Percentile(sorted, 0.95),
            ["max_s"] = sorted.Length == 0 ? double.NaN : sorted[^1],
            ["build_mean_s"] = buildSeconds.Count == 0 ? double.NaN : buildSeconds.Average(),
            ["build_max_s"] = buildSeconds.Count == 0 ? double.NaN : buildSeconds.Max(),
            ["not_in_marts"] = notInMarts,
        });
    }

    /// <summary>How many station-months' latest accepted version of the burst fct_submission does not show.</summary>
    private static async Task<int> AcceptedMissingFromMartsAsync(string storeRoot, IReadOnlyList<Recorded> accepted)
    {
        var expected = accepted
            .GroupBy(r => r.BlobName[..r.BlobName.LastIndexOf('/')], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Max(r => r.Version), StringComparer.Ordinal);
        var glob = Path.Combine(storeRoot, Containers.Marts, "fct_submission").Replace('\\', '/') + "/**/*.parquet";
        await using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT strftime(period, '%Y-%m') || '/' || station_code, version FROM read_parquet('{glob}', hive_partitioning = false) WHERE status IN ('accepted', 'accepted_with_warnings')";
        var inMarts = new Dictionary<string, long?>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                inMarts[reader.GetString(0)] = reader.IsDBNull(1) ? null : Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture);
            }
        }

        return expected.Count(e => !inMarts.TryGetValue(e.Key, out var version) || version != e.Value);
    }

    private static void Seconds(IReadOnlyDictionary<string, string> options, string option, string key, Dictionary<string, string?> settings)
    {
        if (options.TryGetValue(option, out var value))
        {
            settings[key] = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)).ToString("c", CultureInfo.InvariantCulture);
        }
    }

    private static async Task WaitAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"Waited {timeout} for {what}.");
            }

            await Task.Delay(50);
        }
    }

    private static double Percentile(double[] sorted, double share) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(share * sorted.Length) - 1)];

    /// <summary>The wall clock moved to the dataset's time: it runs, so the host's timers and windows behave as in production.</summary>
    private sealed class RunningClock(DateTimeOffset start) : TimeProvider
    {
        private readonly TimeSpan _offset = start - DateTimeOffset.UtcNow;

        public override DateTimeOffset GetUtcNow() => DateTimeOffset.UtcNow + _offset;
    }

    private sealed record Recorded(string BlobName, string Status, int? Version, bool AlreadyProcessed, long At);

    private sealed record Build(long Started, long Finished);

    /// <summary>The real handlers, timing each upload's recording and each build on <see cref="Stopwatch"/> timestamps.</summary>
    private sealed class TimedHandlers(IPipelineHandlers inner) : IPipelineHandlers
    {
        private readonly ConcurrentBag<Build> _builds = [];
        private int _building;
        private int _referenceCalls;

        public ConcurrentDictionary<string, Recorded> Recorded { get; } = new(StringComparer.Ordinal);

        public IReadOnlyCollection<Build> Builds => _builds;

        public int Building => Volatile.Read(ref _building);

        public int ReferenceCalls => Volatile.Read(ref _referenceCalls);

        public async Task<IngestOutcome> IngestSubmissionAsync(string blobName, CancellationToken cancellationToken = default)
        {
            var outcome = await inner.IngestSubmissionAsync(blobName, cancellationToken);
            Recorded.TryAdd(blobName, new Recorded(blobName, outcome.Status, outcome.Version, outcome.AlreadyProcessed, Stopwatch.GetTimestamp()));
            return outcome;
        }

        public Task SubmissionSetAsideAsync(string blobName, int attempts, CancellationToken cancellationToken = default) =>
            inner.SubmissionSetAsideAsync(blobName, attempts, cancellationToken);

        public async Task<MartBuildResult?> ReferenceDataChangedAsync(string blobName, CancellationToken cancellationToken = default)
        {
            var result = await inner.ReferenceDataChangedAsync(blobName, cancellationToken);
            Interlocked.Increment(ref _referenceCalls);
            return result;
        }

        public async Task<MartBuildResult> BuildMartsAsync(CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _building);
            try
            {
                var started = Stopwatch.GetTimestamp();
                var result = await inner.BuildMartsAsync(cancellationToken);
                _builds.Add(new Build(started, Stopwatch.GetTimestamp()));
                return result;
            }
            finally
            {
                Interlocked.Decrement(ref _building);
            }
        }

        public Task<MartBuildResult> CloseReportingPeriodAsync(CancellationToken cancellationToken = default) =>
            inner.CloseReportingPeriodAsync(cancellationToken);
    }
}
