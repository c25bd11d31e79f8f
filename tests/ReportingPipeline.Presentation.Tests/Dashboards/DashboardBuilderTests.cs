using ReportingPipeline.Core.Contract;
using ReportingPipeline.Presentation.Dashboards;
using ReportingPipeline.Presentation.Measures;
using ReportingPipeline.Storage.LocalFolder;
using ReportingPipeline.Testing;

namespace ReportingPipeline.Presentation.Tests.Dashboards;

/// <summary>The dashboard's figures read from the standard mart scenario, compared with DuckDB's reading of the same files.</summary>
public sealed class DashboardBuilderTests(BuiltMarts built) : IClassFixture<BuiltMarts>, IAsyncLifetime
{
    private DashboardData _data = null!;

    public async Task InitializeAsync() =>
        _data = await new DashboardBuilder(built.Scenario.Store).ReadAsync() ?? throw new InvalidOperationException("No dashboard data.");

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task ReadAsync_EmptyStore_ReturnsNull()
    {
        var root = Path.Combine(Path.GetTempPath(), "rp-dash-" + Guid.NewGuid().ToString("N"));
        try
        {
            Assert.Null(await new DashboardBuilder(new LocalFolderBlobStore(root)).ReadAsync());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void ReadAsync_MayStillOpen_ShowsAprilAgainstMarch()
    {
        Assert.Equal(new Period(2022, 4), _data.Month);
        Assert.True(_data.MonthClosed);
        Assert.Equal(new Period(2022, 3), _data.PreviousMonth);
        Assert.Equal([.. Period.Range(new Period(2021, 12), new Period(2022, 5))], _data.Months.Select(m => m.Period));
        Assert.False(_data.Months[^1].Closed);
    }

    [Fact]
    public void ReadAsync_Kpis_EqualTheProvinceRollupAndItsChange()
    {
        using var marts = built.Scenario.OpenReader();
        Assert.Equal(DashboardBuilder.KpiMeasures.Select(k => k.Measure), _data.Kpis.Select(k => k.Measure));
        foreach (var kpi in _data.Kpis)
        {
            var now = Province(marts, kpi.Measure, "2022-04-01");
            var before = Province(marts, kpi.Measure, "2022-03-01");
            // Computed from the facts by the catalogue, the rollup from the same facts by the builder: equal but for rounding.
            Close(now, kpi.Value, kpi.Measure);
            Close(before, kpi.Previous, kpi.Measure);
            double? change = now is { } n && before is { } b
                ? kpi.Unit == KpiUnit.Ratio ? n - b : b == 0 ? null : (n - b) / b
                : null;
            Close(change, kpi.Change, kpi.Measure);
        }
    }

    [Fact]
    public void ReadAsync_StatusTree_ListsEveryExpectedStationUnderItsDistrict()
    {
        using var marts = built.Scenario.OpenReader();
        var expected = marts.Query("""
            SELECT s.station_code, s.status, d.district_code, d.city_code
            FROM fct_submission s JOIN dim_station d USING (station_code)
            WHERE s.period = DATE '2022-04-01' ORDER BY s.station_code
            """).Select(r => ((string)r[0]!, (string)r[1]!, (string)r[2]!, (string)r[3]!));

        var shown = _data.Cities
            .SelectMany(c => c.Children.SelectMany(d => d.Stations.Select(s => (s.StationCode, s.Status, d.Figures.Code, c.Figures.Code))))
            .OrderBy(s => s.StationCode, StringComparer.Ordinal);

        Assert.Equal(expected, shown);
    }

    [Fact]
    public void ReadAsync_ProblemStations_CountIssuesOfEveryMonthMostFirst()
    {
        using var marts = built.Scenario.OpenReader();
        var expected = marts.Query("""
            SELECT station_code, count(*) FILTER (WHERE severity = 'error'), count(*) FILTER (WHERE severity = 'warning')
            FROM fct_validation_issue GROUP BY station_code
            """).ToDictionary(r => (string)r[0]!, r => ((long)r[1]!, (long)r[2]!));

        Assert.NotEmpty(_data.ProblemStations);
        Assert.Equal(expected.Count, _data.ProblemStations.Count);
        foreach (var station in _data.ProblemStations)
        {
            Assert.Equal(expected[station.StationCode], (station.Errors, station.Warnings));
        }

        var totals = _data.ProblemStations.Select(p => p.Errors + p.Warnings).ToList();
        Assert.Equal(totals.OrderDescending(), totals);
    }

    [Fact]
    public void ReadAsync_Trends_CarryTheProvinceReportingRateOfEveryMonth()
    {
        using var marts = built.Scenario.OpenReader();
        var expected = _data.Months.Select(m => Province(marts, "reporting_rate", m.Period.FirstDay.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Equal(_data.Months.Select(m => m.Period), _data.Trends.Months);
        Assert.Equal(expected, _data.Trends.Totals["reporting_rate"]);
    }

    [Fact]
    public void ReadAsync_Figures_AreTheLatestClosedMonthAndQuarter()
    {
        Assert.Equal(["month", "quarter"], _data.Figures.Select(f => f.Key));
        Assert.Equal([new Period(2022, 4)], _data.Figures[0].Months);
        Assert.Equal([new Period(2022, 1), new Period(2022, 2), new Period(2022, 3)], _data.Figures[1].Months);
        Assert.Equal(["province", "city", "district", "town", "village"], _data.Figures[0].Regions.Select(r => r.Level).Distinct());
    }

    [Fact]
    public void ReadAsync_FiguresAtEveryLevelForAMonthAndAQuarter_EqualDuckDbRecomputationFromTheFacts()
    {
        using var marts = built.Scenario.OpenReader();
        var checkedValues = 0;
        foreach (var selection in _data.Figures)
        {
            var months = string.Join(", ", selection.Months.Select(m => $"DATE '{m.FirstDay:yyyy-MM-dd}'"));
            foreach (var region in selection.Regions)
            {
                var atVillage = region.Level == "village";
                Assert.Equal(MeasureCatalogue.All.Where(m => m.Time == MeasureTime.Selection).Select(m => m.Key).Order(StringComparer.Ordinal),
                    region.Values.Keys.Order(StringComparer.Ordinal));
                foreach (var (measure, shown) in region.Values)
                {
                    double? expected = atVillage && StationGrain.Contains(measure)
                        ? null
                        : marts.Query($"SELECT CAST(({Sql[measure](region.Code, months)}) AS DOUBLE)").Select(r => r[0] is null ? (double?)null : Convert.ToDouble(r[0], System.Globalization.CultureInfo.InvariantCulture)).Single();
                    var where = $"{selection.Key} {region.Level} {region.Code} {measure}: dashboard {shown}, DuckDB {expected}";
                    Assert.True(expected is null ? shown is null : shown is { } v && Math.Abs(v - expected.Value) <= 1e-9 * Math.Max(1, Math.Abs(expected.Value)), where);
                    checkedValues++;
                }
            }
        }

        // The scenario has what makes the semantics matter: a fully visited village, a quarter in which a station closed.
        var village = _data.Figures[0].Regions.First(r => r.Code == "440103001001");
        Assert.Equal(1.0, village.Values["village_visit_coverage"]);
        Assert.Null(village.Values["reporting_rate"]);
        Assert.True(checkedValues > 1000, $"{checkedValues} values checked");
    }

    /// <summary>Measures of station facts: blank for a single village.</summary>
    private static readonly HashSet<string> StationGrain =
    [
        "stations_expected", "stations_reported", "stations_not_reported", "stations_on_time", "reporting_rate", "on_time_rate",
        "social_workers", "certified_workers", "certified_share", "volunteers",
        "hotline_calls", "hotline_duty_shifts", "hotline_people_served", "hotline_resolved", "hotline_load", "hotline_resolution_rate",
        "funds_received", "funds_spent", "funds_in_kind", "spend_rate",
    ];

    // Written by hand from the contract, not from the catalogue: regions by code prefix, ratios of sums, head counts at
    // the last month of the selection in which the region has a station-month row.
    private static string Count(string table, string code, string months, string where = "true") =>
        $"SELECT count(*) FROM {table} WHERE period IN ({months}) AND starts_with(station_code, '{code}') AND ({where})";

    private static string Sum(string table, string column, string code, string months, string key = "station_code") =>
        $"SELECT sum({column}) FROM {table} WHERE period IN ({months}) AND starts_with({key}, '{code}')";

    private static string Ratio(string numerator, string denominator) => $"SELECT ({numerator}) / NULLIF(({denominator}), 0)";

    private static string Stock(string column, string code, string months) => $"""
        SELECT sum({column}) FROM fct_station_month WHERE starts_with(station_code, '{code}') AND period =
            (SELECT max(period) FROM fct_station_month WHERE period IN ({months}) AND starts_with(station_code, '{code}'))
        """;

    private static string VillagesExpected(string code, string months) =>
        $"SELECT count(*) FROM fct_submission s JOIN dim_region r ON r.town_code = s.station_code WHERE s.period IN ({months}) AND starts_with(r.village_code, '{code}')";

    private static string VillagesVisited(string code, string months) =>
        $"SELECT count(*) FROM fct_visits WHERE period IN ({months}) AND starts_with(village_code, '{code}') AND coalesce(resident_visits, 0) + coalesce(client_visits, 0) > 0";

    private static readonly Dictionary<string, Func<string, string, string>> Sql = new(StringComparer.Ordinal)
    {
        ["stations_expected"] = (c, m) => Count("fct_submission", c, m),
        ["stations_reported"] = (c, m) => Count("fct_submission", c, m, "status IN ('accepted', 'accepted_with_warnings')"),
        ["stations_not_reported"] = (c, m) => Count("fct_submission", c, m, "status IN ('rejected', 'missing')"),
        ["stations_on_time"] = (c, m) => Count("fct_submission", c, m, "on_time"),
        ["reporting_rate"] = (c, m) => Ratio(Count("fct_submission", c, m, "status IN ('accepted', 'accepted_with_warnings')"), Count("fct_submission", c, m)),
        ["on_time_rate"] = (c, m) => Ratio(Count("fct_submission", c, m, "on_time"), Count("fct_submission", c, m)),
        ["resident_visits"] = (c, m) => Sum("fct_visits", "resident_visits", c, m, "village_code"),
        ["client_visits"] = (c, m) => Sum("fct_visits", "client_visits", c, m, "village_code"),
        ["villages_expected"] = VillagesExpected,
        ["villages_visited"] = VillagesVisited,
        ["village_visit_coverage"] = (c, m) => Ratio(VillagesVisited(c, m), VillagesExpected(c, m)),
        ["social_workers"] = (c, m) => Stock("social_workers", c, m),
        ["certified_workers"] = (c, m) => Stock("certified_workers", c, m),
        ["volunteers"] = (c, m) => Stock("volunteers", c, m),
        ["certified_share"] = (c, m) => Ratio(Stock("certified_workers", c, m), Stock("social_workers", c, m)),
        ["services_people_served"] = (c, m) => Sum("fct_services", "people_served", c, m, "village_code"),
        ["services_cases"] = (c, m) => Sum("fct_services", "cases", c, m, "village_code"),
        ["services_groups"] = (c, m) => Sum("fct_services", "groups", c, m, "village_code"),
        ["services_activities"] = (c, m) => Sum("fct_services", "activities", c, m, "village_code"),
        ["hotline_calls"] = (c, m) => Sum("fct_hotline", "calls", c, m),
        ["hotline_duty_shifts"] = (c, m) => Sum("fct_hotline", "duty_shifts", c, m),
        ["hotline_people_served"] = (c, m) => Sum("fct_hotline", "people_served", c, m),
        ["hotline_resolved"] = (c, m) => Sum("fct_hotline", "resolved", c, m),
        ["hotline_load"] = (c, m) => Ratio(Sum("fct_hotline", "calls", c, m), Sum("fct_hotline", "duty_shifts", c, m)),
        ["hotline_resolution_rate"] = (c, m) => Ratio(Sum("fct_hotline", "resolved", c, m), Sum("fct_hotline", "people_served", c, m)),
        ["funds_received"] = (c, m) => Sum("fct_funds", "received", c, m),
        ["funds_spent"] = (c, m) => Sum("fct_funds", "spent", c, m),
        ["funds_in_kind"] = (c, m) => Sum("fct_funds", "in_kind", c, m),
        ["spend_rate"] = (c, m) => Ratio(Sum("fct_funds", "spent", c, m), Sum("fct_funds", "received", c, m)),
    };

    [Fact]
    public async Task BuildAsync_SameMarts_SameBytes()
    {
        var builder = new DashboardBuilder(built.Scenario.Store);

        Assert.Equal(await builder.BuildAsync(), await builder.BuildAsync());
    }

    private static void Close(double? expected, double? actual, string what) =>
        Assert.True(expected is null ? actual is null : actual is { } a && Math.Abs(a - expected.Value) <= 1e-9 * Math.Max(1, Math.Abs(expected.Value)),
            $"{what}: expected {expected}, got {actual}");

    private static double? Province(MartReader marts, string measure, string firstDay) =>
        marts.Query($"SELECT CAST({measure} AS DOUBLE) FROM agg_region_month WHERE level = 'province' AND period = DATE '{firstDay}'")
            .Select(r => (double?)r[0])
            .SingleOrDefault();
}
