using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Reading;
using ReportingPipeline.Core.Reference;

namespace ReportingPipeline.Core.Validation;

/// <summary>What validation needs besides the file.</summary>
/// <param name="PathStation">Station code from the blob path, if it parsed.</param>
/// <param name="PathPeriod">Period from the blob path, if it parsed.</param>
/// <param name="Now">The time the upload is judged at (for "period in the future").</param>
/// <param name="History">The count totals of the station's recent accepted submissions (up to 6 months before this one), for outlier checks.</param>
public sealed record ValidationContext(
    ReferenceData Reference,
    string? PathStation,
    Period? PathPeriod,
    DateTimeOffset Now,
    IReadOnlyList<MonthCountTotals> History);

/// <summary>The validated submission (null when it could not be built) and every issue found.</summary>
public sealed record ValidationResult(Submission? Submission, IReadOnlyList<ValidationIssue> Issues)
{
    public int Errors => Issues.Count(i => i.Severity == Severity.Error);

    public int Warnings => Issues.Count(i => i.Severity == Severity.Warning);

    public bool HasErrors => Errors > 0;
}

/// <summary>
/// Evaluates every content rule of the <see cref="RuleCatalogue"/> over a read submission: structure,
/// header, cells, rows, cross-field, coverage, policy and outliers, all driven by the
/// <see cref="SubmissionContract"/> declarations. File-level problems found by the reader are passed through.
/// </summary>
public static class SubmissionValidator
{
    /// <summary>
    /// Validates <paramref name="raw"/>. Every issue is reported at once (a station fixes everything in one
    /// round). The typed <see cref="ValidationResult.Submission"/> is built only when there is no error, so a
    /// submission is either canonical and complete or absent; warnings do not prevent it.
    /// </summary>
    public static ValidationResult Validate(RawSubmission raw, ValidationContext context)
    {
        if (!raw.IsReadable)
        {
            return new ValidationResult(null, raw.Issues);
        }

        var structure = new List<ValidationIssue>();
        var sections = SubmissionContract.Sections.ToDictionary(s => s, s => SectionParser.Parse(s, raw.Find(s), structure));

        var header = new List<ValidationIssue>();
        var who = HeaderCheck.Evaluate(sections[SubmissionContract.Station], context, header);

        var content = new List<ValidationIssue>();
        foreach (var section in sections.Values)
        {
            ContentChecks.CheckRows(section, who, context.Reference, content);
        }

        ContentChecks.CheckCrossFields(sections, content);
        ContentChecks.CheckCoverage(sections, who, context.Reference, content);
        ContentChecks.CheckPolicy(sections[SubmissionContract.Station], who, content);
        OutlierCheck.Check(sections, who, context.History, content);

        List<ValidationIssue> issues = [.. raw.Issues, .. header, .. structure, .. content];
        var submission = issues.Any(i => i.Severity == Severity.Error) ? null : SubmissionMapper.Build(sections);
        return new ValidationResult(submission, issues);
    }
}
