namespace ReportingPipeline.Core.Contract;

/// <summary>How a field's cells are read and checked.</summary>
public enum FieldKind
{
    /// <summary>Free text (a name).</summary>
    Text,

    /// <summary>An identifier kept as a string: station, village and hotline codes.</summary>
    Code,

    /// <summary>A month, <c>YYYY-MM</c>.</summary>
    Period,

    /// <summary>A non-negative whole number.</summary>
    Count,

    /// <summary>A non-negative number with at most one decimal (volunteer hours).</summary>
    Hours,

    /// <summary>Yuan, non-negative, at most two decimals.</summary>
    Money,

    /// <summary>One of a fixed list of keys (or their Chinese labels).</summary>
    Enum,
}

/// <summary>One value of an enumerated field: its key and its Chinese label.</summary>
public sealed record EnumValue(string Key, string Label);

/// <summary>An enumerated field's allowed values.</summary>
public sealed record EnumDefinition(string Name, IReadOnlyList<EnumValue> Values)
{
    /// <summary>Finds a value by key or Chinese label, ignoring case and surrounding spaces.</summary>
    public EnumValue? Find(string text)
    {
        var trimmed = text.Trim();
        foreach (var value in Values)
        {
            if (string.Equals(value.Key, trimmed, StringComparison.OrdinalIgnoreCase)
                || string.Equals(value.Label, trimmed, StringComparison.Ordinal))
            {
                return value;
            }
        }

        return null;
    }
}

/// <summary>A field of a section: key (English, used in JSON and marts), Chinese label, kind.</summary>
public sealed record FieldDefinition(string Key, string Label, FieldKind Kind, bool Required = false, EnumDefinition? Enum = null)
{
    /// <summary>The header the template writes: <c>走访居民人次 (resident_visits)</c>.</summary>
    public string TemplateHeader => $"{Label} ({Key})";

    /// <summary>
    /// True when a header cell names this field: by key, by label, or as <c>any label (key)</c>, matched by the
    /// key in brackets whatever the label before it (an older template, a label someone retyped).
    /// </summary>
    public bool IsNamedBy(string header)
    {
        var h = ContractText.NormalizeHeader(header);
        return string.Equals(h, Key, StringComparison.OrdinalIgnoreCase)
            || string.Equals(h, Label, StringComparison.Ordinal)
            || (ContractText.SplitLabelAndKey(h) is { } parts && string.Equals(parts.Key, Key, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// The label written before the key when a header names this field as <c>label (key)</c> with a label other
    /// than the contract's (a retyped or older one), for the report to note; null for every other header.
    /// </summary>
    public string? UnexpectedLabel(string header) =>
        ContractText.SplitLabelAndKey(ContractText.NormalizeHeader(header)) is { } parts
        && string.Equals(parts.Key, Key, StringComparison.OrdinalIgnoreCase)
        && !string.Equals(parts.Label, Label, StringComparison.Ordinal)
            ? parts.Label
            : null;
}
