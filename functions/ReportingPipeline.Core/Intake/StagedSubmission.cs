using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Core.Validation;

namespace ReportingPipeline.Core.Intake;

/// <summary>
/// A processed upload in canonical form, kept in <c>staging/{period}/{station}/{sha256}.json</c>: the
/// validated submission (when it was readable and accepted) and its issues. The marts are built from
/// these, so a rebuild never re-reads a raw workbook.
/// </summary>
public sealed record StagedSubmission(
    string BlobName,
    string Sha256,
    SubmissionStatus Status,
    int? Version,
    DateTimeOffset ReceivedAt,
    bool OnTime,
    Submission? Submission,
    IReadOnlyList<ValidationIssue> Issues)
{
    public static string BlobNameFor(Period period, string stationCode, string sha256) => $"{period}/{stationCode}/{sha256}.json";
}
