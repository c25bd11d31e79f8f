using ReportingPipeline.Core.Contract;

namespace ReportingPipeline.Core.Marts;

/// <summary>The Parquet types a mart column can have (what Power BI and DuckDB see).</summary>
public enum MartColumnType
{
    /// <summary>UTF-8 string (BYTE_ARRAY, STRING): codes, names, labels.</summary>
    String,

    /// <summary>BOOLEAN.</summary>
    Boolean,

    /// <summary>INT32: calendar parts (year, month, yyyymm), ordinals.</summary>
    Int32,

    /// <summary>INT64: every count.</summary>
    Int64,

    /// <summary>DECIMAL(18,2): yuan.</summary>
    Money,

    /// <summary>DECIMAL(18,1): volunteer hours.</summary>
    Hours,

    /// <summary>DOUBLE: ratios, computed from summed numerators and denominators.</summary>
    Ratio,

    /// <summary>DATE (INT32): months as their first day, and dates.</summary>
    Date,

    /// <summary>INT64 TIMESTAMP(isAdjustedToUTC = true, MICROS): never INT96.</summary>
    Timestamp,
}

/// <summary>One column of a mart table.</summary>
/// <param name="Field">The contract field the column carries, when it is one (its values come from that field).</param>
public sealed record MartColumn(string Name, MartColumnType Type, bool Nullable, string Description, FieldDefinition? Field = null);

/// <summary>How a table's files are laid out.</summary>
public enum MartLayout
{
    /// <summary>One file, <c>{table}/{table}.parquet</c>.</summary>
    Single,

    /// <summary>
    /// One folder per month, <c>{table}/month=YYYY-MM/</c>, holding one file per part of the month,
    /// <c>part-{region code}.parquet</c> (see <see cref="MartParts"/>: a city's stations, or a province's and its
    /// cities' rollups). The folder key (<c>month</c>) is not a column of the files, which carry the month as their
    /// <c>period</c> DATE column: a hive-style read of the table folder (DuckDB, Spark, DataFusion) then gets
    /// <c>period</c> as DATE from the files, with no clash between the two.
    /// </summary>
    ByPeriod,
}

/// <summary>A mart table, declared once: the writer, the manifest, the tests and the Power BI files read this.</summary>
public sealed record MartTable(string Name, string Grain, MartLayout Layout, string Description, IReadOnlyList<MartColumn> Columns)
{
    /// <summary>The hive-style key of a partition folder (<c>month=YYYY-MM</c>); never the name of a column.</summary>
    public const string PartitionKey = "month";

    public bool IsPartitioned => Layout == MartLayout.ByPeriod;

    public MartColumn this[string name] =>
        Columns.FirstOrDefault(c => c.Name == name) ?? throw new KeyNotFoundException($"Mart table {Name} has no column {name}.");

    public int IndexOf(string name)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (Columns[i].Name == name)
            {
                return i;
            }
        }

        throw new KeyNotFoundException($"Mart table {Name} has no column {name}.");
    }

    /// <summary>The blob name (in <c>marts</c>) of the file holding this table, or of part <paramref name="part"/> of its month <paramref name="period"/>.</summary>
    public string FileName(Period? period = null, string? part = null) => Layout switch
    {
        MartLayout.Single => $"{Name}/{Name}.parquet",
        _ => $"{Name}/{PartitionKey}={period ?? throw new ArgumentNullException(nameof(period), $"{Name} is partitioned by period.")}/"
            + $"part-{part ?? throw new ArgumentNullException(nameof(part), $"{Name}'s months are in parts.")}.parquet",
    };
}
