using ReportingPipeline.Core.Validation;

namespace ReportingPipeline.Core.Reading;

/// <summary>
/// Raised deep inside a reader (a guard tripped, a part is missing) to abandon the file at once;
/// <see cref="SubmissionFileReader"/> turns it into the file-level issue it carries and never lets it escape.
/// </summary>
internal sealed class SubmissionReadException(ValidationIssue issue) : Exception(issue.MessageEn)
{
    public ValidationIssue Issue { get; } = issue;

    public static SubmissionReadException Unreadable(string reasonZh, string reasonEn) => new(ReadIssues.Unreadable(reasonZh, reasonEn));

    public static SubmissionReadException Bomb(string reasonZh, string reasonEn) => new(ReadIssues.Bomb(reasonZh, reasonEn));
}

/// <summary>The file-level issues readers raise, with their bilingual arguments filled in one place.</summary>
internal static class ReadIssues
{
    public static ValidationIssue Unreadable(string reasonZh, string reasonEn) =>
        RuleCatalogue.Unreadable.Issue(SourceLocation.File, args: Reason(reasonZh, reasonEn));

    public static ValidationIssue Bomb(string reasonZh, string reasonEn) =>
        RuleCatalogue.ArchiveBomb.Issue(SourceLocation.File, args: Reason(reasonZh, reasonEn));

    public static ValidationIssue Encrypted(string reasonZh, string reasonEn) =>
        RuleCatalogue.Encrypted.Issue(SourceLocation.File, args: Reason(reasonZh, reasonEn));

    public static ValidationIssue BadEncoding(string sourceName) =>
        RuleCatalogue.BadEncoding.Issue(new SourceLocation(sourceName, null, null), value: sourceName);

    public static ValidationIssue UnknownSection(string sourceName) =>
        RuleCatalogue.UnknownSection.Issue(new SourceLocation(sourceName, null, null), value: sourceName);

    public static Dictionary<string, string> Reason(string reasonZh, string reasonEn) =>
        new(StringComparer.Ordinal) { ["reason"] = reasonZh, ["reason_en"] = reasonEn };

    /// <summary>A byte count as people read it: 20 MB, 512 KB.</summary>
    public static string Bytes(long bytes) => bytes switch
    {
        >= 1024 * 1024 => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024.0):0.#} MB"),
        >= 1024 => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KB"),
        _ => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes} B"),
    };
}
