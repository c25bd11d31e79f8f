using ReportingPipeline.Core.Ports;
using ReportingPipeline.Core.Validation;

namespace ReportingPipeline.Core.Reporting;

/// <summary>Row counts per section of what was read.</summary>
public sealed record SectionCounts(int Visits, int Services, int Hotline, int Funds, int VillagesExpected, int VillagesVisited);

/// <summary>
/// What a station gets back for an upload (contract §2, "What a station gets back"). Serialised to
/// <c>{file}.report.json</c> and rendered to a readable <c>{file}.report.html</c>.
/// </summary>
public sealed record SubmissionReport(
    string Schema,
    string BlobName,
    string FileName,
    string? StationCode,
    string? StationName,
    string? Period,
    SubmissionStatus Status,
    int? Version,
    string Sha256,
    long Bytes,
    DateTimeOffset ReceivedAt,
    DateTimeOffset ProcessedAt,
    DateTimeOffset? Deadline,
    bool OnTime,
    int Errors,
    int Warnings,
    SectionCounts? Counts,
    IReadOnlyList<ValidationIssue> Issues)
{
    public const string SchemaId = "shuangbai-report/v1";
}
