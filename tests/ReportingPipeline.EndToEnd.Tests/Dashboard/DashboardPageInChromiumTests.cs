using System.Globalization;
using ReportingPipeline.Testing;

namespace ReportingPipeline.EndToEnd.Tests.Dashboard;

/// <summary>The dashboard opened in real headless Chromium; every figure checked against the marts read by DuckDB.</summary>
public sealed class DashboardPageInChromiumTests(RenderedDashboard dashboard) : IClassFixture<RenderedDashboard>
{
    private static readonly string[] RatioMeasures = ["reporting_rate", "on_time_rate", "village_visit_coverage", "certified_share", "spend_rate"];

    [Fact]
    public void Page_InChromium_RunsWithoutScriptErrors()
    {
        var page = dashboard.Shown();

        Assert.True(dashboard.Errors.Count == 0, "Errors in the page:\n" + string.Join('\n', dashboard.Errors));
        Assert.Equal("true", page.Ready);
    }

    [Fact]
    public void Page_HostileStationName_ShownAsTextNeverRun()
    {
        var page = dashboard.Shown();

        Assert.Equal("undefined", page.Pwned);
        var row = Assert.Single(page.Stations, s => s.Code == dashboard.HostileStation);
        Assert.StartsWith(RenderedDashboard.HostileName, row.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Page_HeadlineFigures_EqualProvinceRollupOfLatestClosedMonth()
    {
        var page = dashboard.Shown();
        using var marts = new MartReader(dashboard.MartsFolder);
        var month = LatestClosedMonth(marts);
        Assert.Equal(month[..7], page.Month);

        Assert.Equal(7, page.Kpis.Count);
        foreach (var kpi in page.Kpis)
        {
            var rows = marts.Query($"SELECT CAST({kpi.Measure} AS DOUBLE) FROM agg_region_month WHERE level = 'province' AND period = DATE '{month}'");
            var expected = (double)Assert.Single(rows)[0]!;
            Assert.True(kpi.Value is { } shown && Math.Abs(shown - expected) < 1e-9, $"{kpi.Measure}: page {kpi.Value}, marts {expected}");
            var text = RatioMeasures.Contains(kpi.Measure)
                ? (expected * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%"
                : expected.ToString("N0", CultureInfo.InvariantCulture);
            Assert.Equal(text, kpi.Text);
        }
    }

    [Fact]
    public void Page_StatusTable_CitiesAndStationsEqualTheMarts()
    {
        var page = dashboard.Shown();
        using var marts = new MartReader(dashboard.MartsFolder);
        var month = LatestClosedMonth(marts);

        var cities = marts.Query($"SELECT region_code, stations_expected, stations_reported, reporting_rate FROM agg_region_month WHERE level = 'city' AND period = DATE '{month}' ORDER BY region_code")
            .Select(r => new ShownRegion((string)r[0]!, (long)r[1]!, (long)r[2]!, (double?)r[3]))
            .ToList();
        Assert.NotEmpty(cities);
        Assert.Equal(cities, page.Cities);

        var stations = marts.Query($"SELECT station_code, status FROM fct_submission WHERE period = DATE '{month}' ORDER BY station_code")
            .Select(r => ((string)r[0]!, (string)r[1]!))
            .ToList();
        Assert.Equal(stations, page.Stations.Select(s => (s.Code, s.Status)).OrderBy(s => s.Code, StringComparer.Ordinal).ToList());
    }

    [Fact]
    public void Page_FiguresByLevel_EqualDuckDbRecomputationFromTheFactsAtEveryLevel()
    {
        var page = dashboard.Shown();
        using var marts = new MartReader(dashboard.MartsFolder);
        var month = LatestClosedMonth(marts);
        var shown = page.Levels.Where(f => f.Selection == "month").ToList();

        Assert.Equal(["province", "city", "district", "town", "village"], shown.Select(f => f.Level).Distinct());
        // Written from the contract: ratios of sums, head counts at the month, station figures blank for a village.
        var sql = new Dictionary<string, Func<string, string>>(StringComparer.Ordinal)
        {
            ["reporting_rate"] = c => $"SELECT count(*) FILTER (WHERE status IN ('accepted', 'accepted_with_warnings')) / NULLIF(count(*), 0) FROM fct_submission WHERE period = DATE '{month}' AND starts_with(station_code, '{c}')",
            ["social_workers"] = c => $"SELECT sum(social_workers) FROM fct_station_month WHERE period = DATE '{month}' AND starts_with(station_code, '{c}')",
            ["services_people_served"] = c => $"SELECT sum(people_served) FROM fct_services WHERE period = DATE '{month}' AND starts_with(village_code, '{c}')",
            ["village_visit_coverage"] = c => $"""
                SELECT (SELECT count(*) FROM fct_visits WHERE period = DATE '{month}' AND starts_with(village_code, '{c}') AND coalesce(resident_visits, 0) + coalesce(client_visits, 0) > 0)
                     / NULLIF((SELECT count(*) FROM fct_submission s JOIN dim_region r ON r.town_code = s.station_code WHERE s.period = DATE '{month}' AND starts_with(r.village_code, '{c}')), 0)
                """,
        };
        foreach (var figure in shown.Where(f => sql.ContainsKey(f.Measure)))
        {
            double? expected = figure.Level == "village" && figure.Measure is "reporting_rate" or "social_workers"
                ? null
                : marts.Query($"SELECT CAST(({sql[figure.Measure](figure.Code)}) AS DOUBLE)").Select(r => (double?)r[0]).Single();
            Assert.True(expected is null ? figure.Value is null : figure.Value is { } v && Math.Abs(v - expected.Value) <= 1e-9 * Math.Max(1, Math.Abs(expected.Value)),
                $"{figure.Level} {figure.Code} {figure.Measure}: page {figure.Value}, DuckDB {expected}");
        }
    }

    [Fact]
    public void Page_DrillDown_ClickingCityAndDistrictShowsTheirTowns()
    {
        var page = dashboard.Shown();

        Assert.False(page.Drill.VisibleBefore, $"Station {page.Drill.Station} is visible before its city and district are opened.");
        Assert.True(page.Drill.VisibleAfter, $"Station {page.Drill.Station} stays hidden after opening its city and district.");
    }

    [Fact]
    public void Page_Charts_DrawnOnNonEmptyCanvases()
    {
        var page = dashboard.Shown();

        Assert.Equal(RenderedDashboard.ChartIds, page.Canvases.Select(c => c.Id));
        foreach (var canvas in page.Canvases)
        {
            Assert.True(canvas.Width > 0 && canvas.Height > 0, $"{canvas.Id} has a {canvas.Width}x{canvas.Height} canvas.");
            Assert.True(canvas.Painted > 1000, $"{canvas.Id} painted only {canvas.Painted} pixels.");
        }
    }

    [Fact]
    public void Page_Screenshot_SavedAsPng()
    {
        dashboard.Shown();

        var png = File.ReadAllBytes(dashboard.ScreenshotFile);
        Assert.True(png.Length > 20_000, $"{dashboard.ScreenshotFile} is only {png.Length} bytes.");
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
    }

    /// <summary>The first day of the latest closed month, <c>yyyy-MM-dd</c>.</summary>
    private static string LatestClosedMonth(MartReader marts) =>
        marts.Scalar<string>("SELECT strftime(max(date), '%Y-%m-%d') FROM dim_period WHERE closed");
}
