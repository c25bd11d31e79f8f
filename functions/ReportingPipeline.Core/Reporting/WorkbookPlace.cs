using System.Globalization;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Validation;

namespace ReportingPipeline.Core.Reporting;

/// <summary>
/// Where an issue of a workbook upload is, as staff look for it: the sheet and the column by their Chinese labels,
/// and the Excel cell reference (<c>'走访 (visits)'!C5</c>, or <c>'走访 (visits)'!C:C</c> for a whole column) that Excel's
/// name box goes to.
/// </summary>
public sealed record WorkbookPlace(string? SheetLabel, string? ColumnLabel, string? Cell)
{
    /// <summary>True for the uploads whose locations are sheets, rows and column letters: Excel workbooks.</summary>
    public static bool IsWorkbook(string fileName) => fileName.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase);

    /// <summary>The place of an issue in a workbook; null when it is about the whole file.</summary>
    public static WorkbookPlace? Of(ValidationIssue issue)
    {
        var section = issue.Section is null ? null : SubmissionContract.Sections.FirstOrDefault(s => s.Key == issue.Section);
        var field = issue.Field is null || section is null
            ? null
            : section.Fields.FirstOrDefault(f => f.Key == issue.Field) ?? section.AnnotationColumns.FirstOrDefault(f => f.Key == issue.Field);
        var location = issue.Location;
        // A cell when the issue has a row; a whole column (C:C, as Excel's name box takes it) when it is about a column.
        var cell = location switch
        {
            { Source: { } sheet, Column: { } column, Row: { } row } => string.Create(CultureInfo.InvariantCulture, $"{SheetReference(sheet)}!{column}{row}"),
            { Source: { } sheet, Column: { } column } => $"{SheetReference(sheet)}!{column}:{column}",
            _ => null,
        };
        if (section is null && cell is null)
        {
            return null;
        }

        return new WorkbookPlace(section?.Label, field?.Label, cell);
    }

    /// <summary>
    /// A sheet name as a formula writes it: quoted (quotes doubled) unless it is letters and underscores followed by
    /// nothing but more letters, digits and underscores, and cannot be read as a cell (<c>AB12</c>, <c>R1C1</c>, <c>R</c>, <c>C</c>).
    /// </summary>
    public static string SheetReference(string sheet) =>
        sheet.Length > 0 && char.IsLetter(sheet[0]) && sheet.All(c => char.IsLetterOrDigit(c) || c == '_') && !LooksLikeACell(sheet)
            ? sheet
            : "'" + sheet.Replace("'", "''", StringComparison.Ordinal) + "'";

    // A1 (letters then digits), R1C1 forms and the bare row/column letters R and C are read as references, not names.
    private static bool LooksLikeACell(string name) =>
        System.Text.RegularExpressions.Regex.IsMatch(name, "^([A-Za-z]{1,3}[0-9]+|[Rr][0-9]*([Cc][0-9]*)?|[Cc][0-9]*)$");
}
