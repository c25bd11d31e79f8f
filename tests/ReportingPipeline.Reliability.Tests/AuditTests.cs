using System.Security.Cryptography;
using Azure.Storage.Blobs.Specialized;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Hosting;
using ReportingPipeline.Storage;
using ReportingPipeline.Testing;

namespace ReportingPipeline.Reliability.Tests;

/// <summary>
/// Issue 7, item 6: every ledger change says who, what and when, and only appends; the pipeline never writes over or
/// deletes a raw submission, whatever it goes through (redeliveries, quarantine, rebuilds, closing a month).
/// </summary>
[Collection(AzuriteFixture.Collection)]
[Trait("Category", "reliability")]
public sealed class AuditTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly Period March = new(2026, 3);
    private readonly AzureRig _rig = new(azurite);

    public async Task InitializeAsync()
    {
        await azurite.ResetAsync();
        await _rig.WriteReferenceAsync(Programme.District);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task LedgerWrites_UploadsByTwoWorkers_EachAppendsOneRecordWithWhoWhatWhen()
    {
        var programme = Programme.District;
        var station = programme.Stations[0].StationCode;
        var storage = _rig.Connect();
        var ledger = new RecordingLedger(storage.Ledger);
        var files = new (string Name, byte[] Content, string Status, int? Version)[]
        {
            (Programme.BlobName(station, March, "1.json"), programme.Json(station, March, 1), "Accepted", 1),
            (Programme.BlobName(station, March, "2-same.json"), programme.Json(station, March, 1), "Duplicate", 1),
            (Programme.BlobName(station, March, "3-wrong.json"), programme.RejectedJson(station, March), "Rejected", null),
            (Programme.BlobName(station, March, "4-fixed.json"), programme.Json(station, March, 2), "Accepted", 2),
        };
        var times = new[] { new DateTimeOffset(2026, 4, 2, 9, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 4, 3, 9, 0, 0, TimeSpan.Zero) };
        for (var i = 0; i < files.Length; i++)
        {
            await AzureRig.UploadAsync(storage.Blobs, files[i].Name, files[i].Content);
            var worker = $"worker-{i % 2}";
            var ingestor = new Core.Intake.SubmissionIngestor(storage.Blobs, ledger, new Core.Intake.ReferenceStore(storage.Blobs), new FixedTimeProvider(times[i % 2]),
                Core.Intake.IntakeOptions.Default with { ProcessedBy = worker }, Microsoft.Extensions.Logging.Abstractions.NullLogger<Core.Intake.SubmissionIngestor>.Instance);
            await ingestor.IngestAsync(files[i].Name);
            await ingestor.IngestAsync(files[i].Name); // a redelivery writes nothing
        }

        Assert.Equal(files.Length, ledger.Writes.Count);
        for (var i = 0; i < files.Length; i++)
        {
            var write = ledger.Writes[i];
            Assert.Equal(i + 1, write.Uploads.Count);
            // History is never rewritten (compared as stored: a record's count totals are a dictionary, equal by reference).
            Assert.Equal(i == 0 ? [] : ledger.Writes[i - 1].Uploads.Select(Stored), write.Uploads.Take(i).Select(Stored));
            var record = write.Uploads[^1];
            var item = (await storage.Blobs.GetItemAsync(Containers.Submissions, files[i].Name))!;
            Assert.Equal(files[i].Name, record.BlobName);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(files[i].Content)), record.Sha256);
            Assert.Equal(files[i].Content.Length, record.Bytes);
            Assert.Equal(item.CreatedOn, record.ReceivedAt);
            Assert.Equal(times[i % 2], record.ProcessedAt);
            Assert.Equal($"worker-{i % 2}", record.ProcessedBy);
            Assert.Equal((files[i].Status, files[i].Version), (record.Status.ToString(), record.Version));
            Assert.Equal(times[i % 2], write.UpdatedAt);
        }
    }

    [Fact]
    public async Task Pipeline_RedeliveriesQuarantineRebuildsAndClosing_NeverWritesOrDeletesARawSubmission()
    {
        var programme = Programme.District;
        var storage = _rig.Connect();
        var uploads = new List<string>();
        foreach (var (station, i) in programme.Stations.Take(3).Select((s, i) => (s.StationCode, i)))
        {
            foreach (var period in new[] { March, March.Add(1) })
            {
                var name = Programme.BlobName(station, period, $"{i}.json");
                await AzureRig.UploadAsync(storage.Blobs, name, i == 2 ? programme.RejectedJson(station, period) : programme.Json(station, period));
                uploads.Add(name);
            }
        }

        var poison = Programme.BlobName(programme.Stations[0].StationCode, March, "x.json");
        await AzureRig.UploadAsync(storage.Blobs, poison, [0x00]);
        var before = await SnapshotAsync();
        var recording = new RecordingBlobStore(storage.Blobs);
        var recorded = new PipelineStorage(recording, storage.Ledger, "recorded");
        var handlers = AzureRig.Handlers(recorded, "host");
        var watcher = AzureRig.Watcher(recording, new FailingFor(handlers, poison), maxAttempts: 2);

        for (var poll = 0; poll < 3; poll++)
        {
            await watcher.PollOnceAsync();
        }

        foreach (var name in uploads)
        {
            await handlers.IngestSubmissionAsync(name); // redelivered events
        }

        await handlers.BuildMartsAsync();
        await handlers.ReferenceDataChangedAsync("stations.csv");
        await handlers.CloseReportingPeriodAsync();

        Assert.NotEmpty(recording.Changes);
        Assert.DoesNotContain(recording.Changes, c => c.StartsWith(Containers.Submissions + "/", StringComparison.Ordinal));
        Assert.Equal(before, await SnapshotAsync());
        Assert.Contains(recording.Changes, c => c.StartsWith("write reports/" + poison, StringComparison.Ordinal) || c.StartsWith("write " + Containers.Reports + "/" + poison, StringComparison.Ordinal));
        await Assert.ThrowsAsync<InvalidOperationException>(() => storage.Blobs.DeleteAsync(Containers.Submissions, uploads[0]));
    }

    /// <summary>Every submission blob's name, ETag and content hash.</summary>
    private async Task<string> SnapshotAsync()
    {
        var container = azurite.BlobService().GetBlobContainerClient(Containers.Submissions);
        var lines = new List<string>();
        await foreach (var blob in container.GetBlobsAsync())
        {
            var content = await container.GetBlockBlobClient(blob.Name).DownloadContentAsync();
            lines.Add($"{blob.Name} {blob.Properties.ETag} {Convert.ToHexStringLower(SHA256.HashData(content.Value.Content.ToArray()))}");
        }

        return string.Join("\n", lines);
    }

    /// <summary>The handlers, with one upload that always fails (to be quarantined).</summary>
    private sealed class FailingFor(IPipelineHandlers inner, string failing) : IPipelineHandlers
    {
        public Task<IngestOutcome> IngestSubmissionAsync(string blobName, CancellationToken cancellationToken = default) =>
            blobName == failing ? throw new InvalidDataException("always fails") : inner.IngestSubmissionAsync(blobName, cancellationToken);

        public Task<Core.Marts.MartBuildResult?> ReferenceDataChangedAsync(string blobName, CancellationToken cancellationToken = default) => inner.ReferenceDataChangedAsync(blobName, cancellationToken);

        public Task<Core.Marts.MartBuildResult> BuildMartsAsync(CancellationToken cancellationToken = default) => inner.BuildMartsAsync(cancellationToken);

        public Task<Core.Marts.MartBuildResult> CloseReportingPeriodAsync(CancellationToken cancellationToken = default) => inner.CloseReportingPeriodAsync(cancellationToken);

        public Task SubmissionSetAsideAsync(string blobName, int attempts, CancellationToken cancellationToken = default) => inner.SubmissionSetAsideAsync(blobName, attempts, cancellationToken);
    }

    /// <summary>An upload record as the ledger stores it: records compare their count totals by reference.</summary>
    private static string Stored(UploadRecord record) => System.Text.Json.JsonSerializer.Serialize(record, PipelineJson.Compact);
}
