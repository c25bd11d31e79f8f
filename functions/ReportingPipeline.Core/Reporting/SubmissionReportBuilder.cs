using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Intake;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Core.Reference;
using ReportingPipeline.Core.Validation;

namespace ReportingPipeline.Core.Reporting;

/// <summary>Assembles the <see cref="SubmissionReport"/> a station gets back for an upload.</summary>
public static class SubmissionReportBuilder
{
    /// <summary>The report of an upload the intake decided on (including a redelivered one: the first decision is reported again).</summary>
    public static SubmissionReport Build(IntakeDecision decision, ValidationResult validation, ReferenceData reference, DeadlinePolicy deadline)
    {
        var upload = decision.Upload;
        return Create(
            upload.BlobName, decision.Entry.StationCode, decision.Entry.Period, upload.Sha256, upload.Bytes, upload.ReceivedAt, upload.ProcessedAt,
            decision.Status, decision.Version, decision.OnTime, validation, reference, deadline);
    }

    /// <summary>
    /// The report of an upload rejected before any decision could be made, e.g. a blob path that names no
    /// station or month: whatever is known is shown, the rest is null.
    /// </summary>
    public static SubmissionReport Rejected(
        string blobName,
        string? stationCode,
        Period? period,
        string sha256,
        long bytes,
        DateTimeOffset receivedAt,
        DateTimeOffset processedAt,
        ValidationResult validation,
        ReferenceData? reference,
        DeadlinePolicy deadline) =>
        Create(
            blobName, stationCode, period, sha256, bytes, receivedAt, processedAt, SubmissionStatus.Rejected, null,
            period is { } p && deadline.IsOnTime(p, receivedAt), validation, reference, deadline);

    private static SubmissionReport Create(
        string blobName,
        string? stationCode,
        Period? period,
        string sha256,
        long bytes,
        DateTimeOffset receivedAt,
        DateTimeOffset processedAt,
        SubmissionStatus status,
        int? version,
        bool onTime,
        ValidationResult validation,
        ReferenceData? reference,
        DeadlinePolicy deadline)
    {
        // Errors first: they are what stops the file; order within a severity stays the file's order.
        var issues = validation.Issues.OrderByDescending(i => i.Severity).ToList();
        var fileName = blobName[(blobName.LastIndexOf('/') + 1)..];
        return new SubmissionReport(
            SubmissionReport.SchemaId,
            blobName,
            fileName,
            stationCode,
            stationCode is null ? null : reference?.FindStation(stationCode)?.Name,
            period?.ToString(),
            status,
            version,
            sha256,
            bytes,
            receivedAt,
            processedAt,
            period is { } p ? deadline.DeadlineOf(p) : null,
            onTime,
            validation.Errors,
            validation.Warnings,
            CountsOf(validation.Submission, stationCode, reference),
            issues);
    }

    /// <summary>Row counts of the validated submission; null when it was not built (a rejected file).</summary>
    private static SectionCounts? CountsOf(Submission? submission, string? stationCode, ReferenceData? reference)
    {
        if (submission is null)
        {
            return null;
        }

        var villages = stationCode is null || reference is null
            ? new HashSet<string>(StringComparer.Ordinal)
            : reference.VillagesOf(stationCode).Select(v => v.Code).ToHashSet(StringComparer.Ordinal);
        var visited = submission.Visits.Select(v => v.VillageCode).Where(villages.Contains).Distinct(StringComparer.Ordinal).Count();
        return new SectionCounts(
            submission.Visits.Count, submission.Services.Count, submission.Hotline.Count, submission.Funds.Count, villages.Count, visited);
    }
}
