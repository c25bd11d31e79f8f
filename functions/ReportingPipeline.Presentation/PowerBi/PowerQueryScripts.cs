using System.Text;

using ReportingPipeline.Core.Marts;

namespace ReportingPipeline.Presentation.PowerBi;

/// <summary>
/// The Power Query (M) that loads the mart tables from the <c>marts</c> container of an Azure Data Lake Storage Gen2
/// account. One shared source query (<see cref="SourceQuery"/>: one data source path, so one credential) lists the
/// container; <see cref="ManifestQuery"/> reads <c>_manifest.json</c>; each table reads exactly the files the manifest
/// lists for it (never a file of a build that died before its manifest, nor a partition a newer build dropped), facts
/// only the months between <c>RangeStart</c> and <c>RangeEnd</c> (incremental refresh by month folder). Columns are
/// selected by their declaration in <see cref="MartTables"/> and a missing one is an error, never silent nulls; upload
/// and deadline times are converted explicitly from UTC to Beijing time (UTC+8).
/// </summary>
public static class PowerQueryScripts
{
    /// <summary>The text parameter holding the account's Data Lake endpoint, e.g. https://account.dfs.core.windows.net.</summary>
    public const string StorageAccountUrlParameter = "StorageAccountUrl";

    /// <summary>Incremental refresh's parameters (Power BI sets them per partition); named as the service requires.</summary>
    public const string RangeStartParameter = "RangeStart";

    public const string RangeEndParameter = "RangeEnd";

    /// <summary>The shared query listing every file of the <c>marts</c> container, with its path inside it.</summary>
    public const string SourceQuery = "MartsFiles";

    /// <summary>The query reading <c>_manifest.json</c> from <see cref="SourceQuery"/>.</summary>
    public const string ManifestQuery = "MartsManifest";

    /// <summary>The hours Beijing time is ahead of UTC (China has no daylight saving time).</summary>
    public const int BeijingOffsetHours = 8;

    /// <summary>Queries not loaded as tables, in dependency order, with their M.</summary>
    public static IReadOnlyList<(string Name, string Description, string M)> SharedQueries { get; } =
    [
        (SourceQuery, "Every file of the marts container (one data source path: one credential), with its path inside the container.", string.Join('\n',
            "let",
            $"    Source = AzureStorage.DataLake(Text.TrimEnd({StorageAccountUrlParameter}, \"/\") & \"/marts\", [HierarchicalNavigation = false]),",
            "    WithPath = Table.AddColumn(Source, \"Path\", each Text.AfterDelimiter([Folder Path] & [Name], \"/marts/\"), type text)",
            "in",
            "    WithPath")),
        (ManifestQuery, "_manifest.json of the last build: the files of every table, as that build wrote them.", string.Join('\n',
            "let",
            $"    Row = Table.SelectRows({SourceQuery}, each [Path] = \"{MartManifest.BlobName}\"),",
            "    Manifest = if Table.RowCount(Row) = 1 then Json.Document(Row{0}[Content]) else error \"marts/_manifest.json not found: no build has finished yet.\"",
            "in",
            "    Manifest")),
    ];

    public static string For(MartTable table)
    {
        var columns = string.Join(", ", table.Columns.Select(c => Quote(c.Name)));
        var types = string.Join(",\n        ", table.Columns.Select(c => $"{{{Quote(c.Name)}, {PowerBiColumnType.Of(c.Type).MType}}}"));
        var empty = string.Join(", ", table.Columns.Select(c => $"{Identifier(c.Name)} = {PowerBiColumnType.Of(c.Type).MType.Replace("type ", "", StringComparison.Ordinal)}"));
        var timestamps = table.Columns.Where(c => c.Type == MartColumnType.Timestamp).ToList();
        var text = new StringBuilder()
            .Append("// ").Append(table.Name).Append(": ").Append(table.Description).Append('\n')
            .Append("// One row per ").Append(table.Grain).Append(". Generated from MartTables by `pipeline powerbi`: do not edit by hand.\n")
            .Append("let\n")
            .Append("    Listed = List.Single(List.Select(").Append(ManifestQuery).Append("[tables], each [name] = \"").Append(table.Name).Append("\"))[files],\n");
        if (table.IsPartitioned)
        {
            // Incremental refresh: only the month folders of the partition being refreshed.
            text.Append("    InRange = List.Select(Listed, each let month = #datetime(Number.From(Text.Start([period], 4)), Number.From(Text.End([period], 2)), 1, 0, 0, 0) in ")
                .Append("month >= ").Append(RangeStartParameter).Append(" and month < ").Append(RangeEndParameter).Append("),\n");
        }
        else
        {
            text.Append("    InRange = Listed,\n");
        }

        text.Append("    Names = List.Transform(InRange, each [name]),\n")
            .Append("    Bytes = Record.FromList(List.Transform(InRange, each [bytes]), Names),\n")
            // A listed file that is gone was dropped by a newer build (whose manifest no longer lists it): skipped, not an error.
            .Append("    Files = Table.SelectRows(").Append(SourceQuery).Append(", each List.Contains(Names, [Path])),\n")
            // A file rewritten by a newer build since the manifest was read would mix two builds: fail, the next refresh reads the new manifest.
            // Caught by its size, or by a write time later than the manifest's (every build writes its manifest last).
            .Append("    ManifestWritten = Table.SelectRows(").Append(SourceQuery).Append(", each [Path] = \"").Append(MartManifest.BlobName).Append("\"){0}[Date modified],\n")
            .Append("    Checked = Table.AddColumn(Files, \"Checked\", each if [Attributes][Size] = Record.Field(Bytes, [Path]) and [Date modified] <= ManifestWritten then [Content] ")
            .Append("else error \"marts/\" & [Path] & \" changed during the refresh (a build finished meanwhile): refresh again.\"),\n")
            .Append("    Parts = List.Transform(Checked[Checked], Parquet.Document),\n")
            .Append("    Empty = #table(type table [").Append(empty).Append("], {}),\n")
            .Append("    Combined = if List.IsEmpty(Parts) then Empty else Table.Combine(Parts),\n")
            // A column renamed or dropped in the marts is an error here, never a column of silent nulls.
            .Append("    Selected = Table.SelectColumns(Combined, {").Append(columns).Append("}, MissingField.Error),\n");
        var last = "Selected";
        if (timestamps.Count > 0)
        {
            text.Append("    // The Parquet timestamps are UTC instants; shown in Beijing time, converted here rather than by the refreshing machine's clock.\n")
                .Append("    Beijing = (t) => if t = null then null else DateTimeZone.RemoveZone(DateTimeZone.SwitchZone(")
                .Append("if Value.Is(t, type datetimezone) then t else DateTime.AddZone(t, 0), ").Append(BeijingOffsetHours).Append(")),\n")
                .Append("    InBeijingTime = Table.TransformColumns(Selected, {")
                .Append(string.Join(", ", timestamps.Select(c => $"{{{Quote(c.Name)}, Beijing, type datetime}}")))
                .Append("}),\n");
            last = "InBeijingTime";
        }

        text.Append("    Typed = Table.TransformColumnTypes(").Append(last).Append(", {\n        ").Append(types).Append("\n    })\n")
            .Append("in\n")
            .Append("    Typed\n");
        return text.ToString();
    }

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    // Always quoted: a column may be named like an M keyword (section, type).
    private static string Identifier(string name) => "#" + Quote(name);
}
