using System.Globalization;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Reading;

namespace ReportingPipeline.Core.Validation;

/// <summary>A cell read against its field, with the text the station wrote and where it wrote it.</summary>
/// <param name="ColumnPresent">False when the whole column (or key-value row) is absent: already reported at section level.</param>
internal sealed record ParsedCell(FieldDefinition Field, string? RawText, SourceLocation Location, CellReading Reading, bool ColumnPresent)
{
    public object? Value => Reading.Status == CellStatus.Valid ? Reading.Value : null;
}

/// <summary>A row of a section with every field of the section (absent columns read as blank).</summary>
internal sealed class ParsedRow(SourceLocation location, IReadOnlyDictionary<string, ParsedCell> cells)
{
    public SourceLocation Location { get; } = location;

    public IReadOnlyDictionary<string, ParsedCell> Cells { get; } = cells;

    public ParsedCell this[FieldDefinition field] => Cells[field.Key];

    public long? Count(FieldDefinition field) => this[field].Value as long?;

    public decimal? Amount(FieldDefinition field) => this[field].Value as decimal?;

    public string? Text(FieldDefinition field) => this[field].Value as string;
}

/// <summary>A section after structure checks and cell reading. <see cref="Present"/> is false when the file lacks it.</summary>
internal sealed record ParsedSection(SectionDefinition Definition, bool Present, string SourceName, IReadOnlyList<ParsedRow> Rows, IReadOnlyDictionary<string, string> ColumnLetters)
{
    public SourceLocation Location => new(SourceName, null, null);

    /// <summary>Where a field's column is, for issues about a whole column (outliers, coverage).</summary>
    public SourceLocation ColumnLocation(FieldDefinition field) => new(SourceName, null, ColumnLetters.GetValueOrDefault(field.Key));
}

/// <summary>
/// Structure and cell rules, driven by the section declarations: maps headers to fields, reports missing,
/// duplicate and unknown columns, reads every cell with <see cref="CellParser"/> and reports bad cells.
/// </summary>
internal static class SectionParser
{
    /// <summary>Fields whose problems are reported by the header rules, not the generic cell rules.</summary>
    public static readonly IReadOnlySet<FieldDefinition> HeaderFields =
        new HashSet<FieldDefinition> { SubmissionContract.Station["station_code"], SubmissionContract.Station["period"] };

    public static ParsedSection Parse(SectionDefinition definition, RawSection? raw, List<ValidationIssue> issues)
    {
        if (raw is null)
        {
            issues.Add(RuleCatalogue.MissingSection.Issue(
                SourceLocation.File, definition.Key, args: new Dictionary<string, string> { ["label"] = definition.Label, ["section"] = definition.Key }));
            return new ParsedSection(definition, false, definition.Key, [], new Dictionary<string, string>());
        }

        return definition.Shape == SectionShape.KeyValue ? ParseKeyValue(definition, raw, issues) : ParseRows(definition, raw, issues);
    }

    /// <summary>The section name as messages show it: the template's sheet name, Chinese and key.</summary>
    public static string DisplayName(SectionDefinition section) => section.TemplateSheetName;

    public static Dictionary<string, string> Args(SectionDefinition section, FieldDefinition? field = null)
    {
        var args = new Dictionary<string, string>(StringComparer.Ordinal) { ["section"] = DisplayName(section) };
        if (field is not null)
        {
            args["label"] = field.Label;
        }

        return args;
    }

    private static ParsedSection ParseRows(SectionDefinition definition, RawSection raw, List<ValidationIssue> issues)
    {
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        var letters = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < raw.Headers.Count; i++)
        {
            var header = raw.Headers[i];
            if (string.IsNullOrWhiteSpace(header.Text))
            {
                continue;
            }

            var field = definition.FindField(header.Text);
            if (field is null && definition.FindAnnotation(header.Text) is not null)
            {
                continue;
            }

            if (field is null)
            {
                issues.Add(RuleCatalogue.UnknownColumn.Issue(header.Location, definition.Key, value: header.Text, args: Args(definition)));
            }
            else if (!columns.TryAdd(field.Key, i))
            {
                issues.Add(RuleCatalogue.DuplicateColumn.Issue(header.Location, definition.Key, field.Key, header.Text, Args(definition, field)));
            }
            else
            {
                letters[field.Key] = header.Location.Column ?? SourceLocation.ColumnLetter(i);
                NoteUnexpectedLabel(definition, field, header, issues);
            }
        }

        var headerRow = raw.Headers.Count > 0 ? raw.Headers[0].Location.Row : null;
        foreach (var field in definition.Fields.Where(f => !columns.ContainsKey(f.Key)))
        {
            var rule = field.Required ? RuleCatalogue.MissingColumn : RuleCatalogue.MissingOptionalColumn;
            issues.Add(rule.Issue(new SourceLocation(raw.SourceName, headerRow, null), definition.Key, field.Key, args: Args(definition, field)));
        }

        var rows = new List<ParsedRow>(raw.Rows.Count);
        foreach (var row in raw.Rows)
        {
            var cells = new Dictionary<string, ParsedCell>(StringComparer.Ordinal);
            foreach (var field in definition.Fields)
            {
                if (columns.TryGetValue(field.Key, out var index))
                {
                    var cell = index < row.Cells.Count ? row.Cells[index] : null;
                    var location = cell?.Location ?? new SourceLocation(raw.SourceName, row.Row, letters[field.Key]);
                    cells[field.Key] = Read(definition, field, cell?.Text, location, columnPresent: true, issues);
                }
                else
                {
                    cells[field.Key] = new ParsedCell(field, null, new SourceLocation(raw.SourceName, row.Row, null), CellReading.Blank, ColumnPresent: false);
                }
            }

            rows.Add(new ParsedRow(new SourceLocation(raw.SourceName, row.Row, null), cells));
        }

        return new ParsedSection(definition, true, raw.SourceName, rows, letters);
    }

    private static ParsedSection ParseKeyValue(SectionDefinition definition, RawSection raw, List<ValidationIssue> issues)
    {
        var nameColumn = IndexOf(raw.Headers, SubmissionContract.KeyValueFieldColumn) ?? 0;
        var valueColumn = IndexOf(raw.Headers, SubmissionContract.KeyValueValueColumn) ?? (nameColumn == 0 ? 1 : 0);
        var valueLetter = raw.Headers.ElementAtOrDefault(valueColumn)?.Location.Column ?? SourceLocation.ColumnLetter(valueColumn);

        var cells = new Dictionary<string, ParsedCell>(StringComparer.Ordinal);
        var firstRows = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in raw.Rows)
        {
            var nameCell = row.Cells.ElementAtOrDefault(nameColumn);
            if (nameCell is null || string.IsNullOrWhiteSpace(nameCell.Text))
            {
                continue;
            }

            var field = definition.FindField(nameCell.Text);
            if (field is null && definition.FindAnnotation(nameCell.Text) is not null)
            {
                continue;
            }

            if (field is null)
            {
                issues.Add(RuleCatalogue.UnknownColumn.Issue(nameCell.Location, definition.Key, value: nameCell.Text, args: Args(definition)));
                continue;
            }

            NoteUnexpectedLabel(definition, field, nameCell, issues);

            if (!firstRows.TryAdd(field.Key, row.Row))
            {
                var args = Args(definition, field);
                args["first_row"] = firstRows[field.Key].ToString(CultureInfo.InvariantCulture);
                issues.Add(RuleCatalogue.DuplicateKey.Issue(nameCell.Location, definition.Key, field.Key, nameCell.Text, args));
                continue;
            }

            var valueCell = row.Cells.ElementAtOrDefault(valueColumn);
            var location = valueCell?.Location ?? new SourceLocation(raw.SourceName, row.Row, valueLetter);
            cells[field.Key] = Read(definition, field, valueCell?.Text, location, columnPresent: true, issues);
        }

        // A field without its row reads as a blank cell: "not filled in" is what the station did.
        foreach (var field in definition.Fields.Where(f => !cells.ContainsKey(f.Key)))
        {
            cells[field.Key] = Read(definition, field, null, new SourceLocation(raw.SourceName, null, null), columnPresent: true, issues);
        }

        var letters = definition.Fields.ToDictionary(f => f.Key, _ => valueLetter, StringComparer.Ordinal);
        return new ParsedSection(definition, true, raw.SourceName, [new ParsedRow(new SourceLocation(raw.SourceName, null, null), cells)], letters);
    }

    /// <summary>
    /// A header matched by its bracketed key under a label that is not the contract's: information, not an error. When
    /// that label is another field's label or key, the header contradicts itself (columns moved and retyped, say): a
    /// warning, since the column is read by its key and its numbers may belong to the other field.
    /// </summary>
    private static void NoteUnexpectedLabel(SectionDefinition definition, FieldDefinition field, RawCell header, List<ValidationIssue> issues)
    {
        if (field.UnexpectedLabel(header.Text) is not { } label)
        {
            return;
        }

        var args = Args(definition, field);
        var other = definition.Fields.FirstOrDefault(f => f != field
            && (string.Equals(f.Label, label, StringComparison.Ordinal) || string.Equals(f.Key, label, StringComparison.OrdinalIgnoreCase)));
        if (other is null)
        {
            issues.Add(RuleCatalogue.HeaderLabel.Issue(header.Location, definition.Key, field.Key, header.Text, args));
            return;
        }

        args["other_label"] = other.Label;
        args["other_field"] = other.Key;
        issues.Add(RuleCatalogue.HeaderContradiction.Issue(header.Location, definition.Key, field.Key, header.Text, args));
    }

    private static int? IndexOf(IReadOnlyList<RawCell> headers, FieldDefinition column)
    {
        for (var i = 0; i < headers.Count; i++)
        {
            if (column.IsNamedBy(headers[i].Text))
            {
                return i;
            }
        }

        return null;
    }

    private static ParsedCell Read(SectionDefinition section, FieldDefinition field, string? text, SourceLocation location, bool columnPresent, List<ValidationIssue> issues)
    {
        var reading = CellParser.Read(field, text);
        var parsed = new ParsedCell(field, text, location, reading, columnPresent);
        if (!HeaderFields.Contains(field))
        {
            var issue = CellIssue(section, parsed);
            if (issue is not null)
            {
                issues.Add(issue);
            }
        }

        return parsed;
    }

    private static ValidationIssue? CellIssue(SectionDefinition section, ParsedCell cell)
    {
        var field = cell.Field;
        var args = Args(section, field);
        switch (cell.Reading.Status)
        {
            case CellStatus.Blank when field.Required:
                return RuleCatalogue.BlankRequired.Issue(cell.Location, section.Key, field.Key, cell.RawText, args);
            case CellStatus.TooLong:
                args["length"] = (CellParser.Clean(cell.RawText)?.Length ?? 0).ToString(CultureInfo.InvariantCulture);
                args["limit"] = (field.Kind == FieldKind.Code ? CellParser.MaxCodeLength : CellParser.MaxTextLength).ToString(CultureInfo.InvariantCulture);
                return RuleCatalogue.TextTooLong.Issue(cell.Location, section.Key, field.Key, cell.RawText, args);
            case CellStatus.Invalid:
                if (field.Enum is not null)
                {
                    args["allowed"] = string.Join("、", field.Enum.Values.Select(v => v.Label));
                    args["allowed_en"] = string.Join(", ", field.Enum.Values.Select(v => $"{v.Key} {v.Label}"));
                }

                return InvalidRule(field.Kind)?.Issue(cell.Location, section.Key, field.Key, cell.RawText, args);
            default:
                return null;
        }
    }

    /// <summary>The rule a value that is not of its field's kind breaks.</summary>
    private static ValidationRule? InvalidRule(FieldKind kind) => kind switch
    {
        FieldKind.Count => RuleCatalogue.NotCount,
        FieldKind.Hours => RuleCatalogue.BadHours,
        FieldKind.Money => RuleCatalogue.BadMoney,
        FieldKind.Enum => RuleCatalogue.UnknownEnum,
        FieldKind.Period => RuleCatalogue.PeriodMalformed,
        _ => null,
    };
}
