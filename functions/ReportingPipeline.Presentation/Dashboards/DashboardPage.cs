using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Reporting;

namespace ReportingPipeline.Presentation.Dashboards;

/// <summary>
/// Renders <see cref="DashboardData"/> as one self-contained HTML page in Chinese with English labels. Headline
/// figures and tables are plain HTML (readable with scripts off, printable, searchable); the charts are drawn by
/// the inlined ECharts from the data embedded as JSON. Nothing is fetched at view time: the Content-Security-Policy
/// allows no network and only the two inline scripts by hash, so even an escaping bug could not run injected code.
/// Figures carry their raw value in <c>data-*</c> attributes for tests and for anyone scraping the page.
/// </summary>
public static class DashboardPage
{
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static byte[] Render(DashboardData data)
    {
        var page = new StringBuilder(256 * 1024);
        var month = MonthLabel(data.Month, data.Months);
        var echarts = DashboardAssets.ECharts;
        var script = DashboardAssets.Script;
        var csp = $"default-src 'none'; script-src {DashboardAssets.CspHash(echarts)} {DashboardAssets.CspHash(script)}; style-src 'unsafe-inline'; img-src data:";

        page.Append("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"").Append(H(csp)).Append("\">\n")
            .Append("<title>").Append(H($"双百工程社工站月报看板 · {month} · Double Hundred stations dashboard")).Append("</title>\n")
            .Append("<style>\n").Append(DashboardAssets.Styles).Append("</style>\n</head>\n<body>\n<main>\n");

        page.Append("<header class=\"page\">\n<div><h1>双百工程社工站月报看板 <span class=\"en\">Double Hundred social work stations: monthly dashboard</span></h1>\n")
            .Append("<p>统计月份 <span class=\"en\">Month</span> <b data-month=\"").Append(H(data.Month.ToString())).Append("\">").Append(H(month)).Append("</b> · ")
            .Append(data.MonthClosed ? "已过报送截止日 <span class=\"en\">deadline passed</span>" : "报送尚未截止 <span class=\"en\">still open: figures will change</span>")
            .Append("</p></div>\n<p>数据更新于 <span class=\"en\">Marts built</span> ").Append(H(Beijing(data.BuiltAt))).Append("</p>\n</header>\n");

        Kpis(page, data);
        Trends(page);
        Status(page, data, month);
        Ranking(page, data, month);
        Levels(page, data);
        Problems(page, data);

        page.Append("<footer>数据来源 <span class=\"en\">Source</span>: Parquet marts, build <code>").Append(H(data.BuildId)).Append("</code> · ")
            .Append("图表 <span class=\"en\">Charts</span>: Apache ECharts ").Append(H(DashboardAssets.EChartsVersion)).Append(" (Apache-2.0, with ZRender, BSD-3-Clause) · ")
            .Append("比率均由汇总后的分子分母计算 <span class=\"en\">ratios are computed from summed numerators and denominators</span></footer>\n</main>\n");

        // JavaScriptEncoder escapes < > & ' " in every string, so no station name can close this element.
        page.Append("<script type=\"application/json\" id=\"dashboard-data\">")
            .Append(JsonSerializer.Serialize(data, PipelineJson.Compact))
            .Append("</script>\n<script>").Append(echarts).Append("</script>\n<script>").Append(script).Append("</script>\n</body>\n</html>\n");
        return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(page.ToString());
    }

    private static void Kpis(StringBuilder page, DashboardData data)
    {
        var previous = data.PreviousMonth is { } p ? p.ToString() : null;
        page.Append("<section aria-labelledby=\"kpi-title\">\n<h2 id=\"kpi-title\">本月概况 <span class=\"en\">Headline figures</span></h2>\n<div class=\"kpis\">\n");
        foreach (var kpi in data.Kpis)
        {
            page.Append("<article class=\"kpi\" data-kpi=\"").Append(H(kpi.Measure)).Append("\" data-value=\"").Append(Raw(kpi.Value))
                .Append("\" data-previous=\"").Append(Raw(kpi.Previous)).Append("\" data-change=\"").Append(Raw(kpi.Change)).Append("\">\n")
                .Append("<h3>").Append(H(kpi.LabelZh)).Append(" <span class=\"en\">").Append(H(kpi.LabelEn)).Append("</span></h3>\n")
                .Append("<p class=\"value\">").Append(H(Format(kpi.Value, kpi.Unit))).Append("</p>\n");
            var (css, text) = Change(kpi);
            page.Append("<p class=\"change ").Append(css).Append("\">").Append(text);
            if (previous is not null && kpi.Change is not null)
            {
                page.Append(" <span class=\"en\">vs ").Append(H(previous)).Append("</span>");
            }

            page.Append("</p>\n");
            if (kpi.Numerator is { } n && kpi.Denominator is { } d)
            {
                page.Append("<p class=\"detail\">").Append(H(Detail(kpi.Measure, n, d))).Append("</p>\n");
            }

            page.Append("</article>\n");
        }

        page.Append("</div>\n</section>\n");
    }

    private static void Trends(StringBuilder page)
    {
        page.Append("<section aria-labelledby=\"trend-title\">\n<h2 id=\"trend-title\">月度趋势 <span class=\"en\">Trends, all months</span></h2>\n")
            .Append("<p id=\"chart-notice\" hidden></p>\n<div class=\"charts\">\n");
        Chart(page, "chart-rates", "报送、走访与经费比率", "Rates (%)");
        Chart(page, "chart-volumes", "服务量与热线", "Services and hotline volumes");
        Chart(page, "chart-funds", "经费到位与支出", "Funds received and spent");
        Chart(page, "chart-cities", "各市报送率", "Reporting rate by city (%)");
        page.Append("</div>\n</section>\n");
    }

    private static void Chart(StringBuilder page, string id, string zh, string en, string css = "chart") =>
        page.Append("<figure><figcaption>").Append(H(zh)).Append(" <span class=\"en\">").Append(H(en)).Append("</span></figcaption>")
            .Append("<div class=\"").Append(css).Append("\" id=\"").Append(id).Append("\" role=\"img\" aria-label=\"").Append(H($"{zh} {en}")).Append("\"></div></figure>\n");

    private static void Status(StringBuilder page, DashboardData data, string month)
    {
        page.Append("<section aria-labelledby=\"status-title\">\n<h2 id=\"status-title\">报送情况 <span class=\"en\">Reporting status</span> · ").Append(H(month)).Append("</h2>\n")
            .Append("<p class=\"note\">点击市、区展开到镇街社工站。 <span class=\"en\">Click a city or district to drill down to its towns' stations.</span></p>\n")
            .Append("<div class=\"tree\">\n<div class=\"row head\"><span>地区 <span class=\"en\">Region</span></span><span>应报 <span class=\"en\">Expected</span></span>")
            .Append("<span>已报 <span class=\"en\">Reported</span></span><span>未报 <span class=\"en\">Not reported</span></span><span>报送率 <span class=\"en\">Reporting</span></span>")
            .Append("<span>按时率 <span class=\"en\">On time</span></span><span>走访覆盖 <span class=\"en\">Visit coverage</span></span><span>服务人次 <span class=\"en\">People served</span></span></div>\n");
        foreach (var city in data.Cities)
        {
            page.Append("<details class=\"city\" data-region=\"").Append(H(city.Figures.Code)).Append("\">\n<summary>");
            RegionRow(page, city.Figures);
            page.Append("</summary>\n");
            foreach (var district in city.Children)
            {
                page.Append("<details class=\"district\" data-region=\"").Append(H(district.Figures.Code)).Append("\">\n<summary>");
                RegionRow(page, district.Figures);
                page.Append("</summary>\n<div class=\"towns\">");
                Towns(page, district.Stations, data.MonthClosed);
                page.Append("</div>\n</details>\n");
            }

            page.Append("</details>\n");
        }

        page.Append("</div>\n</section>\n");
    }

    private static void RegionRow(StringBuilder page, RegionFigures r)
    {
        page.Append("<div class=\"row\" data-expected=\"").Append(r.Expected.ToString(Invariant)).Append("\" data-reported=\"").Append(r.Reported.ToString(Invariant))
            .Append("\" data-reporting-rate=\"").Append(Raw(r.ReportingRate)).Append("\">")
            .Append("<span class=\"name\">").Append(H(r.Name)).Append(" <span class=\"en\">").Append(H(r.Code)).Append("</span></span>")
            .Append("<span>").Append(r.Expected.ToString("N0", Invariant)).Append("</span>")
            .Append("<span>").Append(r.Reported.ToString("N0", Invariant)).Append("</span>")
            .Append("<span").Append(r.Expected > r.Reported ? " class=\"low\"" : string.Empty).Append('>').Append((r.Expected - r.Reported).ToString("N0", Invariant)).Append("</span>")
            .Append("<span>").Append(Meter(r.ReportingRate)).Append(H(Percent(r.ReportingRate))).Append("</span>")
            .Append("<span>").Append(H(Percent(r.OnTimeRate))).Append("</span>")
            .Append("<span>").Append(H(Percent(r.VillageVisitCoverage))).Append("</span>")
            .Append("<span>").Append(H(Format(r.PeopleServed, KpiUnit.Count))).Append("</span></div>");
    }

    private static void Towns(StringBuilder page, IReadOnlyList<StationStatus> stations, bool closed)
    {
        if (stations.Count == 0)
        {
            page.Append("<p class=\"note\">本月无应报社工站。 <span class=\"en\">No station was expected to report this month.</span></p>");
            return;
        }

        page.Append("<table>\n<thead><tr><th>社工站 <span class=\"en\">Station</span></th><th>镇街 <span class=\"en\">Town</span></th><th>状态 <span class=\"en\">Status</span></th>")
            .Append("<th>按时 <span class=\"en\">On time</span></th><th>接收时间 <span class=\"en\">Received (Beijing)</span></th><th class=\"n\">版本 <span class=\"en\">Version</span></th>")
            .Append("<th class=\"n\">错误 <span class=\"en\">Errors</span></th><th class=\"n\">提示 <span class=\"en\">Warnings</span></th></tr></thead>\n<tbody>\n");
        foreach (var s in stations)
        {
            var (zh, en) = StatusLabel(s.Status, closed);
            page.Append("<tr data-station=\"").Append(H(s.StationCode)).Append("\" data-status=\"").Append(H(s.Status)).Append("\">")
                .Append("<td>").Append(H(s.Name)).Append(" <span class=\"en\">").Append(H(s.StationCode)).Append("</span></td>")
                .Append("<td>").Append(H(s.TownName)).Append("</td>")
                .Append("<td><span class=\"badge s-").Append(H(s.Status)).Append("\">").Append(H(zh)).Append(' ').Append(H(en)).Append("</span></td>")
                .Append("<td>").Append(s.OnTime switch { true => "按时 <span class=\"en\">yes</span>", false => "<span class=\"low\">逾期</span> <span class=\"en\">late</span>", null => "—" }).Append("</td>")
                .Append("<td>").Append(s.ReceivedAt is { } at ? H(Beijing(at)) : "—").Append("</td>")
                .Append("<td class=\"n\">").Append(s.Version?.ToString(Invariant) ?? "—").Append("</td>")
                .Append("<td class=\"n\">").Append(s.Errors?.ToString(Invariant) ?? "—").Append("</td>")
                .Append("<td class=\"n\">").Append(s.Warnings?.ToString(Invariant) ?? "—").Append("</td></tr>\n");
        }

        page.Append("</tbody>\n</table>");
    }

    private static void Ranking(StringBuilder page, DashboardData data, string month)
    {
        page.Append("<section aria-labelledby=\"ranking-title\">\n<h2 id=\"ranking-title\">区县排名 <span class=\"en\">District ranking</span> · ").Append(H(month)).Append("</h2>\n")
            .Append("<p class=\"note\">按报送率排序，相同时按每站服务人次。 <span class=\"en\">By reporting rate, then people served per reporting station.</span></p>\n")
            .Append("<div class=\"two\">\n<div class=\"scroll\"><table>\n<thead><tr><th class=\"n\">#</th><th>区县 <span class=\"en\">District</span></th><th>市 <span class=\"en\">City</span></th>")
            .Append("<th class=\"n\">报送率 <span class=\"en\">Reporting</span></th><th class=\"n\">按时率 <span class=\"en\">On time</span></th>")
            .Append("<th class=\"n\">服务人次 <span class=\"en\">People served</span></th><th class=\"n\">每站 <span class=\"en\">Per station</span></th></tr></thead>\n<tbody>\n");
        foreach (var d in data.Ranking)
        {
            page.Append("<tr data-rank-district=\"").Append(H(d.Code)).Append("\" data-rank=\"").Append(d.Rank.ToString(Invariant)).Append("\" data-reporting-rate=\"").Append(Raw(d.ReportingRate)).Append("\">")
                .Append("<td class=\"n\">").Append(d.Rank.ToString(Invariant)).Append("</td>")
                .Append("<td>").Append(H(d.Name)).Append("</td><td>").Append(H(d.CityName)).Append("</td>")
                .Append("<td class=\"n\">").Append(H(Percent(d.ReportingRate))).Append(" <span class=\"en\">").Append(d.Reported.ToString(Invariant)).Append('/').Append(d.Expected.ToString(Invariant)).Append("</span></td>")
                .Append("<td class=\"n\">").Append(H(Percent(d.OnTimeRate))).Append("</td>")
                .Append("<td class=\"n\">").Append(H(Format(d.PeopleServed, KpiUnit.Count))).Append("</td>")
                .Append("<td class=\"n\">").Append(d.PeoplePerStation is { } per ? per.ToString("N0", Invariant) : "—").Append("</td></tr>\n");
        }

        page.Append("</tbody>\n</table></div>\n");
        Chart(page, "chart-ranking", "每站服务人次前 15 位区县", "Top 15 districts by people served per station", "chart tall");
        page.Append("</div>\n</section>\n");
    }

    /// <summary>The measures shown in the figures-by-level tables (all of them are in the embedded data).</summary>
    public static readonly IReadOnlyList<(string Key, KpiUnit Unit)> LevelColumns =
    [
        ("reporting_rate", KpiUnit.Ratio), ("on_time_rate", KpiUnit.Ratio), ("village_visit_coverage", KpiUnit.Ratio),
        ("social_workers", KpiUnit.Count), ("certified_share", KpiUnit.Ratio), ("services_people_served", KpiUnit.Count),
        ("hotline_calls", KpiUnit.Count), ("funds_spent", KpiUnit.Money), ("spend_rate", KpiUnit.Ratio),
    ];

    private static readonly Dictionary<string, string> LevelNames = new(StringComparer.Ordinal)
    {
        ["province"] = "省", ["city"] = "市", ["district"] = "区县", ["town"] = "镇街", ["village"] = "村居",
    };

    private static void Levels(StringBuilder page, DashboardData data)
    {
        page.Append("<section aria-labelledby=\"levels-title\">\n<h2 id=\"levels-title\">各级指标 <span class=\"en\">Figures by level</span></h2>\n")
            .Append("<p class=\"note\">由指标目录的定义从事实表计算，与 Power BI 度量值相同：比率为分子分母汇总后相除；社工、持证社工人数取所选月份中最后一个有报送的月份；")
            .Append("社工站的指标在村居一级为空。 <span class=\"en\">Computed from the fact tables by the measure catalogue, as the Power BI measures are: ratios of sums; ")
            .Append("head counts at the last month of the selection with reports; station figures are blank for a village.</span></p>\n");
        foreach (var selection in data.Figures)
        {
            page.Append("<details").Append(selection.Key == "month" ? " open" : string.Empty).Append(" data-figures=\"").Append(H(selection.Key)).Append("\"><summary>")
                .Append(H(selection.LabelZh)).Append(" <span class=\"en\">").Append(H(selection.LabelEn)).Append("</span></summary>\n")
                .Append("<div class=\"scroll\"><table>\n<thead><tr><th>级别 <span class=\"en\">Level</span></th><th>地区 <span class=\"en\">Region</span></th>");
            foreach (var (key, _) in LevelColumns)
            {
                var measure = Measures.MeasureCatalogue.Get(key);
                page.Append("<th class=\"n\">").Append(H(measure.Name)).Append(" <span class=\"en\">").Append(H(key)).Append("</span></th>");
            }

            page.Append("</tr></thead>\n<tbody>\n");
            foreach (var region in selection.Regions)
            {
                page.Append("<tr data-level=\"").Append(H(region.Level)).Append("\" data-region=\"").Append(H(region.Code)).Append("\">")
                    .Append("<td>").Append(H(LevelNames.GetValueOrDefault(region.Level, region.Level))).Append("</td>")
                    .Append("<td>").Append(H(region.Name)).Append(" <span class=\"en\">").Append(H(region.Code)).Append("</span></td>");
                foreach (var (key, unit) in LevelColumns)
                {
                    var value = region.Values.GetValueOrDefault(key);
                    page.Append("<td class=\"n\" data-measure=\"").Append(H(key)).Append("\" data-value=\"").Append(Raw(value)).Append("\">")
                        .Append(H(Format(value, unit))).Append("</td>");
                }

                page.Append("</tr>\n");
            }

            page.Append("</tbody>\n</table></div>\n</details>\n");
        }

        page.Append("</section>\n");
    }

    private static void Problems(StringBuilder page, DashboardData data)
    {
        page.Append("<section aria-labelledby=\"problems-title\">\n<h2 id=\"problems-title\">校验问题最多的社工站 <span class=\"en\">Stations with the most validation problems</span></h2>\n")
            .Append("<p class=\"note\">全部月份，按各月当前版本（无接收版本时为最近一次未通过的上传）的问题计。 ")
            .Append("<span class=\"en\">All months; issues of each month's current version (or latest rejected upload when none was accepted).</span></p>\n");
        if (data.ProblemStations.Count == 0)
        {
            page.Append("<p>没有校验问题。 <span class=\"en\">No validation problems.</span></p>\n</section>\n");
            return;
        }

        page.Append("<div class=\"scroll\"><table>\n<thead><tr><th>社工站 <span class=\"en\">Station</span></th><th>区县 <span class=\"en\">District</span></th>")
            .Append("<th class=\"n\">错误 <span class=\"en\">Errors</span></th><th class=\"n\">提示 <span class=\"en\">Warnings</span></th><th class=\"n\">有问题月数 <span class=\"en\">Months</span></th>")
            .Append("<th class=\"n\">未通过月 <span class=\"en\">Rejected</span></th><th class=\"n\">未报月 <span class=\"en\">Missing</span></th><th class=\"n\">逾期月 <span class=\"en\">Late</span></th>")
            .Append("<th>最常见问题 <span class=\"en\">Most frequent problem</span></th></tr></thead>\n<tbody>\n");
        foreach (var s in data.ProblemStations)
        {
            page.Append("<tr data-problem-station=\"").Append(H(s.StationCode)).Append("\" data-errors=\"").Append(s.Errors.ToString(Invariant))
                .Append("\" data-warnings=\"").Append(s.Warnings.ToString(Invariant)).Append("\">")
                .Append("<td>").Append(H(s.Name)).Append(" <span class=\"en\">").Append(H(s.StationCode)).Append("</span></td>")
                .Append("<td>").Append(H(s.CityName)).Append(' ').Append(H(s.DistrictName)).Append("</td>")
                .Append("<td class=\"n").Append(s.Errors > 0 ? " low" : string.Empty).Append("\">").Append(s.Errors.ToString(Invariant)).Append("</td>")
                .Append("<td class=\"n\">").Append(s.Warnings.ToString(Invariant)).Append("</td>")
                .Append("<td class=\"n\">").Append(s.MonthsWithIssues.ToString(Invariant)).Append("</td>")
                .Append("<td class=\"n\">").Append(s.RejectedMonths.ToString(Invariant)).Append("</td>")
                .Append("<td class=\"n\">").Append(s.MissingMonths.ToString(Invariant)).Append("</td>")
                .Append("<td class=\"n\">").Append(s.LateMonths.ToString(Invariant)).Append("</td>")
                .Append("<td><code>").Append(H(s.TopRuleId)).Append("</code> ×").Append(s.TopRuleCount.ToString(Invariant))
                .Append("<br>").Append(H(s.TopRuleMessageZh)).Append("<br><span class=\"en\">").Append(H(s.TopRuleMessageEn)).Append("</span></td></tr>\n");
        }

        page.Append("</tbody>\n</table></div>\n</section>\n");
    }

    /// <summary>Text from the marts (names, messages) without control or bidi characters, HTML-encoded.</summary>
    private static string H(string? text) => Html.Encode(SafeText.RemoveControls(text ?? string.Empty));

    /// <summary>A figure as shown: percentages with one decimal, counts with thousands separators.</summary>
    public static string Format(double? value, KpiUnit unit) => value switch
    {
        null => "—",
        { } v => unit switch
        {
            KpiUnit.Ratio => Percent(v),
            KpiUnit.Money => "¥" + v.ToString("N2", Invariant),
            _ => v.ToString("N0", Invariant),
        },
    };

    public static string Percent(double? ratio) => ratio is { } r ? (r * 100).ToString("0.0", Invariant) + "%" : "—";

    private static string Raw(double? value) => value?.ToString("R", Invariant) ?? string.Empty;

    private static (string Css, string Html) Change(Kpi kpi)
    {
        if (kpi.Change is not { } change)
        {
            return ("flat", "— <span class=\"en\">no previous month</span>");
        }

        var arrow = change > 0 ? "▲" : change < 0 ? "▼" : "■";
        var css = change > 0 ? "up" : change < 0 ? "down" : "flat";
        var size = Math.Abs(change * 100).ToString("0.0", Invariant);
        return kpi.Unit == KpiUnit.Ratio
            ? (css, $"{arrow} {size} 个百分点 <span class=\"en\">pp</span>")
            : (css, $"{arrow} {size}% <span class=\"en\">month on month</span>");
    }

    private static string Detail(string measure, double numerator, double denominator)
    {
        var (zh, en) = measure switch
        {
            "reporting_rate" => ("已报/应报站", "stations reported / expected"),
            "on_time_rate" => ("按时/应报站", "stations on time / expected"),
            "village_visit_coverage" => ("已走访/应走访村居", "villages visited / expected"),
            "certified_share" => ("持证/社工", "certified / social workers"),
            "spend_rate" => ("支出/到位 元", "yuan spent / received"),
            _ => (string.Empty, string.Empty),
        };
        return $"{numerator.ToString("N0", Invariant)} / {denominator.ToString("N0", Invariant)} {zh} {en}";
    }

    private static (string Zh, string En) StatusLabel(string status, bool closed) => status switch
    {
        SubmissionStatuses.Accepted => ("已接收", "accepted"),
        SubmissionStatuses.AcceptedWithWarnings => ("有提示", "with warnings"),
        SubmissionStatuses.Rejected => ("未通过", "rejected"),
        SubmissionStatuses.Missing => closed ? ("未报送", "missing") : ("待报送", "not yet"),
        _ => (status, status),
    };

    private static string MonthLabel(Period period, IReadOnlyList<DashboardMonth> months) =>
        (months.FirstOrDefault(m => m.Period == period)?.LabelZh is { Length: > 0 } zh ? zh : string.Create(Invariant, $"{period.Year}年{period.Month}月")) + $" ({period})";

    /// <summary>Times as the programme reads them: Beijing time.</summary>
    private static string Beijing(DateTimeOffset time) =>
        time.ToOffset(DeadlinePolicy.Default.UtcOffset).ToString("yyyy-MM-dd HH:mm", Invariant);

    private static string Meter(double? ratio) =>
        ratio is { } r ? string.Create(Invariant, $"<span class=\"meter\"><i style=\"width:{Math.Clamp(r, 0, 1) * 100:0.#}%\"></i></span>") : string.Empty;
}
