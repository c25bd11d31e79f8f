using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Intake;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Core.Reading;
using ReportingPipeline.Core.Validation;
using ReportingPipeline.Storage.LocalFolder;
using ReportingPipeline.Synthetic;
using ReportingPipeline.Testing;

namespace ReportingPipeline.Core.Tests.Intake;

/// <summary>The ingestor driving its ports, over the in-memory blob store (which keeps the blob-store contract).</summary>
public sealed class SubmissionIngestorTests : IDisposable
{
    private static readonly Period March = new(2024, 3);
    private static readonly DateTimeOffset Now = new(2024, 4, 6, 12, 0, 0, TimeSpan.FromHours(8));

    private readonly DirectoryInfo _ledgerFolder = Directory.CreateTempSubdirectory("ledger-");
    private readonly InMemoryBlobStore _store = new(new Clock(Now));
    private readonly FolderLedger _ledger;

    public SubmissionIngestorTests() => _ledger = new FolderLedger(_ledgerFolder.FullName);

    [Fact]
    public async Task IngestAsync_ValidUpload_StagedRecordedAndReported()
    {
        await SeedReferenceAsync();
        var name = await UploadAsync("first.json", Json(seed: 1), Now.AddDays(-2));

        var result = await Ingestor().IngestAsync(name);

        Assert.Contains(result.Report.Status, new[] { SubmissionStatus.Accepted, SubmissionStatus.AcceptedWithWarnings });
        Assert.Equal(1, result.Report.Version);
        var entry = (await _ledger.GetAsync(March, TestReference.StationCode))!.Entry;
        Assert.Equal(1, entry.CurrentVersion);
        Assert.NotNull(await StagedSubmission.ReadAsync(_store, March, TestReference.StationCode, entry.Current!.Sha256));
        Assert.NotNull(await _store.GetItemAsync(Containers.Reports, result.ReportJsonName));
    }

    [Fact]
    public async Task IngestAsync_SameContentUploadedTwice_SecondIsDuplicateAndLedgerKeepsOneVersion()
    {
        await SeedReferenceAsync();
        var first = await UploadAsync("a.json", Json(seed: 1), Now.AddDays(-3));
        var second = await UploadAsync("b.json", Json(seed: 1), Now.AddDays(-2));

        await Ingestor().IngestAsync(first);
        var result = await Ingestor().IngestAsync(second);

        Assert.Equal(SubmissionStatus.Duplicate, result.Report.Status);
        Assert.Equal(1, (await _ledger.GetAsync(March, TestReference.StationCode))!.Entry.CurrentVersion);
    }

    [Fact]
    public async Task IngestAsync_LaterUploadEventFirst_EarlierUploadBecomesVersionOne()
    {
        await SeedReferenceAsync();
        var earlier = await UploadAsync("earlier.json", Json(seed: 1), Now.AddDays(-3));
        var later = await UploadAsync("later.json", Json(seed: 2), Now.AddDays(-2));

        var result = await Ingestor().IngestAsync(later);

        Assert.Equal(2, result.Report.Version);
        var uploads = (await _ledger.GetAsync(March, TestReference.StationCode))!.Entry.Uploads;
        Assert.Equal([earlier, later], uploads.Select(u => u.BlobName));
    }

    [Fact]
    public async Task IngestAsync_NewVersionOrRejection_AffectsTheMarts()
    {
        await SeedReferenceAsync();
        var accepted = await UploadAsync("a.json", Json(seed: 1), Now.AddDays(-3));
        var rejected = await UploadAsync("b.json", Encoding.UTF8.GetBytes("{ not json"), Now.AddDays(-2));

        Assert.True((await Ingestor().IngestAsync(accepted)).MartsAffected);
        var result = await Ingestor().IngestAsync(rejected);

        Assert.Equal(SubmissionStatus.Rejected, result.Report.Status);
        Assert.True(result.MartsAffected);
    }

    [Fact]
    public async Task IngestAsync_DuplicateRedeliveryOrUnplacedFile_DoesNotAffectTheMarts()
    {
        await SeedReferenceAsync();
        var first = await UploadAsync("a.json", Json(seed: 1), Now.AddDays(-3));
        var same = await UploadAsync("b.json", Json(seed: 1), Now.AddDays(-2));
        const string unplaced = "stray.json";
        await _store.WriteAsync(Containers.Submissions, unplaced, new MemoryStream(Json(seed: 1)), "application/json");
        await Ingestor().IngestAsync(first);

        var duplicate = await Ingestor().IngestAsync(same);
        var redelivered = await Ingestor().IngestAsync(first);
        var stray = await Ingestor().IngestAsync(unplaced);

        Assert.Equal(SubmissionStatus.Duplicate, duplicate.Report.Status);
        Assert.False(duplicate.MartsAffected);
        Assert.True(redelivered.AlreadyProcessed);
        Assert.False(redelivered.MartsAffected);
        Assert.Equal(SubmissionStatus.Rejected, stray.Report.Status);
        Assert.False(stray.MartsAffected);
    }

    [Fact]
    public async Task IngestAsync_RedeliveryThatCatchesUpAnEarlierUpload_AffectsTheMarts()
    {
        await SeedReferenceAsync();
        var later = await UploadAsync("later.json", Json(seed: 2), Now.AddDays(-2));
        await Ingestor().IngestAsync(later);
        // An earlier upload whose event was lost: the store lists it before the one already recorded.
        await UploadAsync("earlier.json", Json(seed: 1), Now.AddDays(-3));

        var result = await Ingestor().IngestAsync(later);

        Assert.True(result.AlreadyProcessed);
        Assert.True(result.MartsAffected);
    }

    [Fact]
    public async Task IngestAsync_OverConfiguredSizeLimit_RejectedAsTooLarge()
    {
        await SeedReferenceAsync();
        var name = await UploadAsync("big.json", Json(seed: 1), Now.AddDays(-2));
        var options = IntakeOptions.Default with { Limits = ReadLimits.Default with { MaxFileBytes = 64 } };

        var result = await Ingestor(options).IngestAsync(name);

        Assert.Equal(SubmissionStatus.Rejected, result.Report.Status);
        Assert.Contains(result.Report.Issues, i => i.RuleId == RuleCatalogue.TooLarge.Id);
    }

    [Fact]
    public async Task IngestAsync_StoreSaysOverTheLimit_RejectedWithoutOpeningTheUpload()
    {
        await SeedReferenceAsync();
        var name = await UploadAsync("huge.json", Json(seed: 1), Now.AddDays(-2));
        var again = await UploadAsync("huge-again.json", Json(seed: 1), Now.AddDays(-1));
        var options = IntakeOptions.Default with { Limits = ReadLimits.Default with { MaxFileBytes = 64 } };
        var store = new RecordingBlobStore(_store);
        var ingestor = new SubmissionIngestor(store, _ledger, new ReferenceStore(_store), new Clock(Now), options, NullLogger<SubmissionIngestor>.Instance);

        var result = await ingestor.IngestAsync(name);
        var second = await ingestor.IngestAsync(again);

        Assert.Empty(store.OpenedIn(Containers.Submissions));
        Assert.Equal(SubmissionStatus.Rejected, result.Report.Status);
        Assert.Contains(result.Report.Issues, i => i.RuleId == RuleCatalogue.TooLarge.Id);
        // Unread, so its identity is the upload's, not its bytes': the same bytes again are a new rejected upload.
        Assert.Equal(SubmissionStatus.Rejected, second.Report.Status);
        Assert.NotEqual(result.Report.Sha256, second.Report.Sha256);
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(true, false)]
    public async Task IngestAsync_VisitsFarAboveTheStationsEarlierMonths_WarnedFromTheirTotals_OnlyWithThreeAcceptedMonths(bool oneMonthRejected, bool totalsInTheLedger)
    {
        await SeedReferenceAsync();
        var reference = TestReference.Create();
        var months = new[] { new Period(2023, 12), new Period(2024, 1), new Period(2024, 2) };
        foreach (var month in months)
        {
            // Each earlier month uploaded on the 5th of the next, on time; one of them, when asked, only ever rejected.
            var uploadedAt = new DateTimeOffset(month.Add(1).FirstDay, new TimeOnly(9, 0), TimeSpan.FromHours(8));
            var content = oneMonthRejected && month == new Period(2024, 1)
                ? "not a submission"u8.ToArray()
                : Json(SampleSubmissions.For(reference, TestReference.StationCode, month, seed: 2));
            var earlier = await Ingestor().IngestAsync(await UploadAsync(month, "monthly.json", content, uploadedAt));
            Assert.Equal(oneMonthRejected && month == new Period(2024, 1), earlier.Report.Status == SubmissionStatus.Rejected);
            if (!totalsInTheLedger)
            {
                // As recorded before the ledger kept an accepted upload's totals: they come from its staged file.
                var entry = (await _ledger.GetAsync(month, TestReference.StationCode))!;
                Assert.True(await _ledger.TryReplaceAsync(entry.Entry with { Uploads = [.. entry.Entry.Uploads.Select(u => u with { CountTotals = null })] }, entry.ETag));
            }
        }

        var usual = SampleSubmissions.For(reference, TestReference.StationCode, March, seed: 2);
        var tenfold = usual with { Visits = [.. usual.Visits.Select(v => v with { ResidentVisits = v.ResidentVisits * 10 })] };
        var name = await UploadAsync("march.json", Json(tenfold), Now.AddDays(-2));
        var store = new RecordingBlobStore(_store);
        var result = await new SubmissionIngestor(store, _ledger, new ReferenceStore(_store), new Clock(Now), IntakeOptions.Default, NullLogger<SubmissionIngestor>.Instance).IngestAsync(name);

        var warned = result.Report.Issues.Where(i => i.RuleId == RuleCatalogue.FarAboveHistory.Id).Select(i => i.Field).ToList();
        if (oneMonthRejected)
        {
            Assert.Empty(warned);
        }
        else
        {
            Assert.Equal(["resident_visits"], warned);
        }

        // The earlier months' staged files are read only for uploads recorded without totals.
        Assert.Equal(totalsInTheLedger ? 0 : oneMonthRejected ? 2 : 3, store.OpenedIn(Containers.Staging).Count);
    }

    [Fact]
    public async Task IngestAsync_OneUpload_ListsItsStationMonthOnce_ReadsNoPropertiesButTheReferencesVersions()
    {
        await SeedReferenceAsync();
        var name = await UploadAsync("first.json", Json(seed: 1), Now.AddDays(-2));
        var store = new RecordingBlobStore(_store);
        var ingestor = new SubmissionIngestor(store, _ledger, new ReferenceStore(store), new Clock(Now), IntakeOptions.Default, NullLogger<SubmissionIngestor>.Instance);

        var result = await ingestor.IngestAsync(name);

        // Each lookup is a storage request in Azure, on every upload: the listing that finds earlier uploads to catch up
        // on also gives this one's size and upload time; the reference's files are asked whether they changed.
        Assert.Equal(1, result.Report.Version);
        Assert.Equal($"list {Containers.Submissions}/{March}/{TestReference.StationCode}/", store.Lookups[0]);
        Assert.Equal(ReferenceStoreTests.ReferenceLookups.Order(), store.Lookups.Skip(1).Order());
    }

    public void Dispose() => _ledgerFolder.Delete(recursive: true);

    private SubmissionIngestor Ingestor(IntakeOptions? options = null) =>
        new(_store, _ledger, new ReferenceStore(_store), new Clock(Now), options ?? IntakeOptions.Default, NullLogger<SubmissionIngestor>.Instance);

    private static byte[] Json(int seed) => Json(SampleSubmissions.For(TestReference.Create(), TestReference.StationCode, March, seed));

    private static byte[] Json(Submission submission)
    {
        using var content = new MemoryStream();
        SubmissionJsonWriter.Write(content, submission);
        return content.ToArray();
    }

    private Task<string> UploadAsync(string fileName, byte[] content, DateTimeOffset uploadedAt) => UploadAsync(March, fileName, content, uploadedAt);

    private async Task<string> UploadAsync(Period period, string fileName, byte[] content, DateTimeOffset uploadedAt)
    {
        var name = $"{period}/{TestReference.StationCode}/{fileName}";
        await _store.WriteAsync(Containers.Submissions, name, new MemoryStream(content), "application/json");
        _store.SetCreatedOn(Containers.Submissions, name, uploadedAt);
        return name;
    }

    private Task SeedReferenceAsync() => TestReference.WriteAsync(_store, TestReference.Create());

    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now.ToUniversalTime();
    }
}
