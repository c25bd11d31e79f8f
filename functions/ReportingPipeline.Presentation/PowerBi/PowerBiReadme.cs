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

            Everything here is generated from the mart declarations (`MartTables`) and the measure catalogue
            (`functions/ReportingPipeline.Presentation/Measures/MeasureCatalogue.cs`) by

            ```bash
            dotnet run --project functions/ReportingPipeline.Cli -- powerbi -o powerbi
            dotnet run --project functions/ReportingPipeline.Cli -- powerbi -o powerbi --reference sample-data/reference   # + RLS roles
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

            1. Install Power BI Desktop **June 2025 (2.144) or later**: the report is in the PBIR format with the schemas
               report 2.0.0, page 2.0.0 and visualContainer 2.1.0, which earlier releases (and releases that still need the
               *Store reports using enhanced metadata format (PBIR)* preview option) refuse. The model is TMDL
               (compatibility level 1567).
            2. Open `{PowerBiProject.Name}.pbip`.
            3. Set the parameter **{PowerQueryScripts.StorageAccountUrlParameter}**: *Home › Transform data › Edit parameters*. It is the Data
               Lake endpoint of the storage account, e.g. `https://<account>.dfs.core.windows.net` (the deployment
               prints it: `martsUrl` without the trailing `/marts`). The placeholder is `{TmdlWriter.ExampleStorageAccountUrl}`.
            4. *Refresh*. When asked for credentials choose *Organizational account* and sign in: analysts' Entra ID
               group has read access to the `marts` container and nothing else.

            One shared query, `{PowerQueryScripts.SourceQuery}`, lists the `marts` container (one data source path, so one
            credential); `{PowerQueryScripts.ManifestQuery}` reads `marts/_manifest.json`, and each table loads exactly the
            files that manifest lists for it: never a file of a build that died before writing its manifest, nor a month
            a newer build dropped (a listed file that is gone is skipped). A file whose size differs from the manifest's, or
            that was written after the manifest (every build writes its manifest last), was rewritten by a build that
            finished during the refresh: the refresh fails with a message saying so rather than mixing two builds;
            refresh again. (A file rewritten after the container was listed but before it was read is not caught: file
            names are fixed per month and part, so that a default glob read of a table folder never sees two builds' files.) Facts have one folder per month, split into parts by city (`month=YYYY-MM/part-4401.parquet`; the
            files carry the month as their `period` DATE column, so any engine's default hive-style read of a table folder
            gets `period` as a DATE). A column missing from a file is an error, never a column of silent nulls.

            **Incremental refresh.** The fact tables carry a refresh policy by month: each refresh reloads the last
            {TmdlWriter.IncrementalMonths} months (late corrections included) and keeps {TmdlWriter.RollingWindowYears} years; the queries filter the
            manifest's month folders on `{PowerQueryScripts.RangeStartParameter}` / `{PowerQueryScripts.RangeEndParameter}`, so only those months' files are read.
            A correction to an older month needs a full refresh of that table (*Refresh* with *Apply refresh policy* off,
            or the XMLA endpoint). Desktop evaluates the queries with the parameters' example values (all months).

            **Times.** `received_at` and `deadline` are UTC instants in the marts; the queries convert them explicitly to
            Beijing time (UTC+8, `DateTimeZone.SwitchZone`, then the zone removed), so Desktop in China and a service
            refresh show the same times.

            ## Tables

            | table | one row per | what it holds |
            |---|---|---|

            """);
        foreach (var table in PowerBiModel.Tables)
        {
            text.Append(CultureInfo.InvariantCulture, $"| `{table.Name}` | {table.Grain} | {table.Description} |\n");
        }

        text.Append("""

            Column types are set explicitly in every query: counts are whole numbers (`Int64.Type`), money is fixed
            decimal (`Currency.Type`, yuan to the fen), months and dates are dates, upload and deadline times are Beijing
            time, codes are text (codes keep their leading digits), ratios are decimal numbers. The facts' join columns
            (`period`, `station_code`, `village_code`) and technical columns (`sha256`, `version`, `issue_number`,
            `period_key`) are hidden, and the model discourages implicit measures: every figure is a declared measure.

            `agg_region_month` is **not in the model**. Its rows hold all five levels at once and its `ytd_*` columns
            accumulate over months, so any sum of its columns by drag and drop would be wrong (about five times the
            total, or year-to-date added across months); the measures compute the same figures from the facts at
            whatever level and months are selected. It stays in the marts for other consumers (SQL, DuckDB, Spark):
            always filter one `level`, and never add `ytd_*` columns across months.

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
            No relationship filters both ways: `dim_station` filters its town's villages, and a region selected on
            `dim_region` reaches the station facts inside each measure (through the towns selected); a station figure is
            blank on a single village, which it has no value for. `dim_period` has one row per month (key `date`) and is
            not marked as a date table (a marked one must have contiguous days); `label_zh` sorts by `period_key`;
            `month_choice` labels the latest closed month for the slicers.

            ## Row-level security

            `pipeline powerbi --reference DIR` adds a role per city and per district of the hierarchy
            (`definition/roles/`), each filtering `dim_region` and `dim_station` on the region's code, so a city's or a
            district's analysts see only their region. Assign the Entra ID groups to the roles in the service
            (*Security* on the semantic model); province analysts are given no role (or view through an app).

            ## Measures

            Each measure is declared once in the measure catalogue (numerator and denominator, how it adds up, its months,
            its format); the DAX below and the offline dashboard's figures are both computed from that declaration.
            Ratios divide a summed numerator by a summed denominator, never averages of ratios. Head counts (社工人数,
            持证社工人数, 志愿者人数) are stocks: over a quarter or a year they are taken at the last month of the selection
            with reports, not summed, and among its closed months when it has any (an open month has only its early
            reporters). Month-on-month and year-to-date measures anchor to the latest **closed** month of
            the selection (an open month has no full data yet); a change of a rate is in percentage points (个百分点).

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

            Every page has the same month slicer (`dim_period[{PowerBiReport.MonthChoiceColumn}]`): a single-select drop-down whose
            saved selection is "{PowerBiReport.LatestClosedMonthLabel}", the label the latest closed month always carries, so
            the report opens on the latest closed month and moves on by itself; the slicers share the sync group
            `{PowerBiReport.MonthSyncGroup}`, so a month chosen on one page holds on all. The trend charts are not filtered by it.
            The list of stations that have not reported shows the month and leaves out months still open. Reporting rate
            and certified share are coloured against the programme's targets (reporting 100 %; certified share at least
            1/2 in a station's first two years, 2/3 from its third: orange between the two, red below 1/2). Right-click a
            district and *Drill through* to "区县站点明细" for its stations.
            """);

        text.Append(CultureInfo.InvariantCulture, $"""

            ## Without the project: paste the queries into a .pbix

            1. *Home › Transform data* opens Power Query. *Manage parameters › New parameter*: name
               `{PowerQueryScripts.StorageAccountUrlParameter}`, type *Text*, current value your account's Data Lake endpoint; and
               `{PowerQueryScripts.RangeStartParameter}`, `{PowerQueryScripts.RangeEndParameter}` of type *Date/Time* ({TmdlWriter.ExampleRangeStart}, {TmdlWriter.ExampleRangeEnd}).
               Add the shared queries `{PowerQueryScripts.SourceQuery}` and `{PowerQueryScripts.ManifestQuery}` from
               `queries/_shared.pq` (not loaded).
            2. For each file in `queries/`: *New source › Blank query*, *Advanced editor*, paste the file, and name the
               query after the file (`fct_visits.pq` becomes `fct_visits`). *Close & apply*.
            3. In the model view, create the relationships listed above (many-to-one, single direction; do not mark
               `dim_period` as date table), build the hierarchy and hide the facts' key columns.
            4. Add the measures: each `MEASURE table[name] = expression` in `measures.dax` is a *New measure* on `table`.
               `measures.dax` also runs as it is in *DAX query view*, listing the reporting measures by month.
            """);
        return text.ToString();
    }
}
