namespace ReportingPipeline.Core.Validation;

/// <summary>How much an issue weighs, least first (reports list the heaviest first).</summary>
public enum Severity
{
    /// <summary>Noted for the station; changes nothing (a retyped header label over the right key).</summary>
    Info,

    /// <summary>Accepted, but reported.</summary>
    Warning,

    /// <summary>Rejects the file.</summary>
    Error,
}

/// <summary>Where in the original file a value came from.</summary>
/// <param name="Source">Sheet name, CSV file name inside the zip, or JSON property.</param>
/// <param name="Row">1-based row as the station sees it (the spreadsheet row, the CSV line, the JSON array index + 1).</param>
/// <param name="Column">Column letter (xlsx, csv) or JSON key.</param>
public sealed record SourceLocation(string? Source, int? Row, string? Column)
{
    public static readonly SourceLocation File = new(null, null, null);

    public static string ColumnLetter(int zeroBasedIndex)
    {
        var index = zeroBasedIndex + 1;
        var letters = string.Empty;
        while (index > 0)
        {
            var remainder = (index - 1) % 26;
            letters = (char)('A' + remainder) + letters;
            index = (index - 1) / 26;
        }

        return letters;
    }
}

/// <summary>One problem found in a submission, located in the original file and explained in Chinese and English.</summary>
public sealed record ValidationIssue(
    string RuleId,
    Severity Severity,
    string Category,
    string? Section,
    string? Field,
    SourceLocation Location,
    string? Value,
    string MessageZh,
    string MessageEn,
    string ActionZh,
    string ActionEn);
