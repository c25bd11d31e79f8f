using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Intake;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Core.Reporting;
using ReportingPipeline.Core.Validation;
using ReportingPipeline.Testing;

namespace ReportingPipeline.Core.Tests.Reporting;

public sealed class SubmissionReportBuilderTests
{
    private static readonly Period September = new(2026, 9);

    [Fact]
    public void Build_AcceptedWithWarnings_CountsAndStation()
    {
        var reference = TestReference.Create();
        var raw = RawSubmissionBuilder.Valid().RemoveRow("visits", 2).Build();
        var validation = SubmissionValidator.Validate(raw, new ValidationContext(reference, TestReference.StationCode, September, DateTimeOffset.UnixEpoch.AddYears(60), []));
        var upload = new IncomingUpload($"2026-09/{TestReference.StationCode}/月报.xlsx", September, TestReference.StationCode, "sha", 99, new DateTimeOffset(2026, 10, 11, 0, 0, 0, TimeSpan.FromHours(8)));
        var decision = IntakeDecider.Decide(null, upload, validation, DeadlinePolicy.Default, upload.ReceivedAt, "t");

        var report = SubmissionReportBuilder.Build(decision, validation, reference, DeadlinePolicy.Default);

        Assert.Equal(SubmissionStatus.AcceptedWithWarnings, report.Status);
        Assert.Equal("月报.xlsx", report.FileName);
        Assert.Equal(TestReference.StationName, report.StationName);
        Assert.Equal("2026-09", report.Period);
        Assert.Equal(1, report.Version);
        Assert.False(report.OnTime);
        Assert.Equal(DeadlinePolicy.Default.DeadlineOf(September), report.Deadline);
        Assert.Equal(new SectionCounts(2, 3, 1, 2, 3, 2), report.Counts);
        Assert.Equal((0, 1), (report.Errors, report.Warnings));
    }

    [Fact]
    public void Rejected_WithoutStationOrPeriod_KnownFieldsOnlyAndErrorsFirst()
    {
        var validation = new ValidationResult(null,
        [
            RuleCatalogue.NoActivity.Issue(SourceLocation.File),
            RuleCatalogue.BadPath.Issue(SourceLocation.File, value: "stray.xlsx"),
        ]);

        var report = SubmissionReportBuilder.Rejected("stray.xlsx", null, null, "sha", 10, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, validation, null, DeadlinePolicy.Default);

        Assert.Equal(SubmissionStatus.Rejected, report.Status);
        Assert.Null(report.Deadline);
        Assert.Null(report.Counts);
        Assert.Equal("stray.xlsx", report.FileName);
        Assert.Equal(["file.path", "coverage.no_activity"], report.Issues.Select(i => i.RuleId));
    }
}
