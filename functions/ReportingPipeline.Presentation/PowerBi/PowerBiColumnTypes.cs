using ReportingPipeline.Core.Marts;

namespace ReportingPipeline.Presentation.PowerBi;

/// <summary>How a mart column type appears in Power Query (M) and in the tabular model (TMDL).</summary>
/// <param name="MType">The type the M query sets on the column.</param>
/// <param name="DataType">The TMDL <c>dataType</c>.</param>
/// <param name="FormatString">The TMDL <c>formatString</c>, or null for none.</param>
/// <param name="SummarizeBy">The TMDL <c>summarizeBy</c>: counts and money add up, ratios and codes never do.</param>
public sealed record PowerBiColumnType(string MType, string DataType, string? FormatString, string SummarizeBy)
{
    /// <summary>The Power BI type of every mart column type.</summary>
    public static PowerBiColumnType Of(MartColumnType type) => type switch
    {
        MartColumnType.String => new("type text", "string", null, "none"),
        MartColumnType.Boolean => new("type logical", "boolean", null, "none"),
        // Calendar parts, versions and ordinals are labels, not quantities: summing them means nothing.
        MartColumnType.Int32 => new("Int64.Type", "int64", "0", "none"),
        MartColumnType.Int64 => new("Int64.Type", "int64", "#,0", "sum"),
        // Fixed decimal (Currency.Type / dataType decimal) keeps yuan exact to the fen, as DECIMAL(18,2) is.
        MartColumnType.Money => new("Currency.Type", "decimal", "#,0.00", "sum"),
        MartColumnType.Hours => new("Currency.Type", "decimal", "#,0.0", "sum"),
        MartColumnType.Ratio => new("type number", "double", "0.0%", "none"),
        MartColumnType.Date => new("type date", "dateTime", "yyyy-mm-dd", "none"),
        // The Parquet timestamps are UTC instants (isAdjustedToUTC). The model has no time-zone type: the queries convert
        // them explicitly to Beijing time (UTC+8) and load a plain datetime, whatever the refreshing machine's zone.
        MartColumnType.Timestamp => new("type datetime", "dateTime", "yyyy-mm-dd hh:nn:ss", "none"),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "No Power BI type for this mart column type."),
    };
}
