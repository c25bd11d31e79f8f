using System.Globalization;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Validation;

namespace ReportingPipeline.Core.Reading;

/// <summary>A cell as a grid reader met it: zero-based column, text (already clipped) and its original length.</summary>
internal readonly record struct GridCell(int Column, string Text, int Length);

/// <summary>
/// Turns the rows of a grid (a sheet, a CSV file) into a <see cref="RawSection"/>: the first non-blank row
/// is the header, fully blank rows are dropped, cells are aligned with the headers, and the row and cell
/// limits are enforced. Over-long cells were clipped by the reader, which alone saw their length, so the
/// <see cref="RuleCatalogue.TextTooLong"/> issue is raised here rather than by validation.
/// </summary>
internal sealed class RawSectionBuilder(SectionDefinition definition, string sourceName, ReadLimits limits, List<ValidationIssue> issues)
{
    private readonly List<RawRow> _rows = [];
    private List<RawCell>? _headers;

    public SectionDefinition Definition => definition;

    /// <summary>Adds a row; returns false when the section is over the row limit and reading should stop.</summary>
    public bool Add(int rowNumber, IReadOnlyList<GridCell> cells)
    {
        if (cells.All(c => string.IsNullOrWhiteSpace(c.Text)))
        {
            return true;
        }

        if (_headers is null)
        {
            var width = cells.Where(c => !string.IsNullOrWhiteSpace(c.Text)).Max(c => c.Column) + 1;
            var headers = new RawCell[width];
            for (var i = 0; i < width; i++)
            {
                headers[i] = new RawCell(string.Empty, Locate(rowNumber, i));
            }

            foreach (var cell in cells.Where(c => c.Column < width))
            {
                headers[cell.Column] = new RawCell(cell.Text, Locate(rowNumber, cell.Column));
                ReportIfClipped(cell, headers[cell.Column].Location, null);
            }

            _headers = [.. headers];
            return true;
        }

        if (_rows.Count >= limits.MaxRowsPerSection)
        {
            issues.Add(TooManyRows(definition, new SourceLocation(sourceName, rowNumber, null), limits));
            return false;
        }

        var aligned = new RawCell?[_headers.Count];
        foreach (var cell in cells)
        {
            if (cell.Column < aligned.Length)
            {
                var location = Locate(rowNumber, cell.Column);
                aligned[cell.Column] = new RawCell(cell.Text, location);
                ReportIfClipped(cell, location, _headers[cell.Column].Text);
            }
        }

        _rows.Add(new RawRow(rowNumber, aligned));
        return true;
    }

    public RawSection Build() => new(definition, sourceName, _headers ?? [], _rows);

    /// <summary>Cuts text to the cell limit; the reader keeps the original length for the issue.</summary>
    public static string Clip(string text, ReadLimits limits) =>
        text.Length > limits.MaxCellChars ? text[..limits.MaxCellChars] : text;

    private SourceLocation Locate(int row, int column) => new(sourceName, row, SourceLocation.ColumnLetter(column));

    private void ReportIfClipped(GridCell cell, SourceLocation location, string? header)
    {
        if (cell.Length <= limits.MaxCellChars)
        {
            return;
        }

        issues.Add(TextTooLong(definition, header, cell.Text, cell.Length, location, limits));
    }

    public static ValidationIssue TooManyRows(SectionDefinition definition, SourceLocation location, ReadLimits limits) =>
        RuleCatalogue.TooManyRows.Issue(
            location,
            section: definition.Key,
            args: new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["limit"] = limits.MaxRowsPerSection.ToString(CultureInfo.InvariantCulture),
                ["label"] = definition.Label,
            });

    public static ValidationIssue TextTooLong(SectionDefinition definition, string? header, string clipped, int length, SourceLocation location, ReadLimits limits)
    {
        var field = header is null ? null : definition.FindField(header);
        var fieldName = field?.Key ?? header ?? location.Column ?? string.Empty;
        return RuleCatalogue.TextTooLong.Issue(
            location,
            section: definition.Key,
            field: fieldName,
            value: clipped.Length > 50 ? string.Concat(clipped.AsSpan(0, 50), "…") : clipped,
            args: new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["label"] = field?.Label ?? fieldName,
                ["length"] = length.ToString(CultureInfo.InvariantCulture),
                ["limit"] = limits.MaxCellChars.ToString(CultureInfo.InvariantCulture),
            });
    }
}
