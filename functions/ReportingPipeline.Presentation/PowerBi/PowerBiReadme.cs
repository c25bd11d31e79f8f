using System.Globalization;
using System.Text;

using ReportingPipeline.Core.Marts;

namespace ReportingPipeline.Presentation.PowerBi;

/// <summary>The analysts' README of <c>powerbi/</c>: its tables of tables, relationships and measures are written from the declarations.</summary>
public static class PowerBiReadme
{
    public static string Text()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"""
            # Power BI: the Double Hundred (双百工程) reporting marts

            Everything here is generated from the mart declarations (`MartTables`) by

            ```bash
            dotnet run --project functions/ReportingPipeline.Cli -- powerbi -o powerbi
            ```

            so it always matches the Parquet files the pipeline writes. Do not edit the files by hand: change the
            declarations (or `functions/ReportingPipeline.Presentation/PowerBi/`) and regenerate; a test fails when the
            committed files differ from what the generator writes.

            | path | what it is |
            |---|---|
            | `{PowerBiProject.Name}.pbip` | the Power BI Project: open it in Power BI Desktop |
            | `{PowerBiProject.SemanticModelFolder}/` | the semantic model in TMDL: tables, column types, relationships, region hierarchy, measures |
            | `{PowerBiProject.ReportFolder}/` | the report in PBIR: one page per question |
            | `queries/*.pq` | the Power Query (M) query of each mart table, to paste into any .pbix |
            | `measures.dax` | every measure as a DAX query |

            ## Open the project

            1. Install Power BI Desktop (a recent release; in older ones turn on *File › Options › Preview features ›
               Power BI Project (.pbip) save option*, *Store semantic model using TMDL format* and *Store reports using
               enhanced metadata format (PBIR)*).
            2. Open `{PowerBiProject.Name}.pbip`.
            3. Set the parameter **{PowerQueryScripts.StorageAccountUrlParameter}**: *Home › Transform data › Edit parameters*. It is the Data
               Lake endpoint of the storage account, e.g. `https://<account>.dfs.core.windows.net` (the deployment
               prints it: `martsUrl` without the trailing `/marts`). The placeholder is `{TmdlWriter.ExampleStorageAccountUrl}`.
            4. *Refresh*. When asked for credentials choose *Organizational account* and sign in: analysts' Entra ID
               group has read access to the `marts` container and nothing else.

            Each query reads every `.parquet` file under `marts/<table>/` (facts have one folder per month,
            `period=YYYY-MM/`), so a refresh picks up new and rebuilt months without changes here. The pipeline replaces
            files atomically and writes `marts/_manifest.json` last, so a refresh never sees a half-written table.

            ## Tables

            | table | one row per | what it holds |
            |---|---|---|

            """);
        foreach (var table in MartTables.All)
        {
            text.Append(CultureInfo.InvariantCulture, $"| `{table.Name}` | {table.Grain} | {table.Description} |\n");
        }

        text.Append("""

            Column types are set explicitly in every query: counts are whole numbers (`Int64.Type`), money is fixed
            decimal (`Currency.Type`, yuan to the fen), months and dates are dates, upload times are UTC
            (`datetimezone`), codes are text (codes keep their leading digits), ratios are decimal numbers.

            ## Relationships

            | from (many) | to (one) | filter direction |
            |---|---|---|

            """);
        foreach (var r in PowerBiModel.Relationships)
        {
            text.Append(CultureInfo.InvariantCulture, $"| `{r.From.Name}[{r.FromColumn}]` | `{r.To.Name}[{r.ToColumn}]` | {(r.BothDirections ? "both" : "single")} |\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"""

            `dim_region` carries the hierarchy **{PowerBiModel.RegionHierarchy}**: {string.Join(" › ", PowerBiModel.RegionLevels.Select(l => $"{l.Name} (`{l.Column}`)"))}.
            Because `dim_region` filters `dim_station` (one station per town), the hierarchy slices the station-level
            facts too. `dim_period` is the date table (one row per month, key `date`); `label_zh` sorts by `period_key`.
            `agg_region_month` holds the pipeline's own rollups at every level (filter `level` before adding anything
            up: the same stations appear once per level).

            ## Measures

            Ratios divide a summed numerator by a summed denominator; they are never averages of ratios, the same rule
            `agg_region_month` follows. Month-on-month and year-to-date measures use the latest month in the selection.

            | folder | measure | on | format | meaning |
            |---|---|---|---|---|

            """);
        foreach (var m in PowerBiMeasures.All)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {m.Folder} | {m.Name} | `{m.Table.Name}` | `{m.FormatString}` | {m.Description} |\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"""

            ## Report pages

            | page | visuals |
            |---|---|

            """);
        foreach (var page in PowerBiReport.Pages)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {page.DisplayName} | {string.Join("; ", page.Visuals.Select(v => v.Title))} |\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"""

            ## Without the project: paste the queries into a .pbix

            1. *Home › Transform data* opens Power Query. *Manage parameters › New parameter*: name
               `{PowerQueryScripts.StorageAccountUrlParameter}`, type *Text*, current value your account's Data Lake endpoint.
            2. For each file in `queries/`: *New source › Blank query*, *Advanced editor*, paste the file, and name the
               query after the file (`fct_visits.pq` becomes `fct_visits`). *Close & apply*.
            3. In the model view, create the relationships listed above (many-to-one; `dim_region` → `dim_station` with
               cross-filter direction *Both*), mark `dim_period` as date table on `date`, and build the hierarchy.
            4. Add the measures: each `MEASURE table[name] = expression` in `measures.dax` is a *New measure* on `table`.
               `measures.dax` also runs as it is in *DAX query view*, listing the reporting measures by month.
            """);
        return text.ToString();
    }
}
