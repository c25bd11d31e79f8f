using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Validation;

namespace ReportingPipeline.Core.Reading;

/// <summary>The file formats a station may upload.</summary>
public enum SubmissionFormat
{
    Xlsx,
    Json,
    ZipCsv,

    /// <summary>Any other file type: refused before reading, with <see cref="RuleCatalogue.UnsupportedType"/>.</summary>
    Unsupported,
}

/// <summary>A cell's text exactly as the file held it (a cached formula value for a formula cell), and where.</summary>
public sealed record RawCell(string Text, SourceLocation Location);

/// <summary>A data row: cells aligned with the section's headers (null where the row has no cell).</summary>
public sealed record RawRow(int Row, IReadOnlyList<RawCell?> Cells);

/// <summary>
/// One section as read, before any interpretation: header cells and data rows of text. For the
/// key-value <c>station</c> section the headers are <c>field</c>,<c>value</c> and each row one field.
/// Blank rows are already dropped; cells are not trimmed or converted.
/// </summary>
public sealed record RawSection(SectionDefinition Definition, string SourceName, IReadOnlyList<RawCell> Headers, IReadOnlyList<RawRow> Rows);

/// <summary>
/// What a reader returns: the sections it found, and the issues it met while reading (file-level
/// problems such as corruption, bombs, encryption, unknown sheets). When <see cref="IsReadable"/> is
/// false the file could not be read at all and <see cref="Sections"/> is empty.
/// </summary>
public sealed record RawSubmission(SubmissionFormat Format, IReadOnlyList<RawSection> Sections, IReadOnlyList<ValidationIssue> Issues)
{
    public bool IsReadable => !Issues.Any(i => i.Category == "file" && i.Severity == Severity.Error);

    public static RawSubmission Unreadable(SubmissionFormat format, ValidationIssue issue) => new(format, [], [issue]);

    public RawSection? Find(SectionDefinition section) => Sections.FirstOrDefault(s => s.Definition == section);
}

/// <summary>
/// Bounds on what a reader accepts, so that hostile files end as issues instead of exhausting memory
/// or time. The defaults are generous for a town's month (a few dozen villages) and tight for a bomb.
/// </summary>
public readonly record struct ReadLimits(
    long MaxFileBytes,
    long MaxUncompressedBytes,
    int MaxArchiveEntries,
    double MaxCompressionRatio,
    int MaxRowsPerSection,
    int MaxColumns,
    int MaxCellChars,
    int MaxJsonDepth)
{
    public static readonly ReadLimits Default = new(
        MaxFileBytes: 20 * 1024 * 1024,
        MaxUncompressedBytes: 100 * 1024 * 1024,
        MaxArchiveEntries: 200,
        MaxCompressionRatio: 200,
        MaxRowsPerSection: 20_000,
        MaxColumns: 100,
        MaxCellChars: 2_000,
        MaxJsonDepth: 16);
}
