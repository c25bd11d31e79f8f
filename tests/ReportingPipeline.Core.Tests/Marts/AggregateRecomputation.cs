namespace ReportingPipeline.Core.Tests.Marts;

/// <summary>
/// agg_region_month recomputed from the fact tables and dimensions in plain SQL, written independently of
/// the builder's rollup: joins along dim_station / dim_region, sums per level, ratios from the sums,
/// year-to-date as a window over the calendar year.
/// </summary>
internal static class AggregateRecomputation
{
    private static readonly string[] Levels = ["province", "city", "district", "town"];

    private static readonly (string Name, string Type, bool Ytd)[] StationMeasures =
    [
        ("stations_expected", "BIGINT", false),
        ("stations_reported", "BIGINT", false),
        ("stations_on_time", "BIGINT", false),
        ("social_workers", "BIGINT", false),
        ("certified_workers", "BIGINT", false),
        ("volunteers", "BIGINT", false),
        ("volunteer_hours", "DECIMAL(18,1)", true),
        ("hotline_lines", "BIGINT", false),
        ("hotline_duty_shifts", "BIGINT", true),
        ("hotline_calls", "BIGINT", true),
        ("hotline_people_served", "BIGINT", true),
        ("hotline_resolved", "BIGINT", true),
        ("funds_received", "DECIMAL(18,2)", true),
        ("funds_spent", "DECIMAL(18,2)", true),
        ("funds_in_kind", "DECIMAL(18,2)", true),
    ];

    private static readonly (string Name, string Type, bool Ytd)[] VillageMeasures =
    [
        ("villages_expected", "BIGINT", false),
        ("villages_visited", "BIGINT", false),
        ("resident_visits", "BIGINT", true),
        ("client_visits", "BIGINT", true),
        ("case_files", "BIGINT", true),
        ("newly_identified", "BIGINT", true),
        ("services_cases", "BIGINT", true),
        ("services_groups", "BIGINT", true),
        ("services_activities", "BIGINT", true),
        ("services_people_served", "BIGINT", true),
    ];

    private static readonly (string Name, string Numerator, string Denominator, bool AtVillage, bool Ytd)[] Ratios =
    [
        ("reporting_rate", "stations_reported", "stations_expected", false, false),
        ("on_time_rate", "stations_on_time", "stations_expected", false, false),
        ("village_visit_coverage", "villages_visited", "villages_expected", true, false),
        ("certified_share", "certified_workers", "social_workers", false, false),
        ("spend_rate", "funds_spent", "funds_received", false, true),
    ];

    /// <summary>A query with the same columns as agg_region_month (use it as a subquery).</summary>
    public static string Sql
    {
        get
        {
            var stationSums = string.Join(", ", StationMeasures.Select(m => $"sum({m.Name}) AS {m.Name}"));
            var villageSums = string.Join(", ", VillageMeasures.Select(m => $"sum({m.Name}) AS {m.Name}"));
            var stationByRegion = string.Join("\nUNION ALL\n", Levels.Select(l =>
                $"SELECT period, '{l}' AS level, d.{l}_code AS region_code, {stationSums} FROM station_m JOIN dim_station d USING (station_code) GROUP BY ALL"));
            var villageByRegion = string.Join("\nUNION ALL\n", Levels.Append("village").Select(l =>
                $"SELECT period, '{l}' AS level, r.{l}_code AS region_code, {villageSums} FROM village_m JOIN dim_region r USING (village_code) GROUP BY ALL"));
            var regions = string.Join("\nUNION ALL\n",
            [
                "SELECT DISTINCT 'province' AS level, province_code AS region_code, province_name AS region_name, NULL::VARCHAR AS parent_code FROM dim_region",
                "SELECT DISTINCT 'city', city_code, city_name, province_code FROM dim_region",
                "SELECT DISTINCT 'district', district_code, district_name, city_code FROM dim_region",
                "SELECT DISTINCT 'town', town_code, town_name, district_code FROM dim_region",
                "SELECT DISTINCT 'village', village_code, village_name, town_code FROM dim_region",
            ]);
            var monthly = string.Join(",\n", StationMeasures.Select(m =>
                    $"CASE WHEN r.level = 'village' THEN NULL ELSE coalesce(st.{m.Name}, 0)::{m.Type} END AS {m.Name}")
                .Concat(VillageMeasures.Select(m => $"coalesce(vi.{m.Name}, 0)::{m.Type} AS {m.Name}")));
            var ratios = string.Join(",\n", Ratios.Select(r =>
                $"CASE WHEN {(r.AtVillage ? "false" : "level = 'village'")} OR {r.Denominator} = 0 THEN NULL ELSE {r.Numerator}::DOUBLE / {r.Denominator}::DOUBLE END AS {r.Name}"));
            var ytd = string.Join(",\n", StationMeasures.Concat(VillageMeasures).Where(m => m.Ytd).Select(m =>
                $"(sum({m.Name}) OVER calendar_year)::{m.Type} AS ytd_{m.Name}"));
            var ytdRatios = string.Join(",\n", Ratios.Where(r => r.Ytd).Select(r =>
                $"CASE WHEN level = 'village' OR ytd_{r.Denominator} = 0 THEN NULL ELSE ytd_{r.Numerator}::DOUBLE / ytd_{r.Denominator}::DOUBLE END AS ytd_{r.Name}"));

            return $"""
                WITH
                station_m AS (
                    SELECT s.period, s.station_code,
                        1 AS stations_expected,
                        (s.status IN ('accepted', 'accepted_with_warnings'))::INT AS stations_reported,
                        (s.status IN ('accepted', 'accepted_with_warnings') AND s.on_time)::INT AS stations_on_time,
                        m.social_workers, m.certified_workers, m.volunteers, m.volunteer_hours,
                        h.hotline_lines, h.hotline_duty_shifts, h.hotline_calls, h.hotline_people_served, h.hotline_resolved,
                        f.funds_received, f.funds_spent, f.funds_in_kind
                    FROM fct_submission s
                    LEFT JOIN fct_station_month m ON m.period = s.period AND m.station_code = s.station_code
                    LEFT JOIN (
                        SELECT period, station_code, count(*) AS hotline_lines, sum(duty_shifts) AS hotline_duty_shifts, sum(calls) AS hotline_calls,
                            sum(people_served) AS hotline_people_served, sum(resolved) AS hotline_resolved
                        FROM fct_hotline GROUP BY ALL
                    ) h ON h.period = s.period AND h.station_code = s.station_code
                    LEFT JOIN (
                        SELECT period, station_code, sum(received) AS funds_received, sum(spent) AS funds_spent, sum(in_kind) AS funds_in_kind
                        FROM fct_funds GROUP BY ALL
                    ) f ON f.period = s.period AND f.station_code = s.station_code
                ),
                village_m AS (
                    SELECT p.date AS period, r.village_code,
                        (s.station_code IS NOT NULL)::INT AS villages_expected,
                        (coalesce(v.resident_visits, 0) > 0 OR coalesce(v.client_visits, 0) > 0)::INT AS villages_visited,
                        v.resident_visits, v.client_visits, v.case_files, v.newly_identified,
                        sv.services_cases, sv.services_groups, sv.services_activities, sv.services_people_served
                    FROM dim_period p CROSS JOIN dim_region r
                    LEFT JOIN fct_submission s ON s.period = p.date AND s.station_code = r.town_code
                    LEFT JOIN fct_visits v ON v.period = p.date AND v.village_code = r.village_code
                    LEFT JOIN (
                        SELECT period, village_code, sum(cases) AS services_cases, sum(groups) AS services_groups,
                            sum(activities) AS services_activities, sum(people_served) AS services_people_served
                        FROM fct_services GROUP BY ALL
                    ) sv ON sv.period = p.date AND sv.village_code = r.village_code
                ),
                station_by_region AS ({stationByRegion}),
                village_by_region AS ({villageByRegion}),
                regions AS ({regions}),
                monthly AS (
                    SELECT p.date AS period, r.level, r.region_code, r.region_name, r.parent_code,
                        {monthly}
                    FROM dim_period p CROSS JOIN regions r
                    LEFT JOIN station_by_region st ON st.period = p.date AND st.level = r.level AND st.region_code = r.region_code
                    LEFT JOIN village_by_region vi ON vi.period = p.date AND vi.level = r.level AND vi.region_code = r.region_code
                ),
                with_ytd AS (
                    SELECT *, {ratios}, {ytd}
                    FROM monthly
                    WINDOW calendar_year AS (PARTITION BY level, region_code, year(period) ORDER BY period ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
                )
                SELECT *, {ytdRatios} FROM with_ytd
                """;
        }
    }
}
