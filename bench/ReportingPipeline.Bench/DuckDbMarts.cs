using System.Globalization;
using System.Text;
using DuckDB.NET.Data;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Marts;

namespace ReportingPipeline.Bench;

/// <summary>
/// The same full build done by DuckDB, from the same store: the reference CSVs and every staged JSON file
/// (parsed by <c>read_json</c>, as our builder parses them), the current version chosen per station-month,
/// facts unnested and <c>agg_region_month</c> rolled up with GROUPING SETS over the hierarchy, each table
/// written with COPY TO Parquet (Snappy), facts partitioned by month. Reads no ledger: the staged files carry
/// status and version. Leaves out dim_period and the uploads count of fct_submission (only the ledger knows duplicates).
/// </summary>
internal static class DuckDbMarts
{
    public static readonly IReadOnlyList<string> Tables =
        ["dim_region", "dim_station", "fct_submission", "fct_station_month", "fct_visits", "fct_services", "fct_hotline", "fct_funds", "fct_validation_issue", "agg_region_month"];

    public static async Task<Measurement> BuildAsync(string store, string output, int months, int threads)
    {
        if (Directory.Exists(output))
        {
            Directory.Delete(output, recursive: true);
        }

        Directory.CreateDirectory(output);
        var timed = new Timed();
        await using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync();
        var sections = new Dictionary<string, double>();
        foreach (var (name, sql) in Statements(store.Replace('\\', '/'), output.Replace('\\', '/'), months, threads))
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
            sections[name + "_s"] = sections.GetValueOrDefault(name + "_s") + clock.Elapsed.TotalSeconds;
        }

        sections["marts_mb"] = Scenarios.DirectoryBytes(output) / 1e6;
        return timed.Stop("duckdb", sections);
    }

    private static IEnumerable<(string Section, string Sql)> Statements(string store, string output, int months, int threads)
    {
        string Copy(string table, string select, bool partitioned) => partitioned
            ? $"COPY ({select}) TO '{output}/{table}' (FORMAT parquet, COMPRESSION snappy, PARTITION_BY (period), OVERWRITE_OR_IGNORE)"
            : $"COPY ({select}) TO '{output}/{table}.parquet' (FORMAT parquet, COMPRESSION snappy)";

        yield return ("setup", $"SET threads = {threads}; SET preserve_insertion_order = false; SET temp_directory = '{output}/.tmp'");
        yield return ("reference", $"""
            CREATE TEMP TABLE regions AS SELECT * FROM read_csv('{store}/reference/regions.csv', header = true, all_varchar = true);
            CREATE TEMP TABLE stations AS SELECT station_code, name AS station_name, operator, opened_on::DATE AS opened_on, nullif(closed_on, '')::DATE AS closed_on
                FROM read_csv('{store}/reference/stations.csv', header = true, all_varchar = true);
            CREATE TEMP TABLE dim_region AS
                SELECT v.code AS village_code, v.name AS village_name, t.code AS town_code, t.name AS town_name, d.code AS district_code, d.name AS district_name,
                       c.code AS city_code, c.name AS city_name, p.code AS province_code, p.name AS province_name
                FROM regions v JOIN regions t ON v.parent_code = t.code JOIN regions d ON t.parent_code = d.code
                JOIN regions c ON d.parent_code = c.code JOIN regions p ON c.parent_code = p.code
                WHERE v.level = 'village';
            CREATE TEMP TABLE towns AS
                SELECT t.code AS town_code, d.code AS district_code, c.code AS city_code, p.code AS province_code, t.name AS town_name, d.name AS district_name, c.name AS city_name, p.name AS province_name
                FROM regions t JOIN regions d ON t.parent_code = d.code JOIN regions c ON d.parent_code = c.code JOIN regions p ON c.parent_code = p.code
                WHERE t.level = 'town';
            CREATE TEMP TABLE expected AS
                SELECT p.period, s.station_code
                FROM (SELECT (DATE '{Correction.FirstPeriod.FirstDay:yyyy-MM-dd}' + to_months(i::INTEGER))::DATE AS period FROM range(0, {months}) r(i)) p
                JOIN stations s ON s.opened_on <= last_day(p.period) AND (s.closed_on IS NULL OR s.closed_on >= p.period);
            """);
        yield return ("read_json", $"""
            CREATE TEMP TABLE chosen AS
            SELECT * EXCLUDE (accepted_on_time) , accepted_on_time AS on_time_any FROM (
                SELECT (split_part(blob_name, '/', 1) || '-01')::DATE AS period, split_part(blob_name, '/', 2) AS station_code,
                       sha256, status, version, received_at, submission, issues,
                       bool_or(on_time AND status <> 'rejected') OVER w AS accepted_on_time,
                       row_number() OVER (w ORDER BY (status <> 'rejected') DESC, version DESC NULLS LAST, received_at DESC) AS pick
                FROM read_json('{store}/staging/*/*/*.json', format = 'auto', columns = {StagedColumns})
                WINDOW w AS (PARTITION BY blob_name[1:7], split_part(blob_name, '/', 2))
            ) WHERE pick = 1;
            CREATE TEMP TABLE acc AS SELECT period, station_code, version, on_time_any, submission FROM chosen WHERE status <> 'rejected';
            """);
        yield return ("dims", Copy("dim_region", "SELECT * FROM dim_region", false) + ";\n" + Copy("dim_station", """
            SELECT s.station_code, s.station_name, s.operator, t.town_code, t.town_name, t.district_code, t.district_name, t.city_code, t.city_name,
                   t.province_code, t.province_name, s.opened_on, s.closed_on, (SELECT count(*) FROM dim_region r WHERE r.town_code = s.station_code) AS villages
            FROM stations s JOIN towns t ON t.town_code = s.station_code
            """, false));
        yield return ("facts", string.Join(";\n",
            Copy("fct_submission", """
                SELECT e.period, e.station_code,
                       CASE WHEN c.status IS NULL THEN 'missing' ELSE c.status END AS status,
                       coalesce(c.on_time_any, false) AS on_time, c.received_at::TIMESTAMP AS received_at, CASE WHEN c.status <> 'rejected' THEN c.version END::INTEGER AS version,
                       len(list_filter(c.issues, x -> x.severity = 'error'))::BIGINT AS errors, len(list_filter(c.issues, x -> x.severity = 'warning'))::BIGINT AS warnings,
                       c.sha256, true AS period_closed
                FROM expected e LEFT JOIN chosen c USING (period, station_code)
                """, true),
            Copy("fct_station_month", $"""
                SELECT period, station_code, version::INTEGER AS version, {string.Join(", ", StationFields.Select(f => $"submission.station.{f.Key} AS {f.Key}"))},
                       CASE WHEN submission.station.social_workers > 0 THEN submission.station.certified_workers / submission.station.social_workers END AS certified_share
                FROM acc
                """, true),
            Copy("fct_visits", "SELECT period, station_code, unnest(submission.visits, recursive := true) FROM acc", true),
            Copy("fct_services", "SELECT period, station_code, unnest(submission.services, recursive := true) FROM acc", true),
            Copy("fct_hotline", "SELECT period, station_code, unnest(submission.hotline, recursive := true) FROM acc", true),
            Copy("fct_funds", "SELECT period, station_code, unnest(submission.funds, recursive := true) FROM acc", true),
            Copy("fct_validation_issue", """
                SELECT period, station_code, CASE WHEN status <> 'rejected' THEN version END::INTEGER AS version, sha256,
                       i.rule_id, i.severity, i.category, i.section, i.field, i.location.source AS location_source, i.location.row AS location_row,
                       i.location.column AS location_column, i.value, i.message_zh, i.message_en
                FROM (SELECT period, station_code, status, version, sha256, unnest(issues) AS i FROM chosen)
                """, true)));
        yield return ("rollup", RollupSql(output));
    }

    private static IEnumerable<FieldDefinition> StationFields =>
        SubmissionContract.Station.Fields.Where(f => f.Key is not ("station_code" or "period" or "prepared_by"));

    private static string StagedColumns
    {
        get
        {
            static string Type(FieldDefinition f) => f.Kind switch
            {
                FieldKind.Count => "BIGINT",
                FieldKind.Money => "DECIMAL(18,2)",
                FieldKind.Hours => "DECIMAL(18,1)",
                _ => "VARCHAR",
            };

            string Struct(SectionDefinition section) => $"STRUCT({string.Join(", ", section.Fields.Select(f => $"\"{f.Key}\" {Type(f)}"))})";
            var submission = string.Join(", ", SubmissionContract.Sections.Select(s => s.Shape == SectionShape.KeyValue ? $"\"{s.Key}\" {Struct(s)}" : $"\"{s.Key}\" {Struct(s)}[]"));
            return "{blob_name: 'VARCHAR', sha256: 'VARCHAR', status: 'VARCHAR', version: 'INTEGER', received_at: 'TIMESTAMPTZ', on_time: 'BOOLEAN', "
                + $"submission: 'STRUCT({submission})', "
                + "issues: 'STRUCT(rule_id VARCHAR, severity VARCHAR, category VARCHAR, \"section\" VARCHAR, field VARCHAR, location STRUCT(source VARCHAR, \"row\" INTEGER, \"column\" VARCHAR), \"value\" VARCHAR, message_zh VARCHAR, message_en VARCHAR)[]'}";
        }
    }

    /// <summary>agg_region_month: village-grain sums and town-grain sums unioned, GROUPING SETS down the hierarchy, ratios from sums, year to date by window.</summary>
    private static string RollupSql(string output)
    {
        var measures = MartTables.AggregateMeasures;
        string Cast(AggregateMeasure m) => m.Type switch
        {
            MartColumnType.Money => "DECIMAL(18,2)",
            MartColumnType.Hours => "DECIMAL(18,1)",
            _ => "BIGINT",
        };

        IEnumerable<AggregateMeasure> Sums(SectionDefinition section) => measures.Where(m => m.Kind == AggregateKind.Sum && m.Section == section);
        string SumsOf(SectionDefinition section, string? field = null) =>
            string.Join(", ", Sums(section).Select(m => m.Field is null ? $"count(*) AS {m.Name}" : $"sum({field ?? ""}{m.Field.Key}) AS {m.Name}"));

        var sql = new StringBuilder();
        sql.AppendLine(CultureInfo.InvariantCulture, $"""
            CREATE TEMP TABLE vf AS SELECT period, village_code, {SumsOf(SubmissionContract.Visits)},
                   max(CASE WHEN coalesce(resident_visits, 0) > 0 OR coalesce(client_visits, 0) > 0 THEN 1 ELSE 0 END) AS visited
                FROM (SELECT period, unnest(submission.visits, recursive := true) FROM acc) GROUP BY ALL;
            CREATE TEMP TABLE sf AS SELECT period, village_code, {SumsOf(SubmissionContract.Services)}
                FROM (SELECT period, unnest(submission.services, recursive := true) FROM acc) GROUP BY ALL;
            CREATE TEMP TABLE hf AS SELECT period, station_code, {SumsOf(SubmissionContract.Hotline)}
                FROM (SELECT period, station_code, unnest(submission.hotline, recursive := true) FROM acc) GROUP BY ALL;
            CREATE TEMP TABLE ff AS SELECT period, station_code, {SumsOf(SubmissionContract.Funds)}
                FROM (SELECT period, station_code, unnest(submission.funds, recursive := true) FROM acc) GROUP BY ALL;
            CREATE TEMP TABLE grain AS
                SELECT e.period, r.province_code, r.city_code, r.district_code, r.town_code, r.village_code,
                       1 AS villages_expected, coalesce(vf.visited, 0) AS villages_visited, vf.* EXCLUDE (period, village_code, visited), sf.* EXCLUDE (period, village_code)
                FROM expected e JOIN dim_region r ON r.town_code = e.station_code
                LEFT JOIN vf ON vf.period = e.period AND vf.village_code = r.village_code
                LEFT JOIN sf ON sf.period = e.period AND sf.village_code = r.village_code
                UNION ALL BY NAME
                SELECT e.period, t.province_code, t.city_code, t.district_code, t.town_code, NULL AS village_code,
                       1 AS stations_expected, (a.station_code IS NOT NULL)::INTEGER AS stations_reported,
                       coalesce(a.on_time_any, false)::INTEGER AS stations_on_time,
                       {string.Join(", ", Sums(SubmissionContract.Station).Select(m => $"a.submission.station.{m.Field!.Key} AS {m.Name}"))},
                       hf.* EXCLUDE (period, station_code), ff.* EXCLUDE (period, station_code)
                FROM expected e JOIN towns t ON t.town_code = e.station_code
                LEFT JOIN acc a ON a.period = e.period AND a.station_code = e.station_code
                LEFT JOIN hf ON hf.period = e.period AND hf.station_code = e.station_code
                LEFT JOIN ff ON ff.period = e.period AND ff.station_code = e.station_code;
            """);

        var summed = measures.Where(m => m.Kind != AggregateKind.Ratio).ToList();
        string Measure(AggregateMeasure m, string prefix = "") => m.Kind == AggregateKind.Ratio
            ? $"CASE WHEN {prefix}{m.Denominator} <> 0 THEN {prefix}{m.Numerator}::DOUBLE / {prefix}{m.Denominator} END"
            : $"{prefix}{m.Name}";
        var levels = "CASE WHEN grouping(village_code) = 0 THEN 'village' WHEN grouping(town_code) = 0 THEN 'town' WHEN grouping(district_code) = 0 THEN 'district' WHEN grouping(city_code) = 0 THEN 'city' ELSE 'province' END";
        var select = new StringBuilder();
        select.Append(CultureInfo.InvariantCulture, $"""
            WITH g AS (
                SELECT period, {levels} AS level,
                       coalesce(village_code, town_code, district_code, city_code, province_code) AS region_code,
                       CASE WHEN grouping(village_code) = 0 THEN town_code WHEN grouping(town_code) = 0 THEN district_code WHEN grouping(district_code) = 0 THEN city_code WHEN grouping(city_code) = 0 THEN province_code END AS parent_code,
                       {string.Join(", ", summed.Select(m => m.AtVillage
                            ? $"coalesce(sum({m.Name}), 0)::{Cast(m)} AS {m.Name}"
                            : $"CASE WHEN grouping(village_code) = 0 THEN NULL ELSE coalesce(sum({m.Name}), 0) END::{Cast(m)} AS {m.Name}"))}
                FROM grain
                GROUP BY GROUPING SETS ((period, province_code), (period, province_code, city_code), (period, province_code, city_code, district_code),
                                        (period, province_code, city_code, district_code, town_code), (period, province_code, city_code, district_code, town_code, village_code))
                HAVING NOT (grouping(village_code) = 0 AND village_code IS NULL)
            ), y AS (
                SELECT *, {string.Join(", ", summed.Where(m => m.YearToDate).Select(m => $"sum({m.Name}) OVER (PARTITION BY region_code, year(period) ORDER BY period)::{Cast(m)} AS ytd_{m.Name}"))}
                FROM g
            )
            SELECT y.period, y.level, y.region_code, r.name AS region_name, y.parent_code,
                   {string.Join(", ", measures.Select(m => $"{Measure(m)} AS {m.Name}"))},
                   {string.Join(", ", measures.Where(m => m.YearToDate).Select(m => $"{Measure(m, "ytd_")} AS ytd_{m.Name}"))}
            FROM y JOIN regions r ON r.code = y.region_code
            """);
        sql.Append(CultureInfo.InvariantCulture, $"COPY ({select}) TO '{output}/agg_region_month' (FORMAT parquet, COMPRESSION snappy, PARTITION_BY (period), OVERWRITE_OR_IGNORE)");
        return sql.ToString();
    }
}
