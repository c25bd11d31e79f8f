using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Core.Reference;
using ReportingPipeline.Core.Validation;

namespace ReportingPipeline.Core.Reporting;

/// <summary>Assembles the report a station gets back for one upload.</summary>
public static class SubmissionReports
{
    /// <param name="station">Station code, when the upload's path or the file named one.</param>
    /// <param name="period">Reporting month, when the upload's path or the file named one.</param>
    public static SubmissionReport Create(
        string blobName,
        string? station,
        Period? period,
        SubmissionStatus status,
        int? version,
        string sha256,
        long bytes,
        DateTimeOffset receivedAt,
        DateTimeOffset processedAt,
        bool onTime,
        DeadlinePolicy deadline,
        ValidationResult validation,
        ReferenceData reference)
    {
        var submission = validation.Submission;
        SectionCounts? counts = submission is null ? null : new SectionCounts(
            submission.Visits.Count, submission.Services.Count, submission.Hotline.Count, submission.Funds.Count,
            reference.VillagesOf(submission.Station.StationCode).Count,
            submission.Visits.Select(v => v.VillageCode).Distinct(StringComparer.Ordinal).Count());
        var issues = validation.Issues.OrderByDescending(i => i.Severity).ToList();
        return new SubmissionReport(SubmissionReport.SchemaId, blobName, blobName[(blobName.LastIndexOf('/') + 1)..],
            station, station is null ? null : reference.FindStation(station)?.Name, period?.ToString(), status, version, sha256, bytes,
            receivedAt, processedAt, period is { } p ? deadline.DeadlineOf(p) : null, onTime, validation.Errors, validation.Warnings, counts, issues);
    }
}
