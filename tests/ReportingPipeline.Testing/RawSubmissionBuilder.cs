using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Reading;
using ReportingPipeline.Core.Validation;

namespace ReportingPipeline.Testing;

/// <summary>
/// Builds <see cref="RawSubmission"/> values as a reader would produce them from the template: one sheet per
/// section named as the template names it, a header row (row 1) and data rows from row 2, column letters.
/// Starts from a complete, valid month for <see cref="TestReference"/>'s station and changes it cell by cell.
/// </summary>
public sealed class RawSubmissionBuilder
{
    private readonly Dictionary<string, SheetDraft> _sheets = new(StringComparer.Ordinal);
    private readonly List<ValidationIssue> _issues = [];

    private RawSubmissionBuilder()
    {
    }

    /// <summary>No sections at all.</summary>
    public static RawSubmissionBuilder Empty() => new();

    /// <summary>
    /// A valid month: every station field; one visit row per village; an elderly service row per village; one
    /// hotline whose support kinds add up; province and city funds. Headers as the template writes them.
    /// </summary>
    public static RawSubmissionBuilder Valid(string stationCode = TestReference.StationCode, string period = "2026-09")
    {
        var builder = new RawSubmissionBuilder();
        builder.KeyValue(SubmissionContract.Station,
            ("station_code", stationCode), ("period", period), ("prepared_by", "陈社工"), ("social_workers", "6"),
            ("certified_workers", "4"), ("volunteers", "30"), ("volunteer_hours", "120.5"));
        builder.Section("visits", Headers(SubmissionContract.Visits),
            [.. TestReference.Villages.Select((v, i) => new[] { v, $"{40 + i}", $"{10 + i}", "2", "1" })]);
        builder.Section("services", Headers(SubmissionContract.Services),
            [.. TestReference.Villages.Select(v => new[] { v, "elderly", "3", "1", "2", "60" })]);
        builder.Section("hotline", Headers(SubmissionContract.Hotline),
            ["HL-01", "30", "45", "40", "35", "10", "12", "15", "3"]);
        builder.Section("funds", Headers(SubmissionContract.Funds),
            ["province", "10000.00", "8000.50", "0"],
            ["city", "5000", "5000", "1200.5"]);
        return builder;
    }

    /// <summary>The template headers of a section: <c>走访居民人次 (resident_visits)</c>.</summary>
    public static string[] Headers(SectionDefinition section) => [.. section.Fields.Select(f => f.TemplateHeader)];

    /// <summary>Replaces (or adds) a rows section with these headers and rows.</summary>
    public RawSubmissionBuilder Section(string sectionKey, IReadOnlyList<string> headers, params string?[][] rows)
    {
        var definition = SectionOf(sectionKey);
        _sheets[definition.Key] = new SheetDraft(definition, definition.TemplateSheetName, [.. headers], [.. rows.Select(r => r.ToList())]);
        return this;
    }

    /// <summary>Replaces (or adds) the key-value <c>station</c> section with these field/value rows (field by key).</summary>
    public RawSubmissionBuilder KeyValue(SectionDefinition section, params (string Field, string? Value)[] rows)
    {
        _sheets[section.Key] = new SheetDraft(section, section.TemplateSheetName,
            [SubmissionContract.KeyValueFieldColumn.TemplateHeader, SubmissionContract.KeyValueValueColumn.TemplateHeader],
            [.. rows.Select(r => new List<string?> { section.Fields.FirstOrDefault(f => f.Key == r.Field)?.TemplateHeader ?? r.Field, r.Value })]);
        return this;
    }

    /// <summary>Sets a field of the <c>station</c> section (adds the row when absent); null leaves the value cell out.</summary>
    public RawSubmissionBuilder Station(string fieldKey, string? value)
    {
        var sheet = _sheets[SubmissionContract.Station.Key];
        var field = SubmissionContract.Station[fieldKey];
        var row = sheet.Rows.FirstOrDefault(r => r.Count > 0 && r[0] is { } name && field.IsNamedBy(name));
        if (row is null)
        {
            sheet.Rows.Add([field.TemplateHeader, value]);
        }
        else
        {
            row[1] = value;
        }

        return this;
    }

    /// <summary>Removes a field's row from the <c>station</c> section.</summary>
    public RawSubmissionBuilder WithoutStationField(string fieldKey)
    {
        var field = SubmissionContract.Station[fieldKey];
        _sheets[SubmissionContract.Station.Key].Rows.RemoveAll(r => r.Count > 0 && r[0] is { } name && field.IsNamedBy(name));
        return this;
    }

    /// <summary>Sets a cell of a rows section: data row <paramref name="rowIndex"/> (0-based), the column named by <paramref name="fieldKey"/>.</summary>
    public RawSubmissionBuilder Cell(string sectionKey, int rowIndex, string fieldKey, string? value)
    {
        var sheet = Sheet(sectionKey);
        var column = sheet.ColumnOf(fieldKey);
        var row = sheet.Rows[rowIndex];
        while (row.Count <= column)
        {
            row.Add(null);
        }

        row[column] = value;
        return this;
    }

    /// <summary>Sets the same column in every data row.</summary>
    public RawSubmissionBuilder Column(string sectionKey, string fieldKey, string? value)
    {
        for (var i = 0; i < Sheet(sectionKey).Rows.Count; i++)
        {
            Cell(sectionKey, i, fieldKey, value);
        }

        return this;
    }

    /// <summary>Appends a data row (cells in header order).</summary>
    public RawSubmissionBuilder AddRow(string sectionKey, params string?[] cells)
    {
        Sheet(sectionKey).Rows.Add([.. cells]);
        return this;
    }

    /// <summary>Appends a copy of data row <paramref name="rowIndex"/>.</summary>
    public RawSubmissionBuilder CopyRow(string sectionKey, int rowIndex)
    {
        var sheet = Sheet(sectionKey);
        sheet.Rows.Add([.. sheet.Rows[rowIndex]]);
        return this;
    }

    /// <summary>Removes data row <paramref name="rowIndex"/>.</summary>
    public RawSubmissionBuilder RemoveRow(string sectionKey, int rowIndex)
    {
        Sheet(sectionKey).Rows.RemoveAt(rowIndex);
        return this;
    }

    /// <summary>Removes every data row, keeping the header.</summary>
    public RawSubmissionBuilder ClearRows(string sectionKey)
    {
        Sheet(sectionKey).Rows.Clear();
        return this;
    }

    /// <summary>Removes a column (header and cells).</summary>
    public RawSubmissionBuilder RemoveColumn(string sectionKey, string fieldKey)
    {
        var sheet = Sheet(sectionKey);
        var column = sheet.ColumnOf(fieldKey);
        sheet.Headers.RemoveAt(column);
        foreach (var row in sheet.Rows.Where(r => r.Count > column))
        {
            row.RemoveAt(column);
        }

        return this;
    }

    /// <summary>Appends a column with this header, every data row holding <paramref name="value"/>.</summary>
    public RawSubmissionBuilder AddColumn(string sectionKey, string header, string? value)
    {
        var sheet = Sheet(sectionKey);
        var width = sheet.Headers.Count;
        sheet.Headers.Add(header);
        foreach (var row in sheet.Rows)
        {
            while (row.Count < width)
            {
                row.Add(null);
            }

            row.Add(value);
        }

        return this;
    }

    /// <summary>Renames the header of a column.</summary>
    public RawSubmissionBuilder Header(string sectionKey, string fieldKey, string header)
    {
        var sheet = Sheet(sectionKey);
        sheet.Headers[sheet.ColumnOf(fieldKey)] = header;
        return this;
    }

    /// <summary>Drops a section (its sheet is absent from the file).</summary>
    public RawSubmissionBuilder Without(string sectionKey)
    {
        _sheets.Remove(SectionOf(sectionKey).Key);
        return this;
    }

    /// <summary>Adds an issue the reader met (a file-level problem, an unknown sheet).</summary>
    public RawSubmissionBuilder WithIssue(ValidationIssue issue)
    {
        _issues.Add(issue);
        return this;
    }

    public RawSubmission Build(SubmissionFormat format = SubmissionFormat.Xlsx) =>
        new(format, [.. SubmissionContract.Sections.Where(s => _sheets.ContainsKey(s.Key)).Select(s => _sheets[s.Key].ToRaw())], [.. _issues]);

    private SheetDraft Sheet(string sectionKey) => _sheets[SectionOf(sectionKey).Key];

    private static SectionDefinition SectionOf(string key) =>
        SubmissionContract.FindSection(key) ?? throw new ArgumentException($"No section {key}.", nameof(key));

    private sealed record SheetDraft(SectionDefinition Definition, string SourceName, List<string> Headers, List<List<string?>> Rows)
    {
        public int ColumnOf(string fieldKey)
        {
            var field = Definition.Fields.FirstOrDefault(f => f.Key == fieldKey);
            var index = Headers.FindIndex(h => field is null ? h == fieldKey : field.IsNamedBy(h));
            return index >= 0 ? index : throw new ArgumentException($"Section {Definition.Key} has no column {fieldKey}.", nameof(fieldKey));
        }

        public RawSection ToRaw()
        {
            var headers = Headers.Select((h, i) => new RawCell(h, new SourceLocation(SourceName, 1, SourceLocation.ColumnLetter(i)))).ToList();
            var rows = Rows.Select((cells, r) => new RawRow(r + 2, [.. cells.Select((text, c) =>
                text is null ? null : new RawCell(text, new SourceLocation(SourceName, r + 2, SourceLocation.ColumnLetter(c))))])).ToList();
            return new RawSection(Definition, SourceName, headers, rows);
        }
    }
}
