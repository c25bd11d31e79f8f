using System.Globalization;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using ReportingPipeline.Core.Marts;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Hosting;
using ReportingPipeline.Hosting.LocalHost;
using ReportingPipeline.Storage;
using ReportingPipeline.Testing;

namespace ReportingPipeline.Functions.Tests;

/// <summary>
/// The function classes called as the Functions host calls them, with real <see cref="BlobClient"/>s on Azurite and
/// a <see cref="TimerInfo"/>, produce the same reports, ledger and marts as <c>pipeline host</c> does from the same
/// uploads (whose own equality with the local-folder build is tested in the EndToEnd suite).
/// </summary>
[Collection(AzuriteFixture.Collection)]
public sealed class FunctionsOnAzuriteTests(AzuriteFixture azurite) : IDisposable
{
    private static readonly string Root = Path.GetFullPath(Path.Combine(InfraFiles.BicepDirectory, "..", ".."));
    private static readonly string SampleData = Path.Combine(Root, "sample-data");

    // Both hosts work at the same fixed time, so deadlines, "on time" and report times agree.
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    /// <summary>The ledger table the deployed app uses; <c>pipeline host</c> is given the same.</summary>
    private static readonly string LedgerTable = DeployedApp.AppSettings[$"{StorageOptions.SectionName}__{nameof(StorageOptions.LedgerTable)}"];

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("functions-tests-");

    [Fact]
    public async Task Functions_SampleUploads_SameReportsLedgerAndMartsAsPipelineHost()
    {
        await azurite.ResetAsync();
        var blobs = new BlobServiceClient(azurite.ConnectionString);
        var uploads = await UploadSampleAsync(blobs);

        using (var app = FunctionsApp())
        {
            foreach (var name in new[] { "regions.csv", "stations.csv" })
            {
                using var invocation = app.Services.CreateScope();
                await FunctionsAppHost.Create<ReferenceDataChanged>(invocation)
                    .RunAsync(blobs.GetBlobContainerClient(Containers.Reference).GetBlobClient(name), CancellationToken.None);
            }

            foreach (var name in uploads)
            {
                using var invocation = app.Services.CreateScope();
                await FunctionsAppHost.Create<IngestSubmission>(invocation)
                    .RunAsync(blobs.GetBlobContainerClient(Containers.Submissions).GetBlobClient(name), CancellationToken.None);
            }

            using (var invocation = app.Services.CreateScope())
            {
                await FunctionsAppHost.Create<BuildMarts>(invocation).RunAsync(new TimerInfo(), CancellationToken.None);
            }
        }

        var functions = await SnapshotAsync("functions");
        Assert.Equal(uploads.Count * 2, functions.Reports.Count);
        Assert.NotEmpty(functions.Ledger);

        await ForgetEverythingButUploadsAsync();
        using (var host = PipelineHost())
        {
            await host.Services.GetServices<IHostedService>().OfType<BlobWatcher>().Single().PollOnceAsync();
            await host.Services.GetRequiredService<IPipelineHandlers>().BuildMartsAsync();
        }

        var pipelineHost = await SnapshotAsync("pipeline-host");
        Assert.Equal(pipelineHost.Reports.Keys.Order(StringComparer.Ordinal), functions.Reports.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, content) in pipelineHost.Reports)
        {
            Assert.True(content.SequenceEqual(functions.Reports[name]), $"report {name} differs");
        }

        Assert.Equal(pipelineHost.Ledger, functions.Ledger);
        using var fromFunctions = new MartReader(functions.Marts);
        using var fromHost = new MartReader(pipelineHost.Marts);
        foreach (var table in MartTables.All)
        {
            var expected = Canonical(fromHost.Query($"SELECT * FROM {table.Name} ORDER BY ALL"));
            var actual = Canonical(fromFunctions.Query($"SELECT * FROM {table.Name} ORDER BY ALL"));
            Assert.True(expected.Count > 0 || table.Name == "fct_hotline", $"{table.Name} is empty");
            Assert.True(expected.SequenceEqual(actual), $"{table.Name} differs between the Functions app and pipeline host");
        }
    }

    [Fact]
    public async Task SubmissionSetAside_PoisonedUpload_SameReportAsPipelineHostQuarantine()
    {
        await azurite.ResetAsync();
        var blobs = new BlobServiceClient(azurite.ConnectionString);
        await UploadReferenceAsync(blobs);
        const string name = "2026-10/440103001/station-report.json";
        await blobs.GetBlobContainerClient(Containers.Submissions).CreateIfNotExistsAsync();
        await blobs.GetBlobContainerClient(Containers.Submissions).UploadBlobAsync(name, BinaryData.FromString("{\"schema\":\"shuangbai-monthly/v1\"}"));

        // pipeline host: every attempt fails, so the watcher quarantines the upload and reports it set aside.
        using (var host = PipelineHost(failIngest: true))
        {
            var watcher = host.Services.GetServices<IHostedService>().OfType<BlobWatcher>().Single();
            for (var attempt = 0; attempt < SubmissionSetAside.PoisonBlobThreshold; attempt++)
            {
                await watcher.PollOnceAsync();
            }
        }

        var reports = blobs.GetBlobContainerClient(Containers.Reports);
        var expected = (await reports.GetBlobClient(name + ".report.json").DownloadContentAsync()).Value.Content.ToString();
        Assert.Contains("file.set_aside", expected, StringComparison.Ordinal);
        await reports.DeleteBlobAsync(name + ".report.json");
        await reports.DeleteBlobAsync(name + ".report.html");

        // The Functions app: the blob trigger gave up after the same number of attempts and queued the poison message.
        using (var app = FunctionsApp())
        {
            using var invocation = app.Services.CreateScope();
            await FunctionsAppHost.Create<SubmissionSetAside>(invocation).RunAsync(
                new PoisonBlobMessage("Host.Functions.IngestSubmission", "BlockBlob", Containers.Submissions, name, "\"0x8DE0000000000000\""), CancellationToken.None);
        }

        var actual = (await reports.GetBlobClient(name + ".report.json").DownloadContentAsync()).Value.Content.ToString();
        Assert.Equal(expected, actual);
        Assert.True(await reports.GetBlobClient(name + ".report.html").ExistsAsync());
    }

    [Fact]
    public async Task SubmissionSetAside_PoisonedReferenceFile_WritesNoReport()
    {
        await azurite.ResetAsync();
        var blobs = new BlobServiceClient(azurite.ConnectionString);
        using (var app = FunctionsApp())
        {
            using var invocation = app.Services.CreateScope();
            await FunctionsAppHost.Create<SubmissionSetAside>(invocation).RunAsync(
                new PoisonBlobMessage("Host.Functions.ReferenceDataChanged", "BlockBlob", Containers.Reference, "regions.csv", "\"0x1\""), CancellationToken.None);
        }

        var reports = blobs.GetBlobContainerClient(Containers.Reports);
        Assert.False(await reports.ExistsAsync() && await reports.GetBlobsAsync().AnyAsync());
    }

    private IHost FunctionsApp() => FunctionsAppHost.Build(DeployedApp.AppSettingsOn(azurite),
        services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(new FixedTimeProvider(Now))));

    private IHost PipelineHost(bool failIngest = false)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Storage:LedgerTable"] = LedgerTable,
            ["LocalHost:MaxAttempts"] = SubmissionSetAside.PoisonBlobThreshold.ToString(CultureInfo.InvariantCulture),
        });
        builder.Services.AddSingleton<TimeProvider>(new FixedTimeProvider(Now));
        builder.AddReportingPipeline();
        if (failIngest)
        {
            builder.Services.Replace(ServiceDescriptor.Singleton<IPipelineHandlers>(sp => new FailingIngest(ActivatorUtilities.CreateInstance<PipelineHandlers>(sp))));
        }

        builder.Services.AddPipelineLocalHost();
        return builder.Build();
    }

    /// <summary>The sample's subset (<see cref="SampleSubset"/>) in its recorded order, a second apart within a station-month so upload order is unambiguous.</summary>
    private static async Task<List<string>> UploadSampleAsync(BlobServiceClient blobs)
    {
        await UploadReferenceAsync(blobs);
        var submissions = Path.Combine(SampleData, "submissions");
        var container = blobs.GetBlobContainerClient(Containers.Submissions);
        await container.CreateIfNotExistsAsync();
        var order = SampleSubset.Uploads(SampleData).ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in order)
        {
            if (!seen.Add(name[..name.LastIndexOf('/')]))
            {
                await Task.Delay(TimeSpan.FromSeconds(1.1));
            }

            await using var content = File.OpenRead(Path.Combine(submissions, name));
            await container.UploadBlobAsync(name, content);
        }

        return order;
    }

    private static async Task UploadReferenceAsync(BlobServiceClient blobs)
    {
        var container = blobs.GetBlobContainerClient(Containers.Reference);
        await container.CreateIfNotExistsAsync();
        foreach (var name in new[] { "regions.csv", "stations.csv" })
        {
            await using var content = File.OpenRead(Path.Combine(SampleData, "reference", name));
            await container.UploadBlobAsync(name, content);
        }
    }

    /// <summary>Everything the pipeline derived from the uploads goes; the uploads and reference stay as they were.</summary>
    private async Task ForgetEverythingButUploadsAsync()
    {
        var blobs = new BlobServiceClient(azurite.ConnectionString);
        foreach (var container in new[] { Containers.Reports, Containers.Staging, Containers.Marts, BlobReceipt.ReceiptsContainer })
        {
            await blobs.GetBlobContainerClient(container).DeleteIfExistsAsync();
        }

        await azurite.TableService().DeleteTableAsync(LedgerTable);
    }

    private sealed record Snapshot(Dictionary<string, byte[]> Reports, List<string> Ledger, string Marts);

    private async Task<Snapshot> SnapshotAsync(string label)
    {
        var blobs = new BlobServiceClient(azurite.ConnectionString);
        var reports = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        await foreach (var item in blobs.GetBlobContainerClient(Containers.Reports).GetBlobsAsync())
        {
            reports[item.Name] = (await blobs.GetBlobContainerClient(Containers.Reports).GetBlobClient(item.Name).DownloadContentAsync()).Value.Content.ToArray();
        }

        // Ledger rows as stored, less what the table service stamps on them.
        var ledger = azurite.TableService().GetTableClient(LedgerTable).Query<TableEntity>()
            .Select(e => string.Join('|', e.Where(p => p.Key is not ("Timestamp" or "odata.etag")).OrderBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => $"{p.Key}={Convert.ToString(p.Value, CultureInfo.InvariantCulture)}")))
            .Order(StringComparer.Ordinal).ToList();

        var marts = Path.Combine(_folder.FullName, label);
        await azurite.DownloadAsync(Containers.Marts, marts);

        return new Snapshot(reports, ledger, marts);
    }

    private static List<string> Canonical(IReadOnlyList<object?[]> rows) =>
        rows.Select(r => string.Join('|', r.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)))).ToList();

    public void Dispose() => _folder.Delete(recursive: true);

    /// <summary>The real handlers, except that every ingest fails (a blob the host can never process).</summary>
    private sealed class FailingIngest(IPipelineHandlers inner) : IPipelineHandlers
    {
        public Task<IngestOutcome> IngestSubmissionAsync(string blobName, CancellationToken cancellationToken = default) =>
            throw new IOException($"{blobName}: simulated failure on every attempt");

        public Task SubmissionSetAsideAsync(string blobName, int attempts, CancellationToken cancellationToken = default) =>
            inner.SubmissionSetAsideAsync(blobName, attempts, cancellationToken);

        public Task<MartBuildResult?> ReferenceDataChangedAsync(string blobName, CancellationToken cancellationToken = default) =>
            inner.ReferenceDataChangedAsync(blobName, cancellationToken);

        public Task<MartBuildResult> BuildMartsAsync(CancellationToken cancellationToken = default) => inner.BuildMartsAsync(cancellationToken);

        public Task<MartBuildResult> CloseReportingPeriodAsync(CancellationToken cancellationToken = default) => inner.CloseReportingPeriodAsync(cancellationToken);
    }
}
