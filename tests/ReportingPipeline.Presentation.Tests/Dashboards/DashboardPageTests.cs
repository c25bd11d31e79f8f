using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Presentation.Dashboards;

namespace ReportingPipeline.Presentation.Tests.Dashboards;

public sealed partial class DashboardPageTests
{
    private const string Hostile = "</script><script>alert(1)</script><img src=x onerror=alert(2)>\u202E";

    [Fact]
    public void Render_HostileNames_StayTextAndCannotEndTheDataBlock()
    {
        var html = Encoding.UTF8.GetString(DashboardPage.Render(Data(Hostile)));

        Assert.Equal(3, ScriptOpen().Count(html));
        Assert.Equal(3, Regex.Count(html, "</script", RegexOptions.IgnoreCase));
        Assert.Contains("&lt;/script&gt;&lt;script&gt;alert(1)", html, StringComparison.Ordinal);
        Assert.DoesNotContain("\u202E", Outside(html), StringComparison.Ordinal);
        using var json = JsonDocument.Parse(DataBlock(html));
        var station = json.RootElement.GetProperty("cities")[0].GetProperty("children")[0].GetProperty("stations")[0];
        Assert.Equal(Hostile, station.GetProperty("name").GetString());
    }

    [Fact]
    public void Render_Always_AllowsNoNetworkAndOnlyItsOwnScripts()
    {
        var html = Encoding.UTF8.GetString(DashboardPage.Render(Data("沙面街社工站")));

        var csp = Csp().Match(html);
        Assert.True(csp.Success, "No Content-Security-Policy meta element.");
        var policy = System.Net.WebUtility.HtmlDecode(csp.Groups[1].Value);
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains(DashboardAssets.CspHash(DashboardAssets.ECharts), policy, StringComparison.Ordinal);
        Assert.Contains(DashboardAssets.CspHash(DashboardAssets.Script), policy, StringComparison.Ordinal);
        var page = Outside(html);
        Assert.DoesNotContain(" src=", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" href=", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", page, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Render_Kpis_CarryRawValueAndShowFormattedFigure()
    {
        var html = Encoding.UTF8.GetString(DashboardPage.Render(Data("沙面街社工站")));

        Assert.Contains("data-kpi=\"reporting_rate\" data-value=\"0.75\" data-previous=\"0.5\" data-change=\"0.25\"", html, StringComparison.Ordinal);
        Assert.Contains("<p class=\"value\">75.0%</p>", html, StringComparison.Ordinal);
        Assert.Contains("data-kpi=\"services_people_served\" data-value=\"12345\"", html, StringComparison.Ordinal);
        Assert.Contains("<p class=\"value\">12,345</p>", html, StringComparison.Ordinal);
        Assert.Contains("▲ 25.0 个百分点", html, StringComparison.Ordinal);
    }

    /// <summary>The page with the contents of every script element removed.</summary>
    private static string Outside(string html) => ScriptBody().Replace(html, "<script></script>");

    private static string DataBlock(string html)
    {
        const string start = "<script type=\"application/json\" id=\"dashboard-data\">";
        var from = html.IndexOf(start, StringComparison.Ordinal) + start.Length;
        return html[from..html.IndexOf("</script>", from, StringComparison.Ordinal)];
    }

    private static DashboardData Data(string stationName)
    {
        var april = new Period(2022, 4);
        var march = new Period(2022, 3);
        var figures = new RegionFigures("4401", "广州市", 4, 3, 2, 0.75, 0.5, 0.9, 12345);
        var station = new StationStatus("440103001", stationName, "沙面街道", "accepted", true, new DateTimeOffset(2022, 5, 3, 1, 0, 0, TimeSpan.Zero), 1, 0, 2);
        var district = new RegionStatus(figures with { Code = "440103", Name = "荔湾区" }, [], [station]);
        return new DashboardData(
            DashboardData.SchemaId, "build-1", new DateTimeOffset(2022, 5, 20, 0, 0, 0, TimeSpan.Zero), april, true, march,
            [new(march, "2022年3月", true), new(april, "2022年4月", true)],
            [
                new("reporting_rate", "报送率", "Reporting rate", KpiUnit.Ratio, 0.75, 0.5, 0.25, 3, 4),
                new("services_people_served", "服务人次", "People served", KpiUnit.Count, 12345, null, null, null, null),
            ],
            [new RegionStatus(figures, [district], [])],
            [new(1, "440103", "荔湾区", "广州市", 4, 3, 0.75, 0.5, 12345, 4115)],
            [new("440103001", stationName, "荔湾区", "广州市", 1, 2, 2, 0, 0, 1, "cell.not_count", 2, "不是非负整数", "not a non-negative integer")],
            new DashboardTrends([march, april], new Dictionary<string, IReadOnlyList<double?>> { ["reporting_rate"] = [0.5, 0.75] }, [new("4401", "广州市", [0.5, 0.75])]),
            [new("month", "2022年4月", "2022-04", [april], [new("city", "4401", "广州市", "44", new Dictionary<string, double?> { ["reporting_rate"] = 0.75 })])]);
    }

    [GeneratedRegex("<script", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptOpen();

    [GeneratedRegex("(?s)<script([^>]*)>.*?</script>")]
    private static partial Regex ScriptBody();

    [GeneratedRegex("<meta http-equiv=\"Content-Security-Policy\" content=\"([^\"]*)\">")]
    private static partial Regex Csp();
}
