using System.Globalization;
using Azure;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Core.Validation;
using ReportingPipeline.Hosting;
using ReportingPipeline.Hosting.LocalHost;
using ReportingPipeline.Storage;
using ReportingPipeline.Testing;

namespace ReportingPipeline.Reliability.Tests;

/// <summary>
/// Issue 7, item 4: storage requests failing transiently (injected in the HTTP pipeline) are retried with back-off
/// and change nothing in the outcome; a file that fails for a non-transient reason is set aside with a report and
/// never blocks the others.
/// </summary>
[Collection(AzuriteFixture.Collection)]
[Trait("Category", "reliability")]
public sealed class TransientFaultTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const double FaultShare = 0.2;
    private readonly AzureRig _rig = new(azurite);

    /// <summary>Handler calls the host had to repeat in the last run: faults that outlasted the SDK's retries.</summary>
    private int HostRetries { get; set; }

    [Fact]
    public async Task Pipeline_OneStorageRequestInFiveFailing_SameOutcomeAsWithoutFaults()
    {
        var clean = await RunAsync(new FaultInjectionPolicy(0, seed: 1));
        var faults = new FaultInjectionPolicy(FaultShare, seed: 2026);
        var faulty = await RunAsync(faults);

        Assert.True(faults.InjectedTotal > 50, $"Only {faults.InjectedTotal} faults were injected");
        Assert.Equal(clean.Ledger, faulty.Ledger);
        Assert.Equal(clean.Reports, faulty.Reports);
        Assert.Equal(clean.Marts, faulty.Marts);
        output.WriteLine($"{faults.Requests} storage requests ({faults.Retries} of them retries by the SDK), {faults.InjectedTotal} faults injected "
            + $"({string.Join(", ", faults.Injected.OrderByDescending(k => k.Value).Select(k => $"{k.Value} {k.Key}"))}); "
            + $"{HostRetries} handler calls repeated by the host; {clean.Ledger.Count} ledger uploads, {clean.Marts.Count} mart rows: identical to the fault-free run");
    }

    [Fact]
    public async Task BlobWatcher_FileFailingEveryTime_SetAsideWithReportAndOthersProcessed()
    {
        await azurite.ResetAsync();
        var programme = Programme.District;
        await _rig.WriteReferenceAsync(programme);
        var storage = _rig.Connect();
        var (station, other) = (programme.Stations[0].StationCode, programme.Stations[1].StationCode);
        var march = new Period(2026, 3);
        var poison = Programme.BlobName(station, march, "1-archived.json");
        var later = Programme.BlobName(station, march, "2-fine.json");
        var elsewhere = Programme.BlobName(other, march, "fine.json");
        await AzureRig.UploadAsync(storage.Blobs, poison, programme.Json(station, march, variant: 1));
        await AzureRig.UploadAsync(storage.Blobs, later, programme.Json(station, march, variant: 2));
        await AzureRig.UploadAsync(storage.Blobs, elsewhere, programme.Json(other, march));
        // The blob sits in the archive tier: every read fails the same way, however often it is tried.
        var blobs = new FailingReads(storage.Blobs, poison);
        var handlers = AzureRig.Handlers(new PipelineStorage(blobs, storage.Ledger, "archived"), "host");
        var watcher = AzureRig.Watcher(blobs, handlers, maxAttempts: 3);

        var firstPoll = await watcher.PollOnceAsync();
        var processedAfterFirstPoll = (await _rig.LedgerAsync()).SelectMany(e => e.Uploads).Select(u => u.BlobName).Order(StringComparer.Ordinal).ToList();
        for (var poll = 0; poll < 4; poll++)
        {
            await watcher.PollOnceAsync();
        }

        Assert.Equal(4, firstPoll); // two reference files and the two good uploads
        Assert.Equal([later, elsewhere], processedAfterFirstPoll);
        var report = await _rig.ReportAsync(poison);
        Assert.NotNull(report);
        Assert.Equal("rejected", report.Status);
        Assert.Equal([RuleCatalogue.SetAside.Id], report.RuleIds);
        Assert.Contains("3", (await _rig.ReportTextAsync(poison, ".report.html"))!, StringComparison.Ordinal);
        var item = (await storage.Blobs.GetItemAsync(Containers.Submissions, poison))!;
        await using (var receipt = await storage.Blobs.OpenReadAsync(BlobReceipt.ReceiptsContainer, BlobReceipt.NameOf(item)))
        {
            var quarantined = (await System.Text.Json.JsonSerializer.DeserializeAsync<BlobReceipt>(receipt!, PipelineJson.Options))!;
            Assert.Equal((ReceiptOutcome.Quarantined, 3), (quarantined.Outcome, quarantined.Attempts));
        }

        Assert.Equal("accepted", (await _rig.ReportAsync(later))!.Status[..8]);
        Assert.DoesNotContain((await _rig.LedgerAsync()).SelectMany(e => e.Uploads), u => u.BlobName == poison);
    }

    /// <summary>Uploads, corrections, a rejection and a duplicate through a watcher and a mart build; the outcome without times.</summary>
    private async Task<Outcome> RunAsync(FaultInjectionPolicy policy)
    {
        await azurite.ResetAsync();
        var programme = Programme.District;
        await _rig.WriteReferenceAsync(programme);
        var clean = _rig.Connect().Blobs;
        var uploads = new List<string>();
        foreach (var (station, i) in programme.Stations.Take(4).Select((s, i) => (s.StationCode, i)))
        {
            foreach (var period in new[] { new Period(2026, 3), new Period(2026, 4) })
            {
                // Names sort in upload order, so uploads within one second keep their order too.
                await Upload($"{period}/{station}/1-first.json", programme.Json(station, period, variant: 1));
                await Upload($"{period}/{station}/2-{(i == 0 ? "rejected" : i == 1 ? "same-again" : "correction")}.json",
                    i == 0 ? programme.RejectedJson(station, period) : programme.Json(station, period, variant: i == 1 ? 1 : 2));
            }
        }

        var storage = _rig.Connect(policy);
        var watcher = AzureRig.Watcher(storage.Blobs, AzureRig.Handlers(storage, "host"));
        for (var poll = 0; poll < 10 && (await ReceiptsAsync()).Count < uploads.Count + 2; poll++)
        {
            try
            {
                await watcher.PollOnceAsync();
            }
            catch (RequestFailedException)
            {
                // A listing that failed even after retries: the running host logs it and polls again.
            }
        }

        var receipts = await ReceiptsAsync();
        Assert.Equal(uploads.Count + 2, receipts.Count);
        Assert.All(receipts, r => Assert.Equal(ReceiptOutcome.Processed, r.Outcome));
        HostRetries = receipts.Sum(r => r.Attempts - 1);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await AzureRig.Handlers(storage, "marts").BuildMartsAsync();
                break;
            }
            catch (RequestFailedException) when (attempt < 3)
            {
                // A build that failed even after the SDK's retries: the schedule runs it again at its next occurrence.
            }
        }

        var ledger = await PipelineInvariants.CheckLedgerAsync(_rig, uploads);
        await PipelineInvariants.CheckMartsAsync(_rig, programme.Reference, ledger);
        var reports = new List<string>();
        foreach (var blob in uploads)
        {
            var report = (await _rig.ReportAsync(blob))!;
            reports.Add($"{blob}: {report.Status} v{report.Version} {report.Sha256} {string.Join(",", report.RuleIds)}");
        }

        var folder = await _rig.DownloadMartsAsync();
        try
        {
            using var reader = new MartReader(folder);
            var rows = new List<string>();
            foreach (var table in Core.Marts.MartTables.Facts.Append(Core.Marts.MartTables.AggRegionMonth))
            {
                // Upload times differ between the runs; everything else must not.
                var columns = table.Columns.Where(c => c.Type != Core.Marts.MartColumnType.Timestamp).Select(c => c.Name);
                rows.AddRange(reader.Query($"SELECT {string.Join(", ", columns)} FROM {table.Name}")
                    .Select(r => table.Name + ": " + string.Join("|", r.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)))));
            }

            return new Outcome(
                [.. ledger.SelectMany(e => e.Uploads.Select(u => $"{e.Period}/{e.StationCode} current v{e.CurrentVersion}: {u.BlobName} {u.Sha256} {u.Status} v{u.Version} {u.Errors}/{u.Warnings}")).Order(StringComparer.Ordinal)],
                reports,
                [.. rows.Order(StringComparer.Ordinal)]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        async Task<List<BlobReceipt>> ReceiptsAsync()
        {
            var found = new List<BlobReceipt>();
            await foreach (var item in clean.ListAsync(BlobReceipt.ReceiptsContainer))
            {
                await using var stream = await clean.OpenReadAsync(BlobReceipt.ReceiptsContainer, item.Name);
                found.Add((await System.Text.Json.JsonSerializer.DeserializeAsync<BlobReceipt>(stream!, PipelineJson.Options))!);
            }

            return found;
        }

        async Task Upload(string name, byte[] content)
        {
            await AzureRig.UploadAsync(clean, name, content);
            uploads.Add(name);
        }
    }

    private sealed record Outcome(IReadOnlyList<string> Ledger, IReadOnlyList<string> Reports, IReadOnlyList<string> Marts);

    /// <summary>A store on which reading one blob always fails as reading an archived blob does (409 BlobArchived).</summary>
    private sealed class FailingReads(IBlobStore inner, string failing) : IBlobStore
    {
        public Task<BlobItem?> GetItemAsync(string container, string name, CancellationToken cancellationToken = default) => inner.GetItemAsync(container, name, cancellationToken);

        public Task<IAsyncDisposable?> TryAcquireLockAsync(string container, string name, CancellationToken cancellationToken = default) => inner.TryAcquireLockAsync(container, name, cancellationToken);

        public Task<Stream?> OpenReadAsync(string container, string name, CancellationToken cancellationToken = default)
        {
            if (container == Containers.Submissions && name == failing)
            {
                throw new RequestFailedException(409, "This operation is not permitted on an archived blob.", "BlobArchived", null);
            }

            return inner.OpenReadAsync(container, name, cancellationToken);
        }

        public Task WriteAsync(string container, string name, Stream content, string contentType, CancellationToken cancellationToken = default) => inner.WriteAsync(container, name, content, contentType, cancellationToken);

        public Task<bool> TryCreateAsync(string container, string name, Stream content, string contentType, CancellationToken cancellationToken = default) => inner.TryCreateAsync(container, name, content, contentType, cancellationToken);

        public IAsyncEnumerable<BlobItem> ListAsync(string container, string prefix = "", CancellationToken cancellationToken = default) => inner.ListAsync(container, prefix, cancellationToken);

        public Task DeleteAsync(string container, string name, CancellationToken cancellationToken = default) => inner.DeleteAsync(container, name, cancellationToken);
    }
}
