using ReportingPipeline.Core.Contract;
using ReportingPipeline.Presentation.Dashboards;
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
            Assert.Equal(now, kpi.Value);
            Assert.Equal(before, kpi.Previous);
            double? change = now is { } n && before is { } b
                ? kpi.Unit == KpiUnit.Ratio ? n - b : b == 0 ? null : (n - b) / b
                : null;
            Assert.Equal(change, kpi.Change);
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
    public async Task BuildAsync_SameMarts_SameBytes()
    {
        var builder = new DashboardBuilder(built.Scenario.Store);

        Assert.Equal(await builder.BuildAsync(), await builder.BuildAsync());
    }

    private static double? Province(MartReader marts, string measure, string firstDay) =>
        marts.Query($"SELECT CAST({measure} AS DOUBLE) FROM agg_region_month WHERE level = 'province' AND period = DATE '{firstDay}'")
            .Select(r => (double?)r[0])
            .SingleOrDefault();
}
