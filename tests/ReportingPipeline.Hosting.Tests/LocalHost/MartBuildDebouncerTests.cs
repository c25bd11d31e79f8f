using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using ReportingPipeline.Core.Marts;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Hosting.LocalHost;
using ReportingPipeline.Storage.LocalFolder;
using ReportingPipeline.Testing;

namespace ReportingPipeline.Hosting.Tests.LocalHost;

/// <summary>
/// <c>pipeline host</c>'s composition (watcher, debouncer, real handlers) on a local folder store with the sample's
/// reference and uploads: a burst of uploads makes one build, an upload during a build one more, and the marts then
/// hold every upload. The timers are off, so every build counted is one the uploads asked for.
/// </summary>
public sealed class MartBuildDebouncerTests : IDisposable
{
    private static readonly string SampleData = InfraFiles.FromRoot("sample-data");
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse(File.ReadAllText(Path.Combine(SampleData, "_now.txt")).Trim(), CultureInfo.InvariantCulture);
    // Long enough that one ingest on a loaded machine never looks like the end of the burst.
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(3);

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("debouncer-tests-");

    [Fact]
    public async Task PipelineHost_BurstOfUploads_OneBuildThatHoldsThemAll()
    {
        var uploads = FirstUploadPerStation("2026-10/440103").Take(8).ToList();
        var (host, handlers) = await StartAsync();
        using (host)
        {
            foreach (var upload in uploads)
            {
                await UploadAsync(upload);
                await Task.Delay(150);
            }

            await Eventually.HoldsAsync(() => handlers.Builds == 1 && handlers.Ingested.Count == uploads.Count, "one build after the burst");
            await Task.Delay(Quiet * 2);
            await host.StopAsync();
        }

        Assert.Equal(1, handlers.Started);
        Assert.Equal(1, handlers.Builds);
        Assert.Equal(uploads.Select(u => u.BlobName).Order(StringComparer.Ordinal), handlers.Ingested.Order(StringComparer.Ordinal));
        Assert.Empty(MissingIn(Marts(), uploads));
    }

    [Fact]
    public async Task PipelineHost_UploadDuringABuild_ExactlyOneMoreBuildThatHoldsIt()
    {
        var (first, second) = FirstUploadPerStation("2026-10/440103").Take(2).ToArray() switch { var a => (a[0], a[1]) };
        var (host, handlers) = await StartAsync(holdFirstBuild: true);
        using (host)
        {
            await UploadAsync(first);
            await handlers.FirstBuildRead.Task.WaitAsync(TimeSpan.FromSeconds(30));

            // The first build has read the ledger and published; while it is still running, the second upload comes.
            await UploadAsync(second);
            await Eventually.HoldsAsync(() => handlers.Ingested.Contains(second.BlobName), "the second upload recorded");
            Assert.Equal([second], MissingIn(Marts(), [first, second]));
            handlers.ReleaseFirstBuild.SetResult();

            await Eventually.HoldsAsync(() => handlers.Builds == 2, "a second build");
            await Task.Delay(Quiet * 2);
            await host.StopAsync();
        }

        Assert.Equal(2, handlers.Started);
        Assert.Equal(2, handlers.Builds);
        Assert.Empty(MissingIn(Marts(), [first, second]));
    }

    private async Task<(IHost Host, CountingHandlers Handlers)> StartAsync(bool holdFirstBuild = false)
    {
        var store = new LocalFolderBlobStore(_root.FullName);
        foreach (var name in new[] { "regions.csv", "stations.csv" })
        {
            await using var content = File.OpenRead(Path.Combine(SampleData, "reference", name));
            await store.WriteAsync(Containers.Reference, name, content, "text/csv");
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:LocalFolderRoot"] = _root.FullName,
            ["LocalHost:PollInterval"] = "00:00:00.100",
            ["Pipeline:MartBuildQuietPeriod"] = Quiet.ToString(),
            ["Pipeline:MartBuildMaxDelay"] = "00:00:20",
            ["BuildMartsSchedule"] = "",
            ["CloseReportingPeriodSchedule"] = "",
        });
        builder.Services.AddSingleton<TimeProvider>(new FixedTimeProvider(Now));
        builder.AddReportingPipeline();
        CountingHandlers? counting = null;
        builder.Services.Replace(ServiceDescriptor.Singleton<IPipelineHandlers>(sp =>
            counting = new CountingHandlers(ActivatorUtilities.CreateInstance<PipelineHandlers>(sp), holdFirstBuild)));
        builder.Services.AddPipelineLocalHost();
        var host = builder.Build();
        await host.StartAsync();
        return (host, counting ?? (CountingHandlers)host.Services.GetRequiredService<IPipelineHandlers>());
    }

    /// <summary>
    /// Writes an upload into <c>submissions</c> as a station would, with its recorded upload time: written aside and moved
    /// in, so that the watcher never sees it half made or with another time.
    /// </summary>
    private Task UploadAsync(Upload upload)
    {
        var aside = Path.Combine(_root.FullName, "incoming-" + Guid.NewGuid().ToString("N"));
        File.Copy(Path.Combine(SampleData, "submissions", upload.BlobName), aside);
        File.SetLastWriteTimeUtc(aside, upload.At.UtcDateTime);
        var target = Path.Combine(_root.FullName, Containers.Submissions, upload.BlobName.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Move(aside, target);
        return Task.CompletedTask;
    }

    private string Marts() => Path.Combine(_root.FullName, Containers.Marts);

    /// <summary>The uploads whose station-month is not in fct_submission, or is there as missing.</summary>
    private static List<Upload> MissingIn(string marts, IEnumerable<Upload> uploads)
    {
        if (!File.Exists(Path.Combine(marts, "_manifest.json")))
        {
            return [.. uploads];
        }

        using var reader = new MartReader(marts);
        var present = reader.Query("SELECT strftime(period, '%Y-%m') || '/' || station_code FROM fct_submission WHERE status <> 'missing'")
            .Select(r => (string)r[0]!).ToHashSet(StringComparer.Ordinal);
        return [.. uploads.Where(u => !present.Contains(u.BlobName[..u.BlobName.LastIndexOf('/')]))];
    }

    private static IEnumerable<Upload> FirstUploadPerStation(string prefix) =>
        File.ReadLines(Path.Combine(SampleData, "submissions", "_uploads.csv")).Skip(1)
            .Select(l => l.Split(','))
            .Where(f => f[0].StartsWith(prefix, StringComparison.Ordinal) && f[0].Count(c => c == '/') == 2)
            .Select(f => new Upload(f[0], DateTimeOffset.Parse(f[1], CultureInfo.InvariantCulture)))
            .DistinctBy(u => u.BlobName[..u.BlobName.LastIndexOf('/')]);

    public void Dispose() => _root.Delete(recursive: true);

    private sealed record Upload(string BlobName, DateTimeOffset At)
    {
        public override string ToString() => BlobName;
    }

    /// <summary>The real handlers, counting builds; optionally the first build holds, after publishing, until released.</summary>
    private sealed class CountingHandlers(IPipelineHandlers inner, bool holdFirstBuild) : IPipelineHandlers
    {
        private readonly ConcurrentQueue<string> _ingested = new();
        private int _started;
        private int _builds;

        /// <summary>Builds started.</summary>
        public int Started => Volatile.Read(ref _started);

        /// <summary>Builds finished.</summary>
        public int Builds => Volatile.Read(ref _builds);

        public IReadOnlyCollection<string> Ingested => [.. _ingested];

        public TaskCompletionSource FirstBuildRead { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource ReleaseFirstBuild { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<IngestOutcome> IngestSubmissionAsync(string blobName, CancellationToken cancellationToken = default)
        {
            var outcome = await inner.IngestSubmissionAsync(blobName, cancellationToken);
            _ingested.Enqueue(blobName);
            return outcome;
        }

        public Task SubmissionSetAsideAsync(string blobName, int attempts, CancellationToken cancellationToken = default) =>
            inner.SubmissionSetAsideAsync(blobName, attempts, cancellationToken);

        public Task<MartBuildResult?> ReferenceDataChangedAsync(string blobName, CancellationToken cancellationToken = default) =>
            inner.ReferenceDataChangedAsync(blobName, cancellationToken);

        public async Task<MartBuildResult> BuildMartsAsync(CancellationToken cancellationToken = default)
        {
            var first = Interlocked.Increment(ref _started) == 1;
            var result = await inner.BuildMartsAsync(cancellationToken);
            if (first && holdFirstBuild)
            {
                FirstBuildRead.SetResult();
                await ReleaseFirstBuild.Task.WaitAsync(cancellationToken);
            }

            Interlocked.Increment(ref _builds);
            return result;
        }

        public Task<MartBuildResult> CloseReportingPeriodAsync(CancellationToken cancellationToken = default) =>
            inner.CloseReportingPeriodAsync(cancellationToken);
    }
}
