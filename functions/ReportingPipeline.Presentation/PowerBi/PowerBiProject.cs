using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

using ReportingPipeline.Core.Marts;
using ReportingPipeline.Core.Reference;

namespace ReportingPipeline.Presentation.PowerBi;

/// <summary>
/// Every file of the <c>powerbi/</c> folder, generated from <see cref="MartTables"/> so the Power BI files cannot
/// drift from the marts: the Power Query scripts, the Power BI Project (TMDL semantic model and PBIR report), the
/// measures as a DAX query and the analysts' README. <c>pipeline powerbi -o powerbi</c> writes them.
/// </summary>
public static class PowerBiProject
{
    public const string Name = "ReportingPipeline";

    public const string SemanticModelFolder = Name + ".SemanticModel";

    public const string ReportFolder = Name + ".Report";

    /// <summary>The folders whose every file is generated: a file there that <see cref="Files"/> does not name is stale.</summary>
    public static readonly IReadOnlyList<string> GeneratedFolders =
        ["queries/", SemanticModelFolder + "/definition/", ReportFolder + "/definition/"];

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        IndentSize = 2,
        NewLine = "\n",
        // Chinese page names and titles stay readable in the files.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The files, by path relative to the <c>powerbi/</c> folder ('/'-separated), in path order. Text is UTF-8, LF line ends.</summary>
    /// <param name="reference">When given, a row-level security role per city and district of its hierarchy (<see cref="PowerBiRoles"/>).</param>
    public static IReadOnlyDictionary<string, string> Files(ReferenceData? reference = null)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [".gitignore"] = "# Power BI Desktop's local state: per user and machine, never committed.\n**/.pbi/localSettings.json\n**/.pbi/cache.abf\n",
            ["README.md"] = PowerBiReadme.Text(),
            ["measures.dax"] = MeasuresDax(),
            [Name + ".pbip"] = Serialize(new JsonObject
            {
                ["$schema"] = "https://developer.microsoft.com/json-schemas/fabric/pbip/pbipProperties/1.0.0/schema.json",
                ["version"] = "1.0",
                ["artifacts"] = new JsonArray(new JsonObject { ["report"] = new JsonObject { ["path"] = ReportFolder } }),
                ["settings"] = new JsonObject { ["enableAutoRecovery"] = true },
            }),
            [SemanticModelFolder + "/.platform"] = Platform("SemanticModel"),
            [SemanticModelFolder + "/definition.pbism"] = Serialize(new JsonObject
            {
                ["$schema"] = "https://developer.microsoft.com/json-schemas/fabric/item/semanticModel/definitionProperties/1.0.0/schema.json",
                // 4.0 and later: the model is the TMDL definition/ folder, not model.bim.
                ["version"] = "4.2",
                ["settings"] = new JsonObject(),
            }),
            [SemanticModelFolder + "/definition/database.tmdl"] = TmdlWriter.Database(),
            [SemanticModelFolder + "/definition/model.tmdl"] = TmdlWriter.Model(),
            [SemanticModelFolder + "/definition/expressions.tmdl"] = TmdlWriter.Expressions(),
            [SemanticModelFolder + "/definition/relationships.tmdl"] = TmdlWriter.Relationships(),
            [ReportFolder + "/.platform"] = Platform("Report"),
            [ReportFolder + "/definition.pbir"] = Serialize(new JsonObject
            {
                ["$schema"] = "https://developer.microsoft.com/json-schemas/fabric/item/report/definitionProperties/2.0.0/schema.json",
                ["version"] = "4.0",
                ["datasetReference"] = new JsonObject { ["byPath"] = new JsonObject { ["path"] = "../" + SemanticModelFolder } },
            }),
            [ReportFolder + "/definition/version.json"] = Serialize(PowerBiReport.Version()),
            [ReportFolder + "/definition/report.json"] = Serialize(PowerBiReport.Report()),
            [ReportFolder + "/definition/pages/pages.json"] = Serialize(PowerBiReport.PagesMetadata()),
        };
        files["queries/_shared.pq"] = string.Join("\n", PowerQueryScripts.SharedQueries.Select(q => $"// {q.Name}: {q.Description}\n{q.M}\n"));
        foreach (var table in PowerBiModel.Tables)
        {
            files[$"queries/{table.Name}.pq"] = PowerQueryScripts.For(table);
            files[$"{SemanticModelFolder}/definition/tables/{table.Name}.tmdl"] = TmdlWriter.Table(table);
        }

        foreach (var role in reference is null ? [] : PowerBiRoles.For(reference))
        {
            files[$"{SemanticModelFolder}/definition/{role.FileName}"] = PowerBiRoles.Tmdl(role);
        }

        foreach (var page in PowerBiReport.Pages)
        {
            var folder = $"{ReportFolder}/definition/pages/{page.Name}";
            files[folder + "/page.json"] = Serialize(PowerBiReport.Page(page));
            for (var i = 0; i < page.Visuals.Count; i++)
            {
                files[$"{folder}/visuals/{page.Visuals[i].Name}/visual.json"] = Serialize(PowerBiReport.Visual(page.Visuals[i], i));
            }
        }

        return files;
    }

    /// <summary>The measures as one DAX query: paste into DAX query view to try them, or copy a definition into a model.</summary>
    public static string MeasuresDax()
    {
        var text = new StringBuilder()
            .Append("// The measures of the ReportingPipeline model, generated from PowerBiMeasures by `pipeline powerbi`.\n")
            .Append("// Run in Power BI Desktop's DAX query view to see them by month, or copy a MEASURE into a model:\n")
            .Append("// each line `MEASURE table[name] = expression` becomes a measure `name` on `table`.\n")
            .Append("DEFINE\n");
        foreach (var folder in PowerBiMeasures.All.GroupBy(m => m.Folder))
        {
            text.Append("\n    // ").Append(folder.Key).Append('\n');
            foreach (var measure in folder)
            {
                text.Append("    // ").Append(measure.Description).Append(" Format: ").Append(measure.FormatString).Append('\n')
                    .Append("    MEASURE ").Append(measure.Table.Name).Append('[').Append(measure.Name).Append("] =");
                var lines = measure.Expression.Split('\n');
                if (lines.Length == 1)
                {
                    text.Append(' ').Append(lines[0]).Append('\n');
                }
                else
                {
                    text.Append('\n');
                    foreach (var line in lines)
                    {
                        text.Append("        ").Append(line).Append('\n');
                    }
                }
            }
        }

        var label = PowerBiMeasures.Col(MartTables.DimPeriod, "label");
        text.Append("\nEVALUATE\n    SUMMARIZECOLUMNS(\n        ").Append(label);
        foreach (var measure in PowerBiMeasures.All.Where(m => m.Folder.StartsWith('1')))
        {
            text.Append(",\n        \"").Append(measure.Name).Append("\", [").Append(measure.Name).Append(']');
        }

        text.Append("\n    )\nORDER BY ").Append(label).Append('\n');
        return text.ToString();
    }

    private static string Platform(string type) => Serialize(new JsonObject
    {
        ["$schema"] = "https://developer.microsoft.com/json-schemas/fabric/gitIntegration/platformProperties/2.0.0/schema.json",
        ["metadata"] = new JsonObject { ["type"] = type, ["displayName"] = Name },
        ["config"] = new JsonObject { ["version"] = "2.0", ["logicalId"] = PowerBiModel.StableId("platform/" + type).ToString() },
    });

    private static string Serialize(JsonObject json) => json.ToJsonString(Json) + "\n";
}
