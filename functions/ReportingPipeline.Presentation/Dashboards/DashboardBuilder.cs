using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Marts;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Presentation.Measures;

namespace ReportingPipeline.Presentation.Dashboards;

/// <summary>
/// Builds the dashboard anyone can open without Power BI: one self-contained HTML page (see
/// <see cref="DashboardPage"/>) from the marts as the last build left them, read through <see cref="IBlobStore"/>.
/// The headline figures and the figures by level are computed from the fact tables by the declarations of
/// <see cref="MeasureCatalogue"/>, the same declarations the Power BI measures are generated from; the status tree,
/// ranking and trends read <c>agg_region_month</c>.
/// </summary>
public sealed class DashboardBuilder(IBlobStore store, ILogger<DashboardBuilder>? logger = null)
{
    /// <summary>Where hosts put the page: beside the containers, not inside <c>marts</c> (Power BI reads that folder).</summary>
    public const string FileName = "dashboard.html";

    /// <summary>Stations listed under "most validation problems".</summary>
    public const int ProblemStationCount = 20;

    /// <summary>The headline figures, in the order shown.</summary>
    public static readonly IReadOnlyList<(string Measure, string LabelZh, string LabelEn, KpiUnit Unit)> KpiMeasures =
    [
        ("reporting_rate", "报送率", "Reporting rate", KpiUnit.Ratio),
        ("on_time_rate", "按时报送率", "On-time rate", KpiUnit.Ratio),
        ("village_visit_coverage", "村居走访覆盖率", "Village visit coverage", KpiUnit.Ratio),
        ("certified_share", "持证社工占比", "Certified social workers", KpiUnit.Ratio),
        ("services_people_served", "服务人次", "People served", KpiUnit.Count),
        ("hotline_calls", "热线来电", "Hotline calls", KpiUnit.Count),
        ("spend_rate", "经费执行率", "Spend rate", KpiUnit.Ratio),
    ];

    /// <summary>The month-by-month series the charts draw (agg_region_month measures).</summary>
    public static readonly IReadOnlyList<string> TrendMeasures =
    [
        "reporting_rate", "on_time_rate", "village_visit_coverage", "certified_share", "spend_rate",
        "stations_expected", "stations_reported", "services_people_served", "hotline_calls", "hotline_people_served",
        "resident_visits", "client_visits", "funds_received", "funds_spent",
    ];

    /// <summary>Village rows are embedded in the page's figures only up to this many villages (a national page would be too big).</summary>
    public const int VillageFiguresLimit = 20_000;

    private static readonly string[] RegionColumns = ["period", "level", "region_code", "region_name", "parent_code"];

    /// <summary>The page for the marts in the store; null when no build has written a manifest with a month yet.</summary>
    public async Task<byte[]?> BuildAsync(CancellationToken cancellationToken = default) =>
        await ReadAsync(cancellationToken) is { } data ? DashboardPage.Render(data) : null;

    /// <summary>The figures the page shows; null when there are no marts (or no month in them) yet.</summary>
    public async Task<DashboardData?> ReadAsync(CancellationToken cancellationToken = default)
    {
        var manifest = await MartManifest.ReadAsync(store, logger ?? (ILogger)NullLogger.Instance, cancellationToken);
        if (manifest is null || manifest.Periods.Count == 0)
        {
            return null;
        }

        var marts = new MartTableReader(store, manifest);
        var months = await ReadMonthsAsync(marts, cancellationToken);
        if (months.Count == 0)
        {
            return null;
        }

        var shown = months.LastOrDefault(m => m.Closed) ?? months[^1];
        Period? previous = months.Any(m => m.Period == shown.Period.Previous) ? shown.Period.Previous : null;

        var quarter = LatestClosedQuarter(months);
        var evaluator = await ReadMeasuresAsync(marts, months, [shown.Period, .. previous is { } pm ? [pm] : Array.Empty<Period>(), .. quarter], cancellationToken);
        var regions = await ReadRegionsAsync(marts, cancellationToken);
        List<FigureSelection> figures = [Figures(evaluator, regions, "month", $"{shown.LabelZh}", shown.Period.ToString(), [shown.Period])];
        if (quarter.Count > 0)
        {
            figures.Add(Figures(evaluator, regions, "quarter", $"{quarter[0].Year}年第{((quarter[0].Month - 1) / 3) + 1}季度",
                $"{quarter[0].Year} Q{((quarter[0].Month - 1) / 3) + 1}", quarter));
        }

        var rollups = await ReadRollupsAsync(marts, cancellationToken);
        var stations = await ReadStationsAsync(marts, cancellationToken);
        var submissions = await marts.ReadAsync(MartTables.FctSubmission,
            ["period", "station_code", "status", "on_time", "received_at", "version", "errors", "warnings", "period_closed"],
            cancellationToken: cancellationToken);
        // Information notes (a retyped header label) are not problems.
        var issues = await marts.ReadAsync(MartTables.FctValidationIssue,
            ["period", "station_code", "severity", "rule_id", "message_zh", "message_en"],
            keep: ("severity", severity => severity != "info"), cancellationToken: cancellationToken);

        return new DashboardData(
            DashboardData.SchemaId,
            manifest.BuildId,
            manifest.BuiltAt,
            shown.Period,
            shown.Closed,
            previous,
            months,
            Kpis(evaluator, shown.Period, previous),
            Cities(rollups, shown.Period, submissions, stations),
            Ranking(rollups, shown.Period),
            ProblemStations(submissions, issues, stations),
            Trends(rollups, months),
            figures);
    }

    private static async Task<IReadOnlyList<DashboardMonth>> ReadMonthsAsync(MartTableReader marts, CancellationToken cancellationToken)
    {
        var rows = await marts.ReadAsync(MartTables.DimPeriod, ["date", "label_zh", "closed"], cancellationToken: cancellationToken);
        return [.. Enumerable.Range(0, rows.Count)
            .Select(i => new DashboardMonth(Period.Of(rows.Date("date", i)!.Value), rows.String("label_zh", i) ?? string.Empty, rows.Bool("closed", i) ?? false))
            .OrderBy(m => m.Period)];
    }

    /// <summary>agg_region_month above village level: one <see cref="Rollup"/> per region and month.</summary>
    private static async Task<IReadOnlyList<Rollup>> ReadRollupsAsync(MartTableReader marts, CancellationToken cancellationToken)
    {
        var measures = TrendMeasures
            .Concat(KpiMeasures.Select(k => k.Measure))
            .SelectMany(m => MartTables.AggregateMeasures.First(a => a.Name == m) is { Kind: AggregateKind.Ratio } ratio
                ? [m, ratio.Numerator!, ratio.Denominator!]
                : new[] { m })
            .Concat(["stations_on_time"])
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var rows = await marts.ReadAsync(MartTables.AggRegionMonth, [.. RegionColumns, .. measures],
            keep: ("level", level => level != RegionLevels.Village), cancellationToken: cancellationToken);
        return [.. Enumerable.Range(0, rows.Count).Select(i => new Rollup(
            rows.PeriodOf(i),
            rows.String("level", i)!,
            rows.String("region_code", i)!,
            rows.String("region_name", i) ?? string.Empty,
            rows.String("parent_code", i),
            measures.ToDictionary(m => m, m => rows.Number(m, i), StringComparer.Ordinal)))];
    }

    private static async Task<IReadOnlyDictionary<string, StationPlace>> ReadStationsAsync(MartTableReader marts, CancellationToken cancellationToken)
    {
        var rows = await marts.ReadAsync(MartTables.DimStation,
            ["station_code", "station_name", "town_name", "district_code", "district_name", "city_code", "city_name"],
            cancellationToken: cancellationToken);
        var places = new Dictionary<string, StationPlace>(StringComparer.Ordinal);
        for (var i = 0; i < rows.Count; i++)
        {
            var code = rows.String("station_code", i)!;
            places[code] = new StationPlace(
                code,
                rows.String("station_name", i) ?? code,
                rows.String("town_name", i) ?? code,
                rows.String("district_code", i) ?? string.Empty,
                rows.String("district_name", i) ?? string.Empty,
                rows.String("city_code", i) ?? string.Empty,
                rows.String("city_name", i) ?? string.Empty);
        }

        return places;
    }

    private static IReadOnlyList<Kpi> Kpis(MeasureEvaluator evaluator, Period month, Period? previous)
    {
        return [.. KpiMeasures.Select(k =>
        {
            var measure = MeasureCatalogue.Get(k.Measure);
            var value = All(measure, [month]);
            var last = previous is { } p ? All(measure, [p]) : null;
            double? change = (value, last, k.Unit) switch
            {
                ({ } v, { } l, KpiUnit.Ratio) => v - l,
                ({ } v, { } l, _) when l != 0 => (v - l) / l,
                _ => null,
            };
            var isRatio = measure.Additivity == Additivity.RatioOfSums;
            return new Kpi(k.Measure, k.LabelZh, k.LabelEn, k.Unit, value, last, change,
                isRatio ? All(MeasureCatalogue.Get(measure.Numerator!), [month]) : null,
                isRatio ? All(MeasureCatalogue.Get(measure.Denominator!), [month]) : null);
        })];

        double? All(MeasureDefinition measure, Period[] months) =>
            MeasureEvaluator.ValueOf(measure, evaluator.Evaluate(measure, months), RegionKey.All);
    }

    /// <summary>The latest calendar quarter whose three months are all covered and closed; empty when there is none.</summary>
    private static IReadOnlyList<Period> LatestClosedQuarter(IReadOnlyList<DashboardMonth> months)
    {
        var closed = months.Where(m => m.Closed).Select(m => m.Period).ToHashSet();
        return closed.Where(p => p.Month % 3 == 0)
            .OrderDescending()
            .Select(p => (IReadOnlyList<Period>)[p.Previous.Previous, p.Previous, p])
            .FirstOrDefault(q => q.All(closed.Contains)) ?? [];
    }

    private static async Task<MeasureEvaluator> ReadMeasuresAsync(MartTableReader marts, IReadOnlyList<DashboardMonth> months, IEnumerable<Period> selected, CancellationToken cancellationToken)
    {
        // Only the months the page shows (its month, the month before, its quarter): the figures shown are not year to date.
        var periods = selected.ToHashSet();
        var facts = new Dictionary<MartTable, MartRows>();
        foreach (var (table, columns) in MeasureEvaluator.Columns())
        {
            facts[table] = await marts.ReadAsync(table, [.. columns], periods, cancellationToken: cancellationToken);
        }

        var region = await marts.ReadAsync(MartTables.DimRegion, ["village_code", "town_code"], cancellationToken: cancellationToken);
        return new MeasureEvaluator(
            facts,
            Enumerable.Range(0, region.Count).Select(i => (region.String("village_code", i)!, region.String("town_code", i)!)),
            [.. months.Select(m => (m.Period, m.Closed))]);
    }

    /// <summary>Every region of dim_region at every level, top down, with its parent.</summary>
    private static async Task<IReadOnlyList<(RegionKey Key, string Name, string? Parent)>> ReadRegionsAsync(MartTableReader marts, CancellationToken cancellationToken)
    {
        string[] levels = ["province", "city", "district", "town", "village"];
        var rows = await marts.ReadAsync(MartTables.DimRegion, [.. levels.SelectMany(l => new[] { l + "_code", l + "_name" })], cancellationToken: cancellationToken);
        var regions = new Dictionary<RegionKey, (string Name, string? Parent)>();
        for (var i = 0; i < rows.Count; i++)
        {
            string? parent = null;
            foreach (var level in levels)
            {
                var code = rows.String(level + "_code", i)!;
                regions.TryAdd(new RegionKey(level, code), (rows.String(level + "_name", i) ?? code, parent));
                parent = code;
            }
        }

        return [.. regions
            .Where(r => r.Key.Level != MartTables.Levels[^1] || rows.Count <= VillageFiguresLimit)
            .OrderBy(r => Array.IndexOf(levels, r.Key.Level)).ThenBy(r => r.Key.Code, StringComparer.Ordinal)
            .Select(r => (r.Key, r.Value.Name, r.Value.Parent))];
    }

    private static FigureSelection Figures(MeasureEvaluator evaluator, IReadOnlyList<(RegionKey Key, string Name, string? Parent)> regions, string key, string labelZh, string labelEn, IReadOnlyList<Period> months)
    {
        var measures = MeasureCatalogue.All.Where(m => m.Time == MeasureTime.Selection).ToList();
        var values = measures.ToDictionary(m => m.Key, m => evaluator.Evaluate(m, [.. months]), StringComparer.Ordinal);
        return new FigureSelection(key, labelZh, labelEn, months, [.. regions.Select(r => new RegionMeasures(
            r.Key.Level,
            r.Key.Code,
            r.Name,
            r.Parent,
            measures.ToDictionary(m => m.Key, m => MeasureEvaluator.ValueOf(m, values[m.Key], r.Key), StringComparer.Ordinal)))]);
    }

    private static IReadOnlyList<RegionStatus> Cities(IReadOnlyList<Rollup> rollups, Period month, MartRows submissions, IReadOnlyDictionary<string, StationPlace> stations)
    {
        var inMonth = rollups.Where(r => r.Period == month).ToList();
        var stationsByDistrict = Enumerable.Range(0, submissions.Count)
            .Where(i => submissions.PeriodOf(i) == month)
            .Select(i =>
            {
                var code = submissions.String("station_code", i)!;
                var place = stations.GetValueOrDefault(code);
                var version = submissions.Long("version", i);
                return (District: place?.DistrictCode ?? string.Empty, Status: new StationStatus(
                    code,
                    place?.Name ?? code,
                    place?.TownName ?? code,
                    submissions.String("status", i)!,
                    submissions.Bool("on_time", i),
                    submissions.Timestamp("received_at", i),
                    version is { } v ? (int)v : null,
                    submissions.Long("errors", i),
                    submissions.Long("warnings", i)));
            })
            .ToLookup(s => s.District, s => s.Status, StringComparer.Ordinal);
        return [.. inMonth.Where(r => r.Level == RegionLevels.City).OrderBy(r => r.Code, StringComparer.Ordinal).Select(city => new RegionStatus(
            Figures(city),
            [.. inMonth.Where(r => r.Level == RegionLevels.District && r.ParentCode == city.Code).OrderBy(r => r.Code, StringComparer.Ordinal).Select(district => new RegionStatus(
                Figures(district),
                [],
                [.. stationsByDistrict[district.Code].OrderBy(s => s.StationCode, StringComparer.Ordinal)]))],
            []))];
    }

    private static IReadOnlyList<DistrictRank> Ranking(IReadOnlyList<Rollup> rollups, Period month)
    {
        var cityNames = rollups.Where(r => r.Period == month && r.Level == RegionLevels.City).ToDictionary(r => r.Code, r => r.Name, StringComparer.Ordinal);
        var districts = rollups.Where(r => r.Period == month && r.Level == RegionLevels.District)
            .Select(r =>
            {
                var reported = r.Long("stations_reported");
                var people = r.Values["services_people_served"];
                return (Row: r, Reported: reported, People: people, PerStation: reported > 0 && people is { } p ? p / reported : (double?)null);
            })
            .OrderByDescending(d => d.Row.Double("reporting_rate") ?? -1)
            .ThenByDescending(d => d.PerStation ?? -1)
            .ThenBy(d => d.Row.Code, StringComparer.Ordinal)
            .ToList();
        return [.. districts.Select((d, i) => new DistrictRank(
            i + 1,
            d.Row.Code,
            d.Row.Name,
            d.Row.ParentCode is { } parent ? cityNames.GetValueOrDefault(parent, parent) : string.Empty,
            d.Row.Long("stations_expected"),
            d.Reported,
            d.Row.Double("reporting_rate"),
            d.Row.Double("on_time_rate"),
            d.People,
            d.PerStation))];
    }

    private static IReadOnlyList<ProblemStation> ProblemStations(MartRows submissions, MartRows issues, IReadOnlyDictionary<string, StationPlace> stations)
    {
        var statuses = Enumerable.Range(0, submissions.Count)
            .Select(i => (
                Station: submissions.String("station_code", i)!,
                Status: submissions.String("status", i)!,
                OnTime: submissions.Bool("on_time", i),
                Closed: submissions.Bool("period_closed", i) ?? false))
            .ToLookup(s => s.Station, StringComparer.Ordinal);
        return [.. Enumerable.Range(0, issues.Count)
            .Select(i => (
                Station: issues.String("station_code", i)!,
                Period: issues.PeriodOf(i),
                Error: issues.String("severity", i) == "error",
                Rule: issues.String("rule_id", i)!,
                Zh: issues.String("message_zh", i) ?? string.Empty,
                En: issues.String("message_en", i) ?? string.Empty))
            .GroupBy(x => x.Station, StringComparer.Ordinal)
            .Select(g =>
            {
                var place = stations.GetValueOrDefault(g.Key);
                var top = g.GroupBy(x => x.Rule, StringComparer.Ordinal)
                    .OrderByDescending(r => r.Count()).ThenBy(r => r.Key, StringComparer.Ordinal)
                    .First();
                var months = statuses[g.Key].ToList();
                return new ProblemStation(
                    g.Key,
                    place?.Name ?? g.Key,
                    place?.DistrictName ?? string.Empty,
                    place?.CityName ?? string.Empty,
                    g.LongCount(x => x.Error),
                    g.LongCount(x => !x.Error),
                    g.Select(x => x.Period).Distinct().Count(),
                    months.Count(m => m.Status == SubmissionStatuses.Rejected),
                    months.Count(m => m.Status == SubmissionStatuses.Missing && m.Closed),
                    months.Count(m => m.Status is SubmissionStatuses.Accepted or SubmissionStatuses.AcceptedWithWarnings && m.OnTime == false),
                    top.Key,
                    top.LongCount(),
                    top.First().Zh,
                    top.First().En);
            })
            .OrderByDescending(p => p.Errors + p.Warnings)
            .ThenByDescending(p => p.Errors)
            .ThenBy(p => p.StationCode, StringComparer.Ordinal)
            .Take(ProblemStationCount)];
    }

    private static DashboardTrends Trends(IReadOnlyList<Rollup> rollups, IReadOnlyList<DashboardMonth> months)
    {
        var periods = months.Select(m => m.Period).ToList();
        var top = TopLevel(rollups).ToLookup(r => r.Period);
        var totals = TrendMeasures.ToDictionary(
            m => m,
            m => (IReadOnlyList<double?>)[.. periods.Select(p => Total([.. top[p]], m))],
            StringComparer.Ordinal);
        var cities = rollups.Where(r => r.Level == RegionLevels.City)
            .GroupBy(r => r.Code, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var byMonth = g.ToDictionary(r => r.Period);
                return new RegionSeries(g.Key, g.OrderBy(r => r.Period).Last().Name,
                    [.. periods.Select(p => byMonth.TryGetValue(p, out var r) ? r.Values["reporting_rate"] : null)]);
            });
        return new DashboardTrends(periods, totals, [.. cities]);
    }

    /// <summary>The top of the hierarchy: province rows (several only in a national build).</summary>
    private static IEnumerable<Rollup> TopLevel(IReadOnlyList<Rollup> rollups) => rollups.Where(r => r.Level == MartTables.Levels[0]);

    /// <summary>A measure over several regions of one month, as the marts compute it: sums, and ratios of sums.</summary>
    private static double? Total(IReadOnlyList<Rollup> regions, string name)
    {
        if (regions.Count == 1)
        {
            return regions[0].Values[name];
        }

        var measure = Measure(name);
        if (measure.Kind == AggregateKind.Ratio)
        {
            return Total(regions, measure.Denominator!) is { } d && d != 0 && Total(regions, measure.Numerator!) is { } n ? n / d : null;
        }

        var values = regions.Select(r => r.Values[name]).Where(v => v is not null).ToList();
        return values.Count == 0 ? null : values.Sum();
    }

    private static AggregateMeasure Measure(string name) => MartTables.AggregateMeasures.First(m => m.Name == name);

    private static RegionFigures Figures(Rollup r) => new(
        r.Code,
        r.Name,
        r.Long("stations_expected"),
        r.Long("stations_reported"),
        r.Long("stations_on_time"),
        r.Double("reporting_rate"),
        r.Double("on_time_rate"),
        r.Double("village_visit_coverage"),
        r.Values["services_people_served"]);

    private sealed record Rollup(Period Period, string Level, string Code, string Name, string? ParentCode, IReadOnlyDictionary<string, double?> Values)
    {
        public long Long(string name) => (long)(Values[name] ?? 0);

        public double? Double(string name) => Values[name];
    }

    private sealed record StationPlace(string Code, string Name, string TownName, string DistrictCode, string DistrictName, string CityCode, string CityName);
}
