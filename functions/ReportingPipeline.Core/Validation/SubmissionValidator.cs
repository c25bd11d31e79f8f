using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Reading;
using ReportingPipeline.Core.Reference;

namespace ReportingPipeline.Core.Validation;

/// <summary>What validation needs besides the file.</summary>
/// <param name="PathStation">Station code from the blob path, if it parsed.</param>
/// <param name="PathPeriod">Period from the blob path, if it parsed.</param>
/// <param name="Now">The time the upload is judged at (for "period in the future").</param>
/// <param name="History">The station's recent accepted submissions (up to 6 months before this one), for outlier checks.</param>
public sealed record ValidationContext(
    ReferenceData Reference,
    string? PathStation,
    Period? PathPeriod,
    DateTimeOffset Now,
    IReadOnlyList<Submission> History);

/// <summary>The validated submission (null when it could not be built) and every issue found.</summary>
public sealed record ValidationResult(Submission? Submission, IReadOnlyList<ValidationIssue> Issues)
{
    public int Errors => Issues.Count(i => i.Severity == Severity.Error);

    public int Warnings => Issues.Count(i => i.Severity == Severity.Warning);

    public bool HasErrors => Errors > 0;
}

/// <summary>Evaluates the rule catalogue over a read submission.</summary>
public static class SubmissionValidator
{
    public static ValidationResult Validate(RawSubmission raw, ValidationContext context) =>
        throw new NotImplementedException("TODO(validation)");
}
