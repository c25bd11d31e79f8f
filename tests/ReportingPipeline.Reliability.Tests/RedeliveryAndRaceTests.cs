using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Intake;
using Azure.Data.Tables;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Storage.Azure;
using ReportingPipeline.Testing;

namespace ReportingPipeline.Reliability.Tests;

/// <summary>
/// Issue 7, item 1: the same blob event delivered many times, at once and across restarts, and different uploads for
/// one station-month racing each other, with real parallel workers (ingestors and watchers with their own clients) on
/// Azurite.
/// </summary>
[Collection(AzuriteFixture.Collection)]
[Trait("Category", "reliability")]
public sealed class RedeliveryAndRaceTests(AzuriteFixture azurite, ITestOutputHelper output) : IAsyncLifetime
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
    public async Task IngestAsync_SameBlobDeliveredConcurrentlyAndAfterRestarts_ExactlyOneLedgerVersion()
    {
        var station = Programme.District.Stations[0].StationCode;
        var blob = Programme.BlobName(station, March, "月报.json");
        await AzureRig.UploadAsync(_rig.Connect().Blobs, blob, Programme.District.Json(station, March));

        var results = new List<IngestResult>();
        for (var restart = 0; restart < 3; restart++)
        {
            // Each "restart" brings new workers: new clients, new ingestors, nothing shared in memory.
            var workers = Enumerable.Range(0, 4).Select(w => AzureRig.Ingestor(_rig.Connect(), $"worker-{restart}-{w}")).ToList();
            using var start = new ManualResetEventSlim();
            var deliveries = workers.SelectMany(w => Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
            {
                start.Wait();
                return w.IngestAsync(blob);
            }))).ToList();
            start.Set();
            results.AddRange(await Task.WhenAll(deliveries));
        }

        var entry = Assert.Single(await _rig.LedgerAsync());
        var upload = Assert.Single(entry.Uploads);
        Assert.Equal(1, upload.Version);
        Assert.Equal(1, entry.CurrentVersion);
        Assert.Equal(36, results.Count);
        Assert.All(results, r => Assert.Equal(1, r.Report.Version));
        Assert.Single(results, r => !r.AlreadyProcessed);
        Assert.Single(await _rig.Connect().Blobs.ListAsync(Containers.Staging).ToListAsync());
        Assert.Equal(1, (await _rig.ReportAsync(blob))!.Version);
        output.WriteLine($"36 deliveries by 12 workers over 3 restarts: 1 ledger version, {results.Count(r => r.AlreadyProcessed)} recognised as already processed");
    }

    [Fact]
    public async Task IngestAsync_RecordedButItsChangeRowLost_RedeliveryPutsItInTheNextIncrementalBuild()
    {
        var programme = Programme.District;
        var (first, second) = (programme.Stations[0].StationCode, programme.Stations[1].StationCode);
        var storage = _rig.Connect();
        var handlers = AzureRig.Handlers(storage, "worker");
        var firstBlob = Programme.BlobName(first, March, "月报.json");
        await AzureRig.UploadAsync(storage.Blobs, firstBlob, programme.Json(first, March));
        await handlers.IngestSubmissionAsync(firstBlob);
        Assert.True((await handlers.BuildMartsAsync()).LedgerFullScan);
        // The change rows made with the ledger minutes ago: as after an hour, when a listing from ten minutes before
        // the watermark is theirs (before that, the ledger is read).
        var changes = _rig.Azurite.TableService().GetTableClient(TableSubmissionLedger.ChangesTableOf(AzureRig.LedgerTable));
        var coverage = changes.GetEntity<TableEntity>("coverage", "coverage").Value;
        coverage["covered_from"] = DateTimeOffset.UtcNow.AddHours(-1);
        await changes.UpdateEntityAsync(coverage, coverage.ETag);

        // The second upload's entry is written, but its writer stops before the change row (the row is removed, as
        // if never written): an incremental build lists the changes, not the ledger, and does not see it.
        var secondBlob = Programme.BlobName(second, March, "月报.json");
        await AzureRig.UploadAsync(storage.Blobs, secondBlob, programme.Json(second, March));
        await handlers.IngestSubmissionAsync(secondBlob);
        var row = Assert.Single(changes.Query<TableEntity>(e => e.RowKey == $"{March}_{second}"));
        await changes.DeleteEntityAsync(row.PartitionKey, row.RowKey);
        var missed = await handlers.BuildMartsAsync();
        Assert.False(missed.LedgerFullScan);
        Assert.Equal([first], await StationsInMartsAsync());

        // Event Grid delivers the event again, since that attempt failed: already recorded, listed again.
        Assert.True((await AzureRig.Ingestor(_rig.Connect(), "worker-2").IngestAsync(secondBlob)).AlreadyProcessed);
        var caught = await handlers.BuildMartsAsync();

        Assert.False(caught.LedgerFullScan);
        Assert.Contains(March, caught.PeriodsRebuilt);
        Assert.Equal([first, second], await StationsInMartsAsync());
        await PipelineInvariants.CheckMartsAsync(_rig, programme.Reference, await PipelineInvariants.CheckLedgerAsync(_rig, [firstBlob, secondBlob]));
    }

    /// <summary>The stations whose March upload the marts show as accepted.</summary>
    private async Task<string[]> StationsInMartsAsync()
    {
        var folder = await _rig.DownloadMartsAsync();
        try
        {
            using var reader = new MartReader(folder);
            return [.. reader.Query($"SELECT station_code FROM fct_submission WHERE strftime(period, '%Y-%m') = '{March}' AND status LIKE 'accepted%' ORDER BY station_code").Select(r => (string)r[0]!)];
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task IngestAsync_TwoUploadsPerStationMonthRacing_VersionsFollowUploadOrderAndMartsShowTheLater()
    {
        var programme = Programme.District;
        var months = new[] { March, March.Add(1) };
        var stations = programme.Stations.Take(3).Select(s => s.StationCode).ToList();
        var store = _rig.Connect().Blobs;
        var pairs = new List<(string Earlier, string Later, string Station, Period Period)>();
        // The later upload's name sorts first, so only the upload time can put them in order.
        foreach (var period in months)
        {
            foreach (var station in stations)
            {
                pairs.Add((Programme.BlobName(station, period, "z-first.json"), Programme.BlobName(station, period, "a-second.json"), station, period));
                await AzureRig.UploadAsync(store, pairs[^1].Earlier, programme.Json(station, period, variant: 1));
            }
        }

        await Task.Delay(TimeSpan.FromSeconds(1.1)); // creation times have whole seconds
        foreach (var pair in pairs)
        {
            await AzureRig.UploadAsync(store, pair.Later, programme.Json(pair.Station, pair.Period, variant: 2));
        }

        // Eight workers; half see the later upload's event first. Every event is delivered to two workers.
        using var start = new ManualResetEventSlim();
        var tasks = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var ingestor = AzureRig.Ingestor(_rig.Connect(), $"worker-{w}");
            start.Wait();
            foreach (var pair in pairs)
            {
                await ingestor.IngestAsync(w % 2 == 0 ? pair.Later : pair.Earlier);
            }

            foreach (var pair in pairs)
            {
                await ingestor.IngestAsync(w % 2 == 0 ? pair.Earlier : pair.Later);
            }
        })).ToList();
        start.Set();
        await Task.WhenAll(tasks);

        var ledger = await PipelineInvariants.CheckLedgerAsync(_rig, [.. pairs.SelectMany(p => new[] { p.Earlier, p.Later })]);
        foreach (var pair in pairs)
        {
            var entry = ledger.Single(e => e.Period == pair.Period && e.StationCode == pair.Station);
            Assert.Equal(1, entry.Uploads.Single(u => u.BlobName == pair.Earlier).Version);
            Assert.Equal(2, entry.Uploads.Single(u => u.BlobName == pair.Later).Version);
            Assert.Equal(pair.Later, entry.Current!.BlobName);
            Assert.Equal(2, (await _rig.ReportAsync(pair.Later))!.Version);
        }

        await AzureRig.Handlers(_rig.Connect(), "marts").BuildMartsAsync();
        await PipelineInvariants.CheckMartsAsync(_rig, programme.Reference, ledger);
        var folder = await _rig.DownloadMartsAsync();
        try
        {
            using var reader = new MartReader(folder);
            foreach (var pair in pairs)
            {
                var later = programme.Json(pair.Station, pair.Period, variant: 2);
                var expected = System.Text.Json.JsonDocument.Parse(later).RootElement.GetProperty("station").GetProperty("volunteers").GetInt64();
                Assert.Equal(expected, reader.Scalar<long>($"SELECT volunteers FROM fct_station_month WHERE station_code = '{pair.Station}' AND strftime(period, '%Y-%m') = '{pair.Period}'"));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task IngestAsync_LaterUploadProcessedFirst_EarlierUploadStillVersionOne()
    {
        var programme = Programme.District;
        var station = programme.Stations[1].StationCode;
        var store = _rig.Connect().Blobs;
        var earlier = Programme.BlobName(station, March, "first.json");
        var later = Programme.BlobName(station, March, "second.json");
        await AzureRig.UploadAsync(store, earlier, programme.Json(station, March, variant: 1));
        await Task.Delay(TimeSpan.FromSeconds(1.1));
        await AzureRig.UploadAsync(store, later, programme.Json(station, March, variant: 2));
        var ingestor = AzureRig.Ingestor(_rig.Connect(), "one worker");

        var laterResult = await ingestor.IngestAsync(later);
        var earlierResult = await ingestor.IngestAsync(earlier);

        Assert.Equal(2, laterResult.Report.Version);
        Assert.Equal(1, earlierResult.Report.Version);
        Assert.True(earlierResult.AlreadyProcessed);
        var entry = Assert.Single(await _rig.LedgerAsync());
        Assert.Equal([earlier, later], entry.Uploads.Select(u => u.BlobName));
        Assert.Equal(later, entry.Current!.BlobName);
    }

    [Fact]
    public async Task PollOnceAsync_SeveralWatchersOnTheSameContainers_EachUploadRecordedOnceInUploadOrder()
    {
        var programme = Programme.District;
        var store = _rig.Connect().Blobs;
        var uploads = new List<string>();
        for (var round = 1; round <= 2; round++)
        {
            foreach (var station in programme.Stations.Take(4))
            {
                var blob = Programme.BlobName(station.StationCode, March, $"upload-{round}.json");
                await AzureRig.UploadAsync(store, blob, programme.Json(station.StationCode, March, variant: round));
                uploads.Add(blob);
            }

            await Task.Delay(TimeSpan.FromSeconds(1.1));
        }

        // Three hosts watching the same account, each with its own clients and handlers, polling at once, twice.
        var watchers = Enumerable.Range(0, 3).Select(i =>
        {
            var storage = _rig.Connect();
            return AzureRig.Watcher(storage.Blobs, AzureRig.Handlers(storage, $"host-{i}"));
        }).ToList();
        for (var poll = 0; poll < 2; poll++)
        {
            await Task.WhenAll(watchers.Select(w => Task.Run(() => w.PollOnceAsync())));
        }

        var ledger = await PipelineInvariants.CheckLedgerAsync(_rig, uploads);
        Assert.All(ledger, e => Assert.Equal(2, e.CurrentVersion));
        Assert.All(ledger, e => Assert.EndsWith("upload-2.json", e.Current!.BlobName, StringComparison.Ordinal));
    }
}
