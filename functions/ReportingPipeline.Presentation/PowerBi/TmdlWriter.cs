using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

using ReportingPipeline.Core.Marts;

namespace ReportingPipeline.Presentation.PowerBi;

/// <summary>
/// Writes the semantic model as TMDL (Tabular Model Definition Language): one file per table under
/// <c>definition/tables/</c>, plus database, model, expressions (the StorageAccountUrl parameter) and relationships.
/// TMDL nests by tab indentation; descriptions are <c>///</c> lines above the object they describe.
/// </summary>
public static partial class TmdlWriter
{
    public const string DatabaseName = "ReportingPipeline";

    /// <summary>The example value of StorageAccountUrl; analysts replace it with their account's Data Lake endpoint.</summary>
    public const string ExampleStorageAccountUrl = "https://youraccount.dfs.core.windows.net";

    /// <summary>Months refreshed on each refresh (a correction older than this needs a full refresh).</summary>
    public const int IncrementalMonths = 12;

    /// <summary>Years of months kept.</summary>
    public const int RollingWindowYears = 10;

    public static string Database() => $"database {DatabaseName}\n\tcompatibilityLevel: 1567\n";

    public static string Model()
    {
        var text = new StringBuilder()
            .Append("model Model\n")
            .Append("\tculture: zh-CN\n")
            .Append("\tdefaultPowerBIDataSourceVersion: powerBI_V3\n")
            .Append("\tsourceQueryCulture: zh-CN\n")
            // Every figure is a declared measure: no implicit sums of fact columns (a stock summed over months, a ratio summed).
            .Append("\tdiscourageImplicitMeasures\n")
            .Append("\tdataAccessOptions\n")
            .Append("\t\tlegacyRedirects\n")
            .Append("\t\treturnErrorValuesAsNull\n\n")
            // The model brings its own date table (dim_period): no auto date/time tables.
            .Append("annotation __PBI_TimeIntelligenceEnabled = 0\n\n")
            .Append("annotation PBI_QueryOrder = [")
            .Append(string.Join(',', PowerBiModel.Tables.Select(t => t.Name).Prepend(PowerQueryScripts.ManifestQuery).Prepend(PowerQueryScripts.SourceQuery).Prepend(PowerQueryScripts.RangeEndParameter).Prepend(PowerQueryScripts.RangeStartParameter).Prepend(PowerQueryScripts.StorageAccountUrlParameter).Select(n => $"\"{n}\"")))
            .Append("]\n\n");
        foreach (var table in PowerBiModel.Tables)
        {
            text.Append("ref table ").Append(Name(table.Name)).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The first month incremental refresh's window starts from when Desktop evaluates the queries (the programme's start).</summary>
    public const string ExampleRangeStart = "#datetime(2020, 11, 1, 0, 0, 0)";

    public const string ExampleRangeEnd = "#datetime(2100, 1, 1, 0, 0, 0)";

    public static string Expressions()
    {
        var text = new StringBuilder()
            .Append("/// Data Lake Storage Gen2 endpoint of the storage account holding the marts container (no trailing path).\n")
            .Append(System.Globalization.CultureInfo.InvariantCulture, $"expression {PowerQueryScripts.StorageAccountUrlParameter} = \"{ExampleStorageAccountUrl}\" meta [IsParameterQuery=true, Type=\"Text\", IsParameterQueryRequired=true]\n")
            .Append(System.Globalization.CultureInfo.InvariantCulture, $"\tlineageTag: {PowerBiModel.StableId("expression/" + PowerQueryScripts.StorageAccountUrlParameter)}\n\n")
            .Append("\tannotation PBI_ResultType = Text\n\n");
        foreach (var (name, value) in new[] { (PowerQueryScripts.RangeStartParameter, ExampleRangeStart), (PowerQueryScripts.RangeEndParameter, ExampleRangeEnd) })
        {
            text.Append("/// Incremental refresh: the service sets it for each month partition it refreshes.\n")
                .Append(System.Globalization.CultureInfo.InvariantCulture, $"expression {name} = {value} meta [IsParameterQuery=true, Type=\"DateTime\", IsParameterQueryRequired=true]\n")
                .Append(System.Globalization.CultureInfo.InvariantCulture, $"\tlineageTag: {PowerBiModel.StableId("expression/" + name)}\n\n")
                .Append("\tannotation PBI_ResultType = DateTime\n\n");
        }

        foreach (var (name, description, m) in PowerQueryScripts.SharedQueries)
        {
            Description(text, 0, description);
            text.Append("expression ").Append(name).Append(" =\n");
            foreach (var line in m.Split('\n'))
            {
                text.Append("\t\t").Append(line).Append('\n');
            }

            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"\tlineageTag: {PowerBiModel.StableId("expression/" + name)}\n\n")
                .Append("\tannotation PBI_ResultType = ").Append(name == PowerQueryScripts.SourceQuery ? "Table" : "Record").Append("\n\n");
        }

        return text.ToString().TrimEnd('\n') + "\n";
    }

    public static string Relationships()
    {
        var text = new StringBuilder();
        foreach (var r in PowerBiModel.Relationships)
        {
            text.Append("relationship ").Append(PowerBiModel.StableId("relationship/" + r.Name)).Append('\n');
            if (r.BothDirections)
            {
                text.Append("\tcrossFilteringBehavior: bothDirections\n");
            }

            text.Append("\tfromColumn: ").Append(Name(r.From.Name)).Append('.').Append(Name(r.FromColumn)).Append('\n')
                .Append("\ttoColumn: ").Append(Name(r.To.Name)).Append('.').Append(Name(r.ToColumn)).Append("\n\n");
        }

        return text.ToString();
    }

    public static string Table(MartTable table)
    {
        var text = new StringBuilder();
        Description(text, 0, $"{table.Description} One row per {table.Grain}.");
        text.Append("table ").Append(Name(table.Name)).Append('\n')
            .Append("\tlineageTag: ").Append(PowerBiModel.StableId("table/" + table.Name)).Append('\n');
        // dim_period has one row per month, not the contiguous days a marked date table needs: it is not marked as one
        // (month-on-month and year-to-date are written against its own columns, not with time-intelligence functions).
        text.Append('\n');
        foreach (var measure in PowerBiMeasures.All.Where(m => m.Table == table))
        {
            Measure(text, measure);
        }

        PowerBiModel.Keys.TryGetValue(table, out var key);
        foreach (var column in table.Columns)
        {
            Column(text, table, column, isKey: column.Name == key);
        }

        if (table == MartTables.DimPeriod)
        {
            // The month slicers' field: the latest closed month always under one label, which the slicers save as their
            // selection, so the default view moves to each newly closed month by itself.
            var date = PowerBiMeasures.Col(table, "date");
            Description(text, 1, "Month as the slicers show it: the latest closed month is labelled as such (the slicers' default).");
            text.Append("\tcolumn ").Append(PowerBiReport.MonthChoiceColumn).Append(" = ")
                .Append(CultureInfo.InvariantCulture, $"IF({date} = CALCULATE(MAX({date}), REMOVEFILTERS({table.Name}), {PowerBiMeasures.Col(table, "closed")} = TRUE()), ")
                .Append(CultureInfo.InvariantCulture, $"\"{PowerBiReport.LatestClosedMonthLabel}\", {PowerBiMeasures.Col(table, "label_zh")})\n")
                .Append("\t\tdataType: string\n")
                .Append("\t\tlineageTag: ").Append(PowerBiModel.StableId($"column/{table.Name}/{PowerBiReport.MonthChoiceColumn}")).Append('\n')
                .Append("\t\tsummarizeBy: none\n")
                .Append("\t\tsortByColumn: ").Append(table["period_key"].Name).Append("\n\n")
                .Append("\t\tannotation SummarizationSetBy = Automatic\n\n");
        }

        if (table == MartTables.DimRegion)
        {
            text.Append("\thierarchy ").Append(Name(PowerBiModel.RegionHierarchy)).Append('\n')
                .Append("\t\tlineageTag: ").Append(PowerBiModel.StableId("hierarchy/" + PowerBiModel.RegionHierarchy)).Append("\n\n");
            foreach (var level in PowerBiModel.RegionLevels)
            {
                text.Append("\t\tlevel ").Append(Name(level.Name)).Append('\n')
                    .Append("\t\t\tlineageTag: ").Append(PowerBiModel.StableId($"hierarchy/{PowerBiModel.RegionHierarchy}/{level.Name}")).Append('\n')
                    .Append("\t\t\tcolumn: ").Append(Name(level.Column)).Append("\n\n");
            }
        }

        if (table.IsPartitioned)
        {
            // Incremental refresh by month: the last year's months are refreshed (late corrections included), older ones kept.
            text.Append("\trefreshPolicy\n")
                .Append("\t\tpolicyType: basic\n")
                .Append("\t\trollingWindowGranularity: year\n")
                .Append("\t\trollingWindowPeriods: ").Append(RollingWindowYears).Append('\n')
                .Append("\t\tincrementalGranularity: month\n")
                .Append("\t\tincrementalPeriods: ").Append(IncrementalMonths).Append('\n')
                .Append("\t\tsourceExpression =\n");
            foreach (var line in PowerQueryScripts.For(table).TrimEnd('\n').Split('\n'))
            {
                text.Append("\t\t\t\t").Append(line).Append('\n');
            }

            text.Append('\n');
        }

        text.Append("\tpartition ").Append(Name(table.Name)).Append(" = m\n")
            .Append("\t\tmode: import\n")
            .Append("\t\tsource =\n");
        foreach (var line in PowerQueryScripts.For(table).TrimEnd('\n').Split('\n'))
        {
            text.Append("\t\t\t\t").Append(line).Append('\n');
        }

        text.Append("\n\tannotation PBI_ResultType = Table\n");
        return text.ToString();
    }

    /// <summary>A TMDL object name, quoted unless it is a plain identifier.</summary>
    public static string Name(string name) =>
        PlainName().IsMatch(name) ? name : "'" + name.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static void Measure(StringBuilder text, PowerBiMeasure measure)
    {
        Description(text, 1, measure.Description);
        var lines = measure.Expression.Split('\n');
        text.Append("\tmeasure ").Append(Name(measure.Name)).Append(" =");
        if (lines.Length == 1)
        {
            text.Append(' ').Append(lines[0]).Append('\n');
        }
        else
        {
            text.Append('\n');
            foreach (var line in lines)
            {
                text.Append("\t\t\t").Append(line).Append('\n');
            }
        }

        text.Append("\t\tformatString: ").Append(measure.FormatString).Append('\n')
            .Append("\t\tdisplayFolder: ").Append(measure.Folder).Append('\n')
            .Append("\t\tlineageTag: ").Append(PowerBiModel.StableId($"measure/{measure.Table.Name}/{measure.Name}")).Append("\n\n");
    }

    private static void Column(StringBuilder text, MartTable table, MartColumn column, bool isKey)
    {
        var type = PowerBiColumnType.Of(column.Type);
        Description(text, 1, column.Type == MartColumnType.Timestamp
            ? column.Description.Replace("(UTC)", "", StringComparison.Ordinal).TrimEnd() + " Beijing time (UTC+8), converted from the UTC instant in the marts."
            : column.Description);
        text.Append("\tcolumn ").Append(Name(column.Name)).Append('\n')
            .Append("\t\tdataType: ").Append(type.DataType).Append('\n');
        if (isKey)
        {
            text.Append("\t\tisKey\n");
        }

        if (PowerBiModel.IsHidden(table, column.Name))
        {
            text.Append("\t\tisHidden\n");
        }

        if (type.FormatString is not null)
        {
            text.Append("\t\tformatString: ").Append(type.FormatString).Append('\n');
        }

        text.Append("\t\tlineageTag: ").Append(PowerBiModel.StableId($"column/{table.Name}/{column.Name}")).Append('\n')
            .Append("\t\tsummarizeBy: ").Append(type.SummarizeBy).Append('\n')
            .Append("\t\tsourceColumn: ").Append(column.Name).Append('\n');
        if (PowerBiModel.SortBy.TryGetValue((table, column.Name), out var sortBy))
        {
            text.Append("\t\tsortByColumn: ").Append(Name(sortBy)).Append('\n');
        }

        text.Append("\n\t\tannotation SummarizationSetBy = Automatic\n");
        if (column.Type == MartColumnType.Date)
        {
            text.Append("\n\t\tannotation UnderlyingDateTimeDataType = Date\n");
        }

        text.Append('\n');
    }

    private static void Description(StringBuilder text, int depth, string description)
    {
        foreach (var line in description.Split('\n'))
        {
            text.Append('\t', depth).Append("/// ").Append(line).Append('\n');
        }
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex PlainName();
}
