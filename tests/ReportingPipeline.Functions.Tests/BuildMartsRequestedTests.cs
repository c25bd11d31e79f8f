using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Hosting;
using ReportingPipeline.Testing;

namespace ReportingPipeline.Functions.Tests;

/// <summary>
/// Freshness in the Functions app, on Azurite: uploads ingested through <see cref="IngestSubmission"/> leave one marker and
/// one delayed message on <see cref="MartBuildQueue.Name"/> however many they are; <see cref="BuildMartsRequested"/> given
/// that message clears the marker and builds marts that hold the uploads; a marker whose message was lost is replaced.
/// </summary>
[Collection(AzuriteFixture.Collection)]
public sealed class BuildMartsRequestedTests(AzuriteFixture azurite) : IAsyncLifetime, IDisposable
{
    private static readonly string SampleData = InfraFiles.FromRoot("sample-data");
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(4);

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("functions-freshness-");

    public async Task InitializeAsync()
    {
        await azurite.ResetAsync();
        await Queue().DeleteIfExistsAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task IngestSubmission_BurstOfUploads_OneMarkerAndOneDelayedMessage_ThenTheQueuedBuildHoldsThem()
    {
        var uploads = await UploadAsync(FirstUploadPerStation("2026-10/440103").Take(6));
        using var app = FunctionsApp();
        var clock = Stopwatch.StartNew();
        foreach (var name in uploads)
        {
            await IngestAsync(app, name);
        }

        Assert.True(await Staging().GetBlobClient(QueuedMartBuildRequests.Marker).ExistsAsync());
        Assert.Equal(1, (await Queue().GetPropertiesAsync()).Value.ApproximateMessagesCount);
        Assert.Empty((await Queue().PeekMessagesAsync(32)).Value);

        var message = await NextMessageAsync();
        Assert.True(clock.Elapsed >= Delay - TimeSpan.FromMilliseconds(500), $"visible after {clock.Elapsed}, before the {Delay} delay");
        Assert.Empty((await Queue().ReceiveMessagesAsync(32)).Value);

        using (var invocation = app.Services.CreateScope())
        {
            await FunctionsAppHost.Create<BuildMartsRequested>(invocation).RunAsync(message.Body.ToString(), CancellationToken.None);
        }

        // As the Functions host does once the function succeeded.
        await Queue().DeleteMessageAsync(message.MessageId, message.PopReceipt);

        Assert.False(await Staging().GetBlobClient(QueuedMartBuildRequests.Marker).ExistsAsync());
        Assert.Empty(await MissingInMartsAsync(uploads));

        // The window is closed: the next upload asks again.
        var later = await UploadAsync(FirstUploadPerStation("2026-10/445302").Take(1));
        await IngestAsync(app, later.Single());
        Assert.True(await Staging().GetBlobClient(QueuedMartBuildRequests.Marker).ExistsAsync());
        Assert.Equal(1, (await Queue().GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task IngestSubmission_MarkerWhoseMessageWasLost_ReplacedAndRequestedAgain()
    {
        var uploads = await UploadAsync(FirstUploadPerStation("2026-10/440103").Take(1));
        await Staging().CreateIfNotExistsAsync();
        await Staging().UploadBlobAsync(QueuedMartBuildRequests.Marker,
            BinaryData.FromString(JsonSerializer.Serialize(new QueuedMartBuildRequests.PendingRequest(Now - TimeSpan.FromHours(1)))));
        using var app = FunctionsApp();

        await IngestAsync(app, uploads.Single());

        var marker = JsonSerializer.Deserialize<QueuedMartBuildRequests.PendingRequest>(
            (await Staging().GetBlobClient(QueuedMartBuildRequests.Marker).DownloadContentAsync()).Value.Content.ToString());
        Assert.Equal(Now, marker!.RequestedAt);
        Assert.Equal(1, (await Queue().GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task IngestSubmission_MarkerOfAPendingRequest_SendsNothing()
    {
        var uploads = await UploadAsync(FirstUploadPerStation("2026-10/440103").Take(1));
        await Staging().CreateIfNotExistsAsync();
        await Staging().UploadBlobAsync(QueuedMartBuildRequests.Marker,
            BinaryData.FromString(JsonSerializer.Serialize(new QueuedMartBuildRequests.PendingRequest(Now - TimeSpan.FromSeconds(20)))));
        await Queue().CreateIfNotExistsAsync();
        using var app = FunctionsApp();

        await IngestAsync(app, uploads.Single());

        Assert.Equal(0, (await Queue().GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    private IHost FunctionsApp()
    {
        var settings = DeployedApp.AppSettingsOn(azurite);
        settings["Pipeline__MartBuildMaxDelay"] = Delay.ToString();
        return FunctionsAppHost.Build(settings, services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(new FixedTimeProvider(Now))));
    }

    private async Task IngestAsync(IHost app, string name)
    {
        using var invocation = app.Services.CreateScope();
        await FunctionsAppHost.Create<IngestSubmission>(invocation)
            .RunAsync(azurite.BlobService().GetBlobContainerClient(Containers.Submissions).GetBlobClient(name), CancellationToken.None);
    }

    private QueueClient Queue() => new(azurite.ConnectionString, MartBuildQueue.Name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    private BlobContainerClient Staging() => azurite.BlobService().GetBlobContainerClient(Containers.Staging);

    private async Task<Azure.Storage.Queues.Models.QueueMessage> NextMessageAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            if ((await Queue().ReceiveMessagesAsync(1)).Value is [var message])
            {
                return message;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("No build request became visible");
    }

    /// <summary>Reference and the given sample uploads into Azurite; returns the blob names.</summary>
    private async Task<List<string>> UploadAsync(IEnumerable<string> names)
    {
        var blobs = azurite.BlobService();
        var reference = blobs.GetBlobContainerClient(Containers.Reference);
        await reference.CreateIfNotExistsAsync();
        foreach (var name in new[] { "regions.csv", "stations.csv" })
        {
            await using var content = File.OpenRead(Path.Combine(SampleData, "reference", name));
            await reference.GetBlobClient(name).UploadAsync(content, overwrite: true);
        }

        var submissions = blobs.GetBlobContainerClient(Containers.Submissions);
        await submissions.CreateIfNotExistsAsync();
        var uploaded = new List<string>();
        foreach (var name in names)
        {
            await using var content = File.OpenRead(Path.Combine(SampleData, "submissions", name));
            await submissions.UploadBlobAsync(name, content);
            uploaded.Add(name);
        }

        return uploaded;
    }

    /// <summary>The uploads whose station-month the published fct_submission lacks or shows as missing.</summary>
    private async Task<List<string>> MissingInMartsAsync(IEnumerable<string> uploads)
    {
        var marts = Path.Combine(_folder.FullName, "marts");
        await azurite.DownloadAsync(Containers.Marts, marts);

        using var reader = new MartReader(marts);
        var present = reader.Query("SELECT strftime(period, '%Y-%m') || '/' || station_code FROM fct_submission WHERE status <> 'missing'")
            .Select(r => (string)r[0]!).ToHashSet(StringComparer.Ordinal);
        return [.. uploads.Where(u => !present.Contains(u[..u.LastIndexOf('/')]))];
    }

    private static IEnumerable<string> FirstUploadPerStation(string prefix) =>
        File.ReadLines(Path.Combine(SampleData, "submissions", "_uploads.csv")).Skip(1)
            .Select(l => l.Split(',')[0])
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.Count(c => c == '/') == 2)
            .DistinctBy(n => n[..n.LastIndexOf('/')]);

    public void Dispose() => _folder.Delete(recursive: true);
}
