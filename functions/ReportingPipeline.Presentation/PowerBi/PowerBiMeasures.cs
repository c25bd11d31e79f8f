using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Marts;

namespace ReportingPipeline.Presentation.PowerBi;

/// <summary>A DAX measure of the Power BI model.</summary>
/// <param name="Table">The mart table the measure lives on (its home fact).</param>
/// <param name="Name">The measure's name, Chinese as analysts read it.</param>
/// <param name="Folder">Display folder (Chinese).</param>
/// <param name="Description">What it means, in English.</param>
public sealed record PowerBiMeasure(MartTable Table, string Name, string Folder, string FormatString, string Expression, string Description);

/// <summary>
/// The measures analysts use, declared once: the TMDL model, <c>measures.dax</c> and the README are written from
/// this list. Ratios divide summed numerators by summed denominators (never average a ratio), the same rule
/// <c>agg_region_month</c> follows. Column references go through <see cref="Col"/>, which fails the generator when
/// a mart column is renamed, so a measure cannot silently point at a column that no longer exists.
/// </summary>
public static class PowerBiMeasures
{
    private const string Count = "#,0";
    private const string Yuan = "#,0.00";
    private const string Rate = "0.0%";
    private const string Change = "+0.0%;-0.0%;0.0%";

    private const string Reporting = "1 报送";
    private const string Visits = "2 走访";
    private const string Staff = "3 社工与志愿者";
    private const string Services = "4 服务";
    private const string Hotline = "5 热线";
    private const string Funds = "6 经费";
    private const string MonthOnMonth = "7 环比";
    private const string YearToDate = "8 年累计";

    public const string StationsExpected = "应报站点数";
    public const string StationsReported = "已报站点数";
    public const string StationsNotReported = "未报站点数";
    public const string StationsOnTime = "按时报送站点数";
    public const string ReportingRate = "报送率";
    public const string OnTimeRate = "按时报送率";
    public const string VillagesExpected = "应走访村居数";
    public const string VillagesVisited = "已走访村居数";
    public const string VillageVisitCoverage = "村居走访覆盖率";
    public const string ResidentVisits = "走访居民人次";
    public const string ClientVisits = "探访民政对象人次";
    public const string SocialWorkers = "社工人数";
    public const string CertifiedWorkers = "持证社工人数";
    public const string CertifiedShare = "持证社工占比";
    public const string Volunteers = "志愿者人数";
    public const string PeopleServed = "服务人次";
    public const string Cases = "个案数";
    public const string Groups = "小组数";
    public const string Activities = "社区活动场次";
    public const string HotlineCalls = "热线来电数";
    public const string HotlineDutyShifts = "接线社工人次";
    public const string HotlinePeopleServed = "热线服务人次";
    public const string HotlineResolved = "热线解决问题数";
    public const string HotlineLoad = "热线负荷";
    public const string HotlineResolutionRate = "热线问题解决率";
    public const string FundsReceived = "到位金额";
    public const string FundsSpent = "支出金额";
    public const string FundsInKind = "实物折算";
    public const string SpendRate = "经费执行率";

    /// <summary>The fct_submission statuses of a station that reported (has a current accepted version).</summary>
    public static readonly IReadOnlyList<string> AcceptedStatuses = SubmissionStatuses.WithAcceptedVersion;

    public static readonly IReadOnlyList<PowerBiMeasure> All = Build();

    /// <summary>A column reference <c>table[column]</c>; throws when the mart table has no such column.</summary>
    public static string Col(MartTable table, string column) => $"{table.Name}[{table[column].Name}]";

    private static List<PowerBiMeasure> Build()
    {
        var submission = MartTables.FctSubmission;
        var station = MartTables.FctStationMonth;
        var visits = MartTables.FctVisits;
        var services = MartTables.FctServices;
        var hotline = MartTables.FctHotline;
        var funds = MartTables.FctFunds;
        var accepted = string.Join(", ", AcceptedStatuses.Select(s => $"\"{s}\""));

        List<PowerBiMeasure> measures =
        [
            new(submission, StationsExpected, Reporting, Count,
                $"COUNTROWS({submission.Name})",
                "Stations open in the month (one fct_submission row each)."),
            new(submission, StationsReported, Reporting, Count,
                $"CALCULATE(COUNTROWS({submission.Name}), {Col(submission, "status")} IN {{{accepted}}})",
                "Expected stations with an accepted version (status accepted or accepted_with_warnings)."),
            new(submission, StationsNotReported, Reporting, Count,
                $"[{StationsExpected}] - [{StationsReported}]",
                "Expected stations without an accepted version: status rejected (uploads, none accepted) or missing (no upload)."),
            new(submission, StationsOnTime, Reporting, Count,
                $"CALCULATE(COUNTROWS({submission.Name}), {Col(submission, "on_time")} = TRUE())",
                "Expected stations whose accepted version arrived by the deadline (day 10 of the next month, 23:59 Asia/Shanghai)."),
            new(submission, ReportingRate, Reporting, Rate,
                $"DIVIDE([{StationsReported}], [{StationsExpected}])",
                "Reporting rate: stations reported / stations expected."),
            new(submission, OnTimeRate, Reporting, Rate,
                $"DIVIDE([{StationsOnTime}], [{StationsExpected}])",
                "On-time rate: stations on time / stations expected."),

            new(visits, ResidentVisits, Visits, Count, $"SUM({Col(visits, "resident_visits")})", "Resident visits (走访居民人次)."),
            new(visits, ClientVisits, Visits, Count, $"SUM({Col(visits, "client_visits")})", "Visits to civil-affairs clients (探访民政对象人次)."),
            new(submission, VillagesExpected, Visits, Count,
                $"SUMX({submission.Name}, RELATED({Col(MartTables.DimStation, "villages")}))",
                "Villages of the towns whose station is expected, summed over the months selected."),
            new(visits, VillagesVisited, Visits, Count,
                $"COUNTROWS(FILTER({visits.Name}, {Col(visits, "resident_visits")} + {Col(visits, "client_visits")} > 0))",
                "Village-months with at least one resident or client visit."),
            new(visits, VillageVisitCoverage, Visits, Rate,
                $"DIVIDE([{VillagesVisited}], [{VillagesExpected}])",
                "Village visit coverage: villages visited / villages expected."),

            new(station, SocialWorkers, Staff, Count, $"SUM({Col(station, "social_workers")})", "Social workers reported (sum over stations and months selected)."),
            new(station, CertifiedWorkers, Staff, Count, $"SUM({Col(station, "certified_workers")})", "Certified social workers (持证社工) reported."),
            new(station, CertifiedShare, Staff, Rate,
                $"DIVIDE(SUM({Col(station, "certified_workers")}), SUM({Col(station, "social_workers")}))",
                "Certified share: certified workers / social workers (policy: at least 1/2 in a station's first two years, 2/3 from its third)."),
            new(station, Volunteers, Staff, Count, $"SUM({Col(station, "volunteers")})", "Active volunteers reported."),

            new(services, PeopleServed, Services, Count, $"SUM({Col(services, "people_served")})", "People served (服务人次), all target groups."),
            new(services, Cases, Services, Count, $"SUM({Col(services, "cases")})", "Cases (个案)."),
            new(services, Groups, Services, Count, $"SUM({Col(services, "groups")})", "Groups (小组)."),
            new(services, Activities, Services, Count, $"SUM({Col(services, "activities")})", "Community activities (社区活动)."),

            new(hotline, HotlineCalls, Hotline, Count, $"SUM({Col(hotline, "calls")})", "Hotline calls."),
            new(hotline, HotlineDutyShifts, Hotline, Count, $"SUM({Col(hotline, "duty_shifts")})", "Social-worker duty shifts on the hotlines."),
            new(hotline, HotlinePeopleServed, Hotline, Count, $"SUM({Col(hotline, "people_served")})", "People served by the hotlines."),
            new(hotline, HotlineResolved, Hotline, Count, $"SUM({Col(hotline, "resolved")})", "Problems resolved by the hotlines."),
            new(hotline, HotlineLoad, Hotline, "#,0.0",
                $"DIVIDE(SUM({Col(hotline, "calls")}), SUM({Col(hotline, "duty_shifts")}))",
                "Hotline load: calls per duty shift."),
            new(hotline, HotlineResolutionRate, Hotline, Rate,
                $"DIVIDE(SUM({Col(hotline, "resolved")}), SUM({Col(hotline, "people_served")}))",
                "Share of people served whose problem was resolved."),

            new(funds, FundsReceived, Funds, Yuan, $"SUM({Col(funds, "received")})", "Funds received (到位金额), yuan."),
            new(funds, FundsSpent, Funds, Yuan, $"SUM({Col(funds, "spent")})", "Funds spent (支出金额), yuan."),
            new(funds, FundsInKind, Funds, Yuan, $"SUM({Col(funds, "in_kind")})", "In-kind value (实物折算), yuan."),
            new(funds, SpendRate, Funds, Rate,
                $"DIVIDE(SUM({Col(funds, "spent")}), SUM({Col(funds, "received")}))",
                "Spend rate: funds spent / funds received."),
        ];

        // Month-on-month and year-to-date are written out against dim_period's own columns rather than with
        // DATEADD/DATESYTD: dim_period holds one row per month, not the contiguous days time intelligence expects.
        measures.Add(new(submission, ReportingRate + "环比", MonthOnMonth, Change, PreviousMonthDifference(ReportingRate),
            "Change of the reporting rate from the previous month, in percentage points."));

        foreach (var (name, table) in new[] { (PeopleServed, services), (ResidentVisits, visits), (HotlineCalls, hotline), (FundsSpent, funds) })
        {
            measures.Add(new(table, name + "环比", MonthOnMonth, Change, PreviousMonthChange(name),
                $"Relative change of {name} from the previous month (blank when the previous month has none)."));
        }

        foreach (var (name, table, format) in new[]
        {
            (PeopleServed, services, Count), (ResidentVisits, visits, Count), (HotlineCalls, hotline, Count),
            (FundsReceived, funds, Yuan), (FundsSpent, funds, Yuan),
        })
        {
            measures.Add(new(table, name + "年累计", YearToDate, format, YearToDateOf($"[{name}]"),
                $"{name} from January to the latest month selected, same year."));
        }

        measures.Add(new(funds, SpendRate + "年累计", YearToDate, Rate,
            $"DIVIDE([{FundsSpent}年累计], [{FundsReceived}年累计])",
            "Year-to-date spend rate: funds spent / funds received, January to the latest month selected."));
        return measures;
    }

    private static string LatestMonth => $"VAR LatestMonth = MAX({Col(MartTables.DimPeriod, "date")})";

    private static string InMonth(string expression, string month) =>
        $"CALCULATE({expression}, REMOVEFILTERS({MartTables.DimPeriod.Name}), {Col(MartTables.DimPeriod, "date")} = {month})";

    private static string PreviousMonthChange(string measure) => string.Join('\n',
        LatestMonth,
        $"VAR Current = {InMonth($"[{measure}]", "LatestMonth")}",
        $"VAR Previous = {InMonth($"[{measure}]", "EDATE(LatestMonth, -1)")}",
        "RETURN DIVIDE(Current - Previous, Previous)");

    private static string PreviousMonthDifference(string measure) => string.Join('\n',
        LatestMonth,
        $"VAR Current = {InMonth($"[{measure}]", "LatestMonth")}",
        $"VAR Previous = {InMonth($"[{measure}]", "EDATE(LatestMonth, -1)")}",
        "RETURN IF(NOT ISBLANK(Current) && NOT ISBLANK(Previous), Current - Previous)");

    private static string YearToDateOf(string expression) => string.Join('\n',
        LatestMonth,
        $"RETURN CALCULATE({expression}, REMOVEFILTERS({MartTables.DimPeriod.Name}), " +
        $"{Col(MartTables.DimPeriod, "year")} = YEAR(LatestMonth), {Col(MartTables.DimPeriod, "date")} <= LatestMonth)");
}
