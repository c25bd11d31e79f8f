using System.Globalization;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ReportingPipeline.Core.Marts;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.EndToEnd.Tests.Cli;
using ReportingPipeline.Hosting;
using ReportingPipeline.Hosting.LocalHost;
using ReportingPipeline.Storage;
using ReportingPipeline.Testing;

namespace ReportingPipeline.EndToEnd.Tests.Azure;

/// <summary>
/// The whole pipeline as `pipeline host` runs it on Azurite: the sample's uploads (<see cref="SampleSubset"/>, two
/// districts, so that CI time does not grow with the sample) go into <c>submissions</c>, the host's watcher and
/// mart build handle them, and what lands in Blob and Table storage is what the local-folder build of the same
/// uploads produces.
/// </summary>
[Collection(AzuriteFixture.Collection)]
public sealed class HostOnAzuriteTests(AzuriteFixture azurite) : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.FromHours(8));
    private readonly TestFolder _folder = new();

    [Fact]
    public async Task Host_SampleUploads_ReportsLedgerAndMartsMatchTheLocalBuild()
    {
        await azurite.ResetAsync();
        var storage = StorageFactory.Create(new StorageOptions { ConnectionString = azurite.ConnectionString });
        var uploads = await UploadSampleAsync(storage.Blobs);

        using (var host = BuildHost())
        {
            var watcher = host.Services.GetServices<IHostedService>().OfType<BlobWatcher>().Single();
            await watcher.PollOnceAsync();
            await host.Services.GetRequiredService<IPipelineHandlers>().BuildMartsAsync();
        }

        // Every upload has its report; every station-month with a proper path has its ledger row.
        foreach (var blobName in uploads.Keys)
        {
            Assert.NotNull(await storage.Blobs.GetItemAsync(Containers.Reports, blobName + ".report.json"));
            Assert.NotNull(await storage.Blobs.GetItemAsync(Containers.Reports, blobName + ".report.html"));
        }

        var ledgerRows = azurite.TableService().GetTableClient(new StorageOptions().LedgerTable)
            .Query<TableEntity>().Select(e => $"{e.PartitionKey}/{e.RowKey}").ToHashSet(StringComparer.Ordinal);
        var stationMonths = uploads.Keys.Where(n => n.Count(c => c == '/') == 2).Select(n => n[..n.LastIndexOf('/')]).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(stationMonths.Order(StringComparer.Ordinal), ledgerRows.Order(StringComparer.Ordinal));

        // The same uploads, with the upload times Azurite gave them, built on a local folder.
        var azureMarts = await DownloadAsync(storage.Blobs, Containers.Marts, Path.Combine(_folder.Path, "azure-marts"));
        var input = Path.Combine(_folder.Path, "input");
        CopyDirectory(Path.Combine(RepositoryFiles.SampleData, "reference"), Path.Combine(input, "reference"));
        foreach (var blobName in uploads.Keys)
        {
            var target = Path.Combine(input, "submissions", blobName.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(RepositoryFiles.SampleData, "submissions", blobName), target);
        }

        await File.WriteAllTextAsync(Path.Combine(input, "submissions", "_uploads.csv"),
            "blob_name,received_at\n" + string.Concat(uploads.Select(u => $"{u.Key},{u.Value.UtcDateTime.ToString("o", CultureInfo.InvariantCulture)}\n")));
        var store = Path.Combine(_folder.Path, "local-store");
        var run = await CliRunner.RunAsync("run", "--input", input, "--store", store, "--now", Now.ToString("o", CultureInfo.InvariantCulture));
        Assert.True(run.ExitCode == 0, run.Stderr);

        using var fromAzure = new MartReader(azureMarts);
        using var fromLocal = new MartReader(Path.Combine(store, "marts"));
        foreach (var table in MartTables.All)
        {
            var azureRows = Canonical(fromAzure.Query($"SELECT * FROM {table.Name} ORDER BY ALL"));
            var localRows = Canonical(fromLocal.Query($"SELECT * FROM {table.Name} ORDER BY ALL"));
            Assert.True(azureRows.Count > 0 || table.Name == "fct_hotline", $"{table.Name} is empty");
            Assert.True(localRows.SequenceEqual(azureRows), $"{table.Name} differs between the Azurite and the local-folder build");
        }
    }

    [Fact]
    public async Task Host_SameFileUploadedTwiceAndPolledTwice_OneLedgerVersion()
    {
        await azurite.ResetAsync();
        var storage = StorageFactory.Create(new StorageOptions { ConnectionString = azurite.ConnectionString });
        await UploadReferenceAsync(storage.Blobs);
        var sample = File.ReadLines(Path.Combine(RepositoryFiles.SampleData, "_samples.csv")).Skip(1).Select(l => l.Split(','))
            .First(p => p[0].EndsWith(".json", StringComparison.Ordinal) && p[2] == "accepted")[0];
        var folder = sample[..sample.LastIndexOf('/')];
        var json = File.ReadAllBytes(Path.Combine(RepositoryFiles.SampleData, "submissions", sample));
        await storage.Blobs.TryCreateAsync(Containers.Submissions, $"{folder}/a.json", new MemoryStream(json), "application/json");
        await storage.Blobs.TryCreateAsync(Containers.Submissions, $"{folder}/a-again.json", new MemoryStream(json), "application/json");

        using (var host = BuildHost())
        {
            var watcher = host.Services.GetServices<IHostedService>().OfType<BlobWatcher>().Single();
            var handlers = host.Services.GetRequiredService<IPipelineHandlers>();
            await Task.WhenAll(watcher.PollOnceAsync(), handlers.IngestSubmissionAsync($"{folder}/a.json"), handlers.IngestSubmissionAsync($"{folder}/a.json"));
            await watcher.PollOnceAsync();
        }

        var entry = (await storage.Ledger.GetAsync(Core.Contract.Period.Parse(folder[..7]), folder[8..]))!.Entry;
        Assert.Equal(1, entry.CurrentVersion);
        Assert.Equal(2, entry.Uploads.Count);
        Assert.Single(entry.Uploads, u => u.Status == SubmissionStatus.Duplicate);
    }

    private IHost BuildHost()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:ConnectionString"] = azurite.ConnectionString });
        builder.Services.AddSingleton<TimeProvider>(new FixedTimeProvider(Now));
        builder.AddReportingPipeline();
        builder.Services.AddPipelineLocalHost();
        return builder.Build();
    }

    /// <summary>Uploads the sample's subset in its recorded order; files of the same station-month a second apart, so upload order is unambiguous.</summary>
    private static async Task<Dictionary<string, DateTimeOffset>> UploadSampleAsync(IBlobStore blobs)
    {
        await UploadReferenceAsync(blobs);
        var submissions = Path.Combine(RepositoryFiles.SampleData, "submissions");
        var order = SampleSubset.Uploads(RepositoryFiles.SampleData);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var uploaded = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var blobName in order)
        {
            if (!seen.Add(blobName[..blobName.LastIndexOf('/')]))
            {
                await Task.Delay(TimeSpan.FromSeconds(1.1));
            }

            await using var content = File.OpenRead(Path.Combine(submissions, blobName));
            Assert.True(await blobs.TryCreateAsync(Containers.Submissions, blobName, content, "application/octet-stream"));
            uploaded[blobName] = (await blobs.GetItemAsync(Containers.Submissions, blobName))!.CreatedOn;
        }

        return uploaded;
    }

    private static async Task UploadReferenceAsync(IBlobStore blobs)
    {
        foreach (var name in new[] { "regions.csv", "stations.csv" })
        {
            await using var content = File.OpenRead(Path.Combine(RepositoryFiles.SampleData, "reference", name));
            await blobs.WriteAsync(Containers.Reference, name, content, "text/csv");
        }
    }

    private static async Task<string> DownloadAsync(IBlobStore blobs, string container, string folder)
    {
        await foreach (var item in blobs.ListAsync(container))
        {
            var path = Path.Combine(folder, item.Name.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await using var source = (await blobs.OpenReadAsync(container, item.Name))!;
            await using var target = File.Create(path);
            await source.CopyToAsync(target);
        }

        return folder;
    }

    private static List<string> Canonical(IReadOnlyList<object?[]> rows) =>
        rows.Select(r => string.Join('|', r.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)))).ToList();

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public void Dispose() => _folder.Dispose();
}
