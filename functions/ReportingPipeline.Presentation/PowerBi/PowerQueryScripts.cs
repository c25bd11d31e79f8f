using System.Text;

using ReportingPipeline.Core.Marts;

namespace ReportingPipeline.Presentation.PowerBi;

/// <summary>
/// The Power Query (M) query that loads one mart table from the <c>marts</c> container of an Azure Data Lake
/// Storage Gen2 account: every <c>.parquet</c> file under the table's folder (all its month partitions),
/// combined, with the columns and types of <see cref="MartTables"/>.
/// </summary>
public static class PowerQueryScripts
{
    /// <summary>The text parameter holding the account's Data Lake endpoint, e.g. https://account.dfs.core.windows.net.</summary>
    public const string StorageAccountUrlParameter = "StorageAccountUrl";

    public static string For(MartTable table)
    {
        var columns = string.Join(", ", table.Columns.Select(c => Quote(c.Name)));
        var types = string.Join(",\n        ", table.Columns.Select(c => $"{{{Quote(c.Name)}, {PowerBiColumnType.Of(c.Type).MType}}}"));
        var text = new StringBuilder()
            .Append("// ").Append(table.Name).Append(": ").Append(table.Description).Append('\n')
            .Append("// One row per ").Append(table.Grain).Append(". Generated from MartTables by `pipeline powerbi`: do not edit by hand.\n")
            .Append("let\n")
            .Append("    Source = AzureStorage.DataLake(Text.TrimEnd(").Append(StorageAccountUrlParameter).Append(", \"/\") & \"/marts/")
            .Append(table.Name).Append("\", [HierarchicalNavigation = false]),\n")
            .Append("    ParquetFiles = Table.SelectRows(Source, each Text.Lower([Extension]) = \".parquet\"),\n")
            .Append("    Parts = List.Transform(ParquetFiles[Content], Parquet.Document),\n")
            // Selecting the declared columns keeps the table's shape even before its first partition is written.
            .Append("    Combined = Table.SelectColumns(Table.Combine(Parts), {").Append(columns).Append("}, MissingField.UseNull),\n")
            .Append("    Typed = Table.TransformColumnTypes(Combined, {\n        ").Append(types).Append("\n    })\n")
            .Append("in\n")
            .Append("    Typed\n");
        return text.ToString();
    }

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
