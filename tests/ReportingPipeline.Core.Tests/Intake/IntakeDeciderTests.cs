using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Intake;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Core.Validation;
using ReportingPipeline.Synthetic;
using ReportingPipeline.Testing;

namespace ReportingPipeline.Core.Tests.Intake;

public sealed class IntakeDeciderTests
{
    private static readonly Period September = new(2026, 9);
    private static readonly DateTimeOffset Deadline = DeadlinePolicy.Default.DeadlineOf(September);
    private static readonly DateTimeOffset ProcessedAt = new(2026, 10, 12, 9, 0, 0, TimeSpan.Zero);

    private static readonly ValidationResult Clean = new(null, []);
    private static readonly ValidationResult WithWarning = new(null, [RuleCatalogue.NoActivity.Issue(SourceLocation.File)]);
    private static readonly ValidationResult WithError = new(null, [RuleCatalogue.PeriodMissing.Issue(SourceLocation.File), RuleCatalogue.NoActivity.Issue(SourceLocation.File)]);

    [Fact]
    public void Decide_FirstCleanUpload_AcceptedAsVersion1()
    {
        var decision = Decide(null, Upload("a.xlsx", "sha-a"), Clean);

        Assert.Equal(SubmissionStatus.Accepted, decision.Status);
        Assert.Equal(1, decision.Version);
        Assert.False(decision.AlreadyProcessed);
        Assert.Equal(1, decision.Entry.CurrentVersion);
        Assert.Equal(decision.Upload, Assert.Single(decision.Entry.Uploads));
        Assert.Equal(decision.Upload, decision.Entry.Current);
        Assert.Equal(ProcessedAt, decision.Entry.UpdatedAt);
        Assert.Equal("worker-1", decision.Upload.ProcessedBy);
    }

    [Fact]
    public void Decide_Warnings_AcceptedWithWarningsAndCounted()
    {
        var decision = Decide(null, Upload("a.xlsx", "sha-a"), WithWarning);

        Assert.Equal(SubmissionStatus.AcceptedWithWarnings, decision.Status);
        Assert.Equal(1, decision.Version);
        Assert.Equal((0, 1), (decision.Upload.Errors, decision.Upload.Warnings));
    }

    [Fact]
    public void Decide_ErrorsAfterAcceptedVersion_RejectedAndCurrentKept()
    {
        var v1 = Decide(null, Upload("a.xlsx", "sha-a"), Clean).Entry;
        var decision = Decide(v1, Upload("b.xlsx", "sha-b"), WithError);

        Assert.Equal(SubmissionStatus.Rejected, decision.Status);
        Assert.Null(decision.Version);
        Assert.Equal(1, decision.Entry.CurrentVersion);
        Assert.Equal("sha-a", decision.Entry.Current!.Sha256);
        Assert.Equal(2, decision.Entry.Uploads.Count);
        Assert.Equal((1, 1), (decision.Upload.Errors, decision.Upload.Warnings));
    }

    [Fact]
    public void Decide_FirstUploadRejected_NoVersion()
    {
        var decision = Decide(null, Upload("a.xlsx", "sha-a"), WithError);

        Assert.Equal(SubmissionStatus.Rejected, decision.Status);
        Assert.Equal(0, decision.Entry.CurrentVersion);
        Assert.Null(decision.Entry.Current);
    }

    [Fact]
    public void Decide_SameContentAsCurrent_DuplicateOfThatVersion()
    {
        var v1 = Decide(null, Upload("a.xlsx", "sha-a"), Clean).Entry;
        var decision = Decide(v1, Upload("a (1).xlsx", "sha-a"), Clean);

        Assert.Equal(SubmissionStatus.Duplicate, decision.Status);
        Assert.Equal(1, decision.Version);
        Assert.Equal(1, decision.Entry.CurrentVersion);
        Assert.Equal(2, decision.Entry.Uploads.Count);
        Assert.Equal("a.xlsx", Path.GetFileName(decision.Entry.Current!.BlobName));
    }

    [Fact]
    public void Decide_NewContent_Version2Supersedes()
    {
        var v1 = Decide(null, Upload("a.xlsx", "sha-a"), Clean).Entry;
        var decision = Decide(v1, Upload("b.xlsx", "sha-b"), WithWarning);

        Assert.Equal(SubmissionStatus.AcceptedWithWarnings, decision.Status);
        Assert.Equal(2, decision.Version);
        Assert.Equal(2, decision.Entry.CurrentVersion);
        Assert.Equal("sha-b", decision.Entry.Current!.Sha256);
    }

    [Fact]
    public void Decide_RejectedUploadsDoNotCountAsVersions()
    {
        var entry = Decide(null, Upload("a.xlsx", "sha-a"), WithError).Entry;
        entry = Decide(entry, Upload("b.xlsx", "sha-b"), WithError).Entry;
        var decision = Decide(entry, Upload("c.xlsx", "sha-c"), Clean);

        Assert.Equal(1, decision.Version);
    }

    [Fact]
    public void Decide_EarlierVersionContentAgain_BecomesNewVersion()
    {
        var entry = Decide(null, Upload("a.xlsx", "sha-a"), Clean).Entry;
        entry = Decide(entry, Upload("b.xlsx", "sha-b"), Clean).Entry;
        var decision = Decide(entry, Upload("a2.xlsx", "sha-a"), Clean);

        Assert.Equal(SubmissionStatus.Accepted, decision.Status);
        Assert.Equal(3, decision.Version);
    }

    [Fact]
    public void Decide_RedeliveredEvent_AlreadyProcessedWithSameOutcome()
    {
        var first = Decide(null, Upload("a.xlsx", "sha-a"), WithWarning);
        var again = IntakeDecider.Decide(first.Entry, Upload("a.xlsx", "sha-a"), WithWarning, DeadlinePolicy.Default, ProcessedAt.AddHours(1), "worker-2");

        Assert.True(again.AlreadyProcessed);
        Assert.Equal(first.Status, again.Status);
        Assert.Equal(first.Version, again.Version);
        Assert.Equal(first.Upload, again.Upload);
        Assert.Same(first.Entry, again.Entry);
    }

    [Fact]
    public void Decide_RedeliveredRejection_StillRejectedNotRecountedAfterLaterVersion()
    {
        var entry = Decide(null, Upload("bad.xlsx", "sha-bad"), WithError).Entry;
        entry = Decide(entry, Upload("good.xlsx", "sha-good"), Clean).Entry;
        var again = Decide(entry, Upload("bad.xlsx", "sha-bad"), WithError);

        Assert.True(again.AlreadyProcessed);
        Assert.Equal(SubmissionStatus.Rejected, again.Status);
        Assert.Equal(2, again.Entry.Uploads.Count);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(1, false)]
    [InlineData(-86400, true)]
    public void Decide_AtDeadlineBoundary_OnTimeOrLate(int secondsAfterDeadline, bool onTime)
    {
        var decision = Decide(null, Upload("a.xlsx", "sha-a", Deadline.AddSeconds(secondsAfterDeadline)), Clean);

        Assert.Equal(onTime, decision.OnTime);
        Assert.Equal(onTime, decision.Upload.OnTime);
    }

    [Fact]
    public void Decide_LateUpload_StillAccepted()
    {
        var decision = Decide(null, Upload("a.xlsx", "sha-a", Deadline.AddDays(20)), Clean);

        Assert.Equal(SubmissionStatus.Accepted, decision.Status);
        Assert.False(decision.OnTime);
    }

    [Fact]
    public void Decide_UploadedBeforeTheCurrentVersionButProcessedAfter_NextVersionNumberButLaterUploadStaysCurrent()
    {
        var later = Decide(null, Upload("later.xlsx", "sha-later", Deadline.AddHours(-1)), Clean).Entry;
        var decision = Decide(later, Upload("earlier.xlsx", "sha-earlier", Deadline.AddHours(-2)), Clean);

        Assert.Equal(SubmissionStatus.Accepted, decision.Status);
        Assert.Equal(2, decision.Version);
        Assert.Equal(1, decision.Entry.CurrentVersion);
        Assert.Equal("sha-later", decision.Entry.Current!.Sha256);
    }

    [Fact]
    public void Decide_NewUploadAfterAnOutOfOrderOne_NumberedAfterTheHighestVersionAndCurrent()
    {
        var later = Decide(null, Upload("later.xlsx", "sha-later", Deadline.AddHours(-1)), Clean).Entry;
        var outOfOrder = Decide(later, Upload("earlier.xlsx", "sha-earlier", Deadline.AddHours(-2)), Clean).Entry;
        var decision = Decide(outOfOrder, Upload("latest.xlsx", "sha-latest", Deadline), Clean);

        Assert.Equal(3, decision.Version);
        Assert.Equal(3, decision.Entry.CurrentVersion);
        Assert.Equal("sha-latest", decision.Entry.Current!.Sha256);
    }

    [Fact]
    public void Decide_AcceptedUpload_RecordsWhatItReportedInSum_RejectedOrDuplicateNothing()
    {
        var submission = SampleSubmissions.For(TestReference.Create(), TestReference.StationCode, September, seed: 3);
        var accepted = Decide(null, Upload("a.xlsx", "sha-a"), new ValidationResult(submission, []));
        var duplicate = Decide(accepted.Entry, Upload("b.xlsx", "sha-a"), new ValidationResult(submission, []));
        var rejected = Decide(accepted.Entry, Upload("c.xlsx", "sha-c"), new ValidationResult(submission, WithError.Issues));

        // What the outlier rule of a later month compares with, read from the ledger instead of the staged file.
        var totals = accepted.Upload.CountTotals!;
        Assert.Equal(submission.Visits.Sum(v => v.ResidentVisits ?? 0), totals["visits.resident_visits"]);
        Assert.Equal(MonthCountTotals.Sum(submission).OrderBy(t => t.Key), totals.OrderBy(t => t.Key));
        Assert.Equal(SubmissionStatus.Duplicate, duplicate.Status);
        Assert.Null(duplicate.Upload.CountTotals);
        Assert.Equal(SubmissionStatus.Rejected, rejected.Status);
        Assert.Null(rejected.Upload.CountTotals);
    }

    [Fact]
    public void Decide_EntryOfAnotherMonth_IsABug() =>
        Assert.Throws<ArgumentException>(() => Decide(LedgerEntry.Empty(new Period(2026, 8), TestReference.StationCode), Upload("a.xlsx", "sha-a"), Clean));

    private static IntakeDecision Decide(LedgerEntry? entry, IncomingUpload upload, ValidationResult validation) =>
        IntakeDecider.Decide(entry, upload, validation, DeadlinePolicy.Default, ProcessedAt, "worker-1");

    private static IncomingUpload Upload(string file, string sha, DateTimeOffset? receivedAt = null) =>
        new($"{September}/{TestReference.StationCode}/{file}", September, TestReference.StationCode, sha, 1234, receivedAt ?? Deadline.AddDays(-3));
}
