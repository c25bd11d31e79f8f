namespace ReportingPipeline.Core.Contract;

/// <summary>How a section is laid out.</summary>
public enum SectionShape
{
    /// <summary>Two columns, <c>field</c> and <c>value</c>, one row per field (the <c>station</c> section).</summary>
    KeyValue,

    /// <summary>A header row of fields and one row per record.</summary>
    Rows,
}

/// <summary>A section of the monthly submission: one sheet, one CSV, one JSON property.</summary>
public sealed record SectionDefinition(
    string Key,
    string Label,
    SectionShape Shape,
    IReadOnlyList<FieldDefinition> Fields,
    IReadOnlyList<string> KeyFields,
    bool MayBeEmpty,
    IReadOnlyList<FieldDefinition>? Annotations = null)
{
    /// <summary>
    /// Columns (or key-value rows) the template writes for people and the reader skips: the village's name
    /// beside its code, the station's name, the template version. Never data, never an unknown column.
    /// </summary>
    public IReadOnlyList<FieldDefinition> AnnotationColumns => Annotations ?? [];

    /// <summary>The annotation a header cell names, or null.</summary>
    public FieldDefinition? FindAnnotation(string header) => AnnotationColumns.FirstOrDefault(f => f.IsNamedBy(header));

    /// <summary>The field with this key; throws for a key the contract does not have (a bug, not bad input).</summary>
    public FieldDefinition this[string key] =>
        Fields.FirstOrDefault(f => f.Key == key) ?? throw new KeyNotFoundException($"Section {Key} has no field {key}.");

    /// <summary>The field a header cell names, or null for an unknown column.</summary>
    public FieldDefinition? FindField(string header) => Fields.FirstOrDefault(f => f.IsNamedBy(header));

    /// <summary>True when a sheet, CSV file or JSON property name names this section (by key or label).</summary>
    public bool IsNamedBy(string name)
    {
        var n = ContractText.NormalizeHeader(name);
        if (n.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            n = n[..^4];
        }

        return string.Equals(n, Key, StringComparison.OrdinalIgnoreCase)
            || string.Equals(n, Label, StringComparison.Ordinal)
            || (ContractText.SplitLabelAndKey(n) is { } parts && string.Equals(parts.Key, Key, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The sheet name the template uses.</summary>
    public string TemplateSheetName => $"{Label} ({Key})";

    /// <summary>The file name inside a zip submission.</summary>
    public string CsvFileName => $"{Key}.csv";
}
