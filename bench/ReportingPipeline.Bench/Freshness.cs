using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Azure.Core;
using DuckDB.NET.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ReportingPipeline.Core.Marts;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Hosting;
using ReportingPipeline.Hosting.LocalFolder;
using ReportingPipeline.Testing;

namespace ReportingPipeline.Bench;

/// <summary>
/// What the two freshness scenarios share (<see cref="FreshnessScenario"/> in <c>pipeline host</c>,
/// <see cref="FunctionsFreshnessScenario"/> in the Functions app): the burst's uploads, the clock, the handlers timed,
/// and the figures: per upload, from its write to the end of the first build that started after it was recorded, which
/// ends once the marts are published and the Power BI refresh it asked for has been answered (by <see cref="PowerBiStandIn"/>).
/// </summary>
internal static class Freshness
{
    /// <summary>The first <paramref name="count"/> uploads of a generated dataset by upload time (then name).</summary>
    public static List<(string Name, DateTimeOffset At)> Uploads(string dataset, int count) =>
        [.. File.ReadLines(Path.Combine(dataset, Containers.Submissions, InputImporter.UploadTimesFile)).Skip(1)
            .Select(line => line.Split(','))
            .Select(f => (Name: f[0], At: DateTimeOffset.Parse(f[1], CultureInfo.InvariantCulture)))
            .OrderBy(u => u.At).ThenBy(u => u.Name, StringComparer.Ordinal)
            .Take(count)];

    /// <summary>
    /// The figures of a settled burst: per upload (duplicates and redeliveries left out: they change no mart row), the
    /// seconds from its write to the end of the first build that started after it was recorded; p50, p95, max, builds.
    /// Every build of the burst that published a change must have asked Power BI for one refresh.
    /// </summary>
    public static Dictionary<string, double> Figures(
        TimedHandlers handlers, IReadOnlyDictionary<string, long> written, int accepted, double writeSeconds, double settledSeconds, PowerBiStandIn powerBi)
    {
        var firstWrite = written.Values.Min();
        var published = handlers.Builds.Count(b => b.Published);
        var refreshes = powerBi.RefreshesSince(firstWrite);
        if (refreshes != published)
        {
            throw new InvalidOperationException($"{published} builds of the burst published marts, and Power BI was asked for {refreshes} refreshes.");
        }

        var ingested = IngestedSeconds(handlers, written);
        var builds = handlers.Builds.OrderBy(b => b.Started).ToList();
        var latencies = new List<double>();
        foreach (var (name, recorded) in handlers.Recorded.Where(r => r.Value.Status is not nameof(SubmissionStatus.Duplicate) && !r.Value.AlreadyProcessed))
        {
            var build = builds.FirstOrDefault(b => b.Started > recorded.At)
                ?? throw new InvalidOperationException($"No build started after {name} was recorded.");
            latencies.Add(Stopwatch.GetElapsedTime(written[name], build.Finished).TotalSeconds);
        }

        var sorted = latencies.Order().ToArray();
        var buildSeconds = builds.Select(b => Stopwatch.GetElapsedTime(b.Started, b.Finished).TotalSeconds).ToList();
        return new()
        {
            ["uploads"] = written.Count,
            ["measured"] = sorted.Length,
            ["accepted"] = accepted,
            ["builds"] = builds.Count,
            ["refreshes"] = refreshes,
            ["write_s"] = writeSeconds,
            ["ingested_s"] = ingested,
            ["settled_s"] = settledSeconds,
            ["p50_s"] = Percentile(sorted, 0.50),
            ["p95_s"] = Percentile(sorted, 0.95),
            ["max_s"] = sorted.Length == 0 ? double.NaN : sorted[^1],
            ["build_mean_s"] = buildSeconds.Count == 0 ? double.NaN : buildSeconds.Average(),
            ["build_max_s"] = buildSeconds.Count == 0 ? double.NaN : buildSeconds.Max(),
        };
    }

    /// <summary>From the first write to the last upload recorded: how long intake took to get through the burst.</summary>
    public static double IngestedSeconds(TimedHandlers handlers, IReadOnlyDictionary<string, long> written) =>
        handlers.Recorded.IsEmpty ? double.NaN : Stopwatch.GetElapsedTime(written.Values.Min(), handlers.Recorded.Values.Max(r => r.At)).TotalSeconds;

    /// <summary>The recorded uploads that were accepted (with or without warnings).</summary>
    public static List<Recorded> Accepted(TimedHandlers handlers) =>
        [.. handlers.Recorded.Values.Where(r => r.Status is nameof(SubmissionStatus.Accepted) or nameof(SubmissionStatus.AcceptedWithWarnings))];

    /// <summary>How many station-months' latest accepted version of the burst the <c>fct_submission</c> files under <paramref name="marts"/> do not show.</summary>
    public static async Task<int> AcceptedMissingFromMartsAsync(string marts, IReadOnlyList<Recorded> accepted)
    {
        var expected = accepted
            .GroupBy(r => r.BlobName[..r.BlobName.LastIndexOf('/')], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Max(r => r.Version), StringComparer.Ordinal);
        var glob = Path.Combine(marts, "fct_submission").Replace('\\', '/') + "/**/*.parquet";
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

    public static Task WaitAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        WaitAsync(() => Task.FromResult(condition()), timeout, what);

    /// <summary>Polls <paramref name="condition"/> every 50 ms until it holds; a <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
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
}

/// <summary>The wall clock moved to the dataset's time: it runs, so the host's timers and windows behave as in production.</summary>
internal sealed class RunningClock(DateTimeOffset start) : TimeProvider
{
    private readonly TimeSpan _offset = start - DateTimeOffset.UtcNow;

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.UtcNow + _offset;
}

/// <summary>An upload as its ingest returned, at <see cref="Stopwatch"/> time <paramref name="At"/>.</summary>
internal sealed record Recorded(string BlobName, string Status, int? Version, bool AlreadyProcessed, long At);

/// <summary>A build, from its start to its end in <see cref="Stopwatch"/> time; <see cref="MartBuildResult.Published"/> as it returned.</summary>
internal sealed record Build(long Started, long Finished, bool Published);

/// <summary>
/// The Power BI REST API's stand-in on loopback (answering 202 Accepted, as the service does), so that each build that
/// publishes asks for its refresh as in production and the burst's figures include that request; a fixed bearer token.
/// </summary>
internal sealed class PowerBiStandIn : IDisposable
{
    private readonly LoopbackHttpServer _server = new();

    /// <summary>The configuration that points the host's Power BI refresh at the stand-in.</summary>
    public IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("PowerBi:Enabled", "true"),
        new("PowerBi:WorkspaceId", "freshness"),
        new("PowerBi:DatasetId", "marts"),
        new("PowerBi:ApiBaseUri", _server.BaseUri.ToString()),
    ];

    /// <summary>The credential the refresh's bearer token comes from, in place of the host's Azure sign-in.</summary>
    public static void AddCredential(IServiceCollection services) =>
        services.Replace(ServiceDescriptor.Singleton<TokenCredential>(DelegatedTokenCredential.Create((_, _) => new AccessToken("freshness", DateTimeOffset.MaxValue))));

    /// <summary>The refresh requests received from <paramref name="since"/> (a <see cref="Stopwatch"/> timestamp) on.</summary>
    public int RefreshesSince(long since) =>
        _server.Requests.Count(r => r.Method == "POST" && r.Path.EndsWith("/refreshes", StringComparison.Ordinal) && r.ReceivedAt >= since);

    public void Dispose() => _server.Dispose();
}

/// <summary>The real handlers, timing each upload's recording and each build on <see cref="Stopwatch"/> timestamps.</summary>
internal sealed class TimedHandlers(IPipelineHandlers inner) : IPipelineHandlers
{
    private readonly ConcurrentBag<Build> _builds = [];
    private int _building;
    private int _referenceCalls;

    public ConcurrentDictionary<string, Recorded> Recorded { get; } = new(StringComparer.Ordinal);

    public IReadOnlyCollection<Build> Builds => _builds;

    public int Building => Volatile.Read(ref _building);

    public int ReferenceCalls => Volatile.Read(ref _referenceCalls);

    /// <summary>Forgets the builds so far (a store's first build, before the burst).</summary>
    public void ForgetBuilds() => _builds.Clear();

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
            _builds.Add(new Build(started, Stopwatch.GetTimestamp(), result.Published));
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
