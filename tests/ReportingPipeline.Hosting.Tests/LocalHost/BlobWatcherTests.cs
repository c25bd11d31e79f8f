using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Hosting.LocalHost;
using ReportingPipeline.Storage.Azure;
using ReportingPipeline.Storage.LocalFolder;
using ReportingPipeline.Testing;

namespace ReportingPipeline.Hosting.Tests.LocalHost;

[Collection(AzuriteFixture.Collection)]
public sealed class BlobWatcherTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Upload = "2024-03/ST001/月报.xlsx";

    public Task InitializeAsync() => azurite.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task PollOnceAsync_NewSubmission_CallsIngestOnceAndWritesReceipt()
    {
        var store = new AzureBlobStore(azurite.BlobService());
        await WriteAsync(store, Containers.Submissions, Upload, "v1");
        var handlers = new RecordingHandlers();
        var watcher = Watcher(store, handlers);

        await watcher.PollOnceAsync();
        await watcher.PollOnceAsync();

        Assert.Equal(["ingest:" + Upload], handlers.Calls);
        var receipt = await ReceiptAsync(store, Containers.Submissions, Upload);
        Assert.Equal(ReceiptOutcome.Processed, receipt.Outcome);
        Assert.Equal(1, receipt.Attempts);
    }

    [Fact]
    public async Task PollOnceAsync_NewWatcherAfterRestart_DoesNotCallAgainUntilBlobChanges()
    {
        await WriteAsync(new AzureBlobStore(azurite.BlobService()), Containers.Submissions, Upload, "v1");
        await Watcher(new AzureBlobStore(azurite.BlobService()), new RecordingHandlers()).PollOnceAsync();
        var afterRestart = new RecordingHandlers();
        var restarted = Watcher(new AzureBlobStore(azurite.BlobService()), afterRestart);

        await restarted.PollOnceAsync();
        var callsBeforeChange = afterRestart.Calls.Count;
        await WriteAsync(new AzureBlobStore(azurite.BlobService()), Containers.Submissions, Upload, "v2, replaced");
        await restarted.PollOnceAsync();

        Assert.Equal(0, callsBeforeChange);
        Assert.Equal(["ingest:" + Upload], afterRestart.Calls);
    }

    [Fact]
    public async Task PollOnceAsync_HandlerKeepsFailing_RetriedThenQuarantined()
    {
        var store = new AzureBlobStore(azurite.BlobService());
        await WriteAsync(store, Containers.Submissions, Upload, "v1");
        await WriteAsync(store, Containers.Submissions, "2024-03/ST002/fine.json", "{}");
        var handlers = new RecordingHandlers { Fail = call => call.Contains("ST001", StringComparison.Ordinal) ? new InvalidDataException("cannot read ST001") : null };
        var watcher = Watcher(store, handlers, maxAttempts: 3);

        for (var i = 0; i < 5; i++)
        {
            await watcher.PollOnceAsync();
        }

        Assert.Equal(3, handlers.Calls.Count(c => c == "ingest:" + Upload));
        Assert.Equal(1, handlers.Calls.Count(c => c == "ingest:2024-03/ST002/fine.json"));
        var receipt = await ReceiptAsync(store, Containers.Submissions, Upload);
        Assert.Equal(ReceiptOutcome.Quarantined, receipt.Outcome);
        Assert.Equal(3, receipt.Attempts);
        Assert.Contains("cannot read ST001", receipt.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PollOnceAsync_HandlerFailsOnce_RetriedAtNextPollWithoutQuarantine()
    {
        var store = new AzureBlobStore(azurite.BlobService());
        await WriteAsync(store, Containers.Submissions, Upload, "v1");
        var failures = 0;
        var handlers = new RecordingHandlers { Fail = _ => Interlocked.Increment(ref failures) == 1 ? new IOException("transient") : null };
        var watcher = Watcher(store, handlers);

        var first = await watcher.PollOnceAsync();
        var firstReceipt = await store.GetItemAsync(BlobReceipt.ReceiptsContainer, BlobReceipt.NameOf(Containers.Submissions, Upload, (await store.GetItemAsync(Containers.Submissions, Upload))!.Version));
        var second = await watcher.PollOnceAsync();

        Assert.Equal(0, first);
        Assert.Null(firstReceipt);
        Assert.Equal(1, second);
        Assert.Equal(ReceiptOutcome.Processed, (await ReceiptAsync(store, Containers.Submissions, Upload)).Outcome);
    }

    [Fact]
    public async Task PollOnceAsync_ReferenceAndSubmissions_ReferenceFirstThenUploadOrder()
    {
        // Upload order is the blobs' creation time; a local folder lets the test set it exactly.
        var root = Directory.CreateTempSubdirectory("watch-");
        try
        {
            var store = new LocalFolderBlobStore(root.FullName);
            var t0 = new DateTimeOffset(2024, 4, 1, 8, 0, 0, TimeSpan.Zero);
            foreach (var (name, minutes) in new[] { ("2024-03/ST001/a.xlsx", 30), ("2024-03/ST002/b.xlsx", 10), ("2024-02/ST003/c.xlsx", 20) })
            {
                await WriteAsync(store, Containers.Submissions, name, name);
                store.SetCreatedOn(Containers.Submissions, name, t0.AddMinutes(minutes));
            }

            await WriteAsync(store, Containers.Reference, "stations.csv", "code");
            store.SetCreatedOn(Containers.Reference, "stations.csv", t0.AddMinutes(40));
            var handlers = new RecordingHandlers();

            await Watcher(store, handlers).PollOnceAsync();

            Assert.Equal(["reference:stations.csv", "ingest:2024-03/ST002/b.xlsx", "ingest:2024-02/ST003/c.xlsx", "ingest:2024-03/ST001/a.xlsx"], handlers.Calls);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task ExecuteAsync_BlobUploadedWhileRunning_IsProcessedAndStopIsClean()
    {
        var store = new AzureBlobStore(azurite.BlobService());
        var handlers = new RecordingHandlers();
        using var watcher = Watcher(store, handlers, pollInterval: TimeSpan.FromMilliseconds(100));

        await watcher.StartAsync(CancellationToken.None);
        await WriteAsync(store, Containers.Submissions, Upload, "v1");
        await Eventually.HoldsAsync(() => handlers.Calls.Count > 0, "the watcher to notice the upload");
        await watcher.StopAsync(CancellationToken.None);

        Assert.Equal(["ingest:" + Upload], handlers.Calls);
        Assert.True(watcher.ExecuteTask!.IsCompletedSuccessfully);
    }

    private static BlobWatcher Watcher(IBlobStore store, IPipelineHandlers handlers, int maxAttempts = 5, TimeSpan? pollInterval = null) =>
        new(store, handlers, Options.Create(new LocalHostOptions { MaxAttempts = maxAttempts, PollInterval = pollInterval ?? TimeSpan.FromSeconds(1) }),
            TimeProvider.System, NullLogger<BlobWatcher>.Instance);

    private static async Task WriteAsync(IBlobStore store, string container, string name, string content)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(content));
        await store.WriteAsync(container, name, stream, "application/octet-stream");
    }

    private static async Task<BlobReceipt> ReceiptAsync(AzureBlobStore store, string container, string name)
    {
        var item = await store.GetItemAsync(container, name) ?? throw new InvalidOperationException($"{container}/{name} is missing.");
        await using var stream = await store.OpenReadAsync(BlobReceipt.ReceiptsContainer, BlobReceipt.NameOf(item))
            ?? throw new InvalidOperationException($"No receipt for {container}/{name}.");
        return await JsonSerializer.DeserializeAsync<BlobReceipt>(stream, PipelineJson.Options) ?? throw new InvalidDataException("Empty receipt.");
    }
}
