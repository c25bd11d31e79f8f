using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Marts;

namespace ReportingPipeline.Presentation.Measures;

/// <summary>How a measure adds up over regions and months.</summary>
public enum Additivity
{
    /// <summary>Adds up over regions and months (visits, people served, yuan, station-months).</summary>
    Flow,

    /// <summary>A head count: adds up over regions, taken at the last month of the selection that has data, among its closed months when it has any (semi-additive).</summary>
    Stock,

    /// <summary>The numerator measure over the denominator measure, each summed first: never an average of ratios.</summary>
    RatioOfSums,
}

/// <summary>How the rows of a flow or stock measure are aggregated.</summary>
public enum Aggregation
{
    /// <summary>The sum of <see cref="MeasureDefinition.Column"/> (blank when every value is).</summary>
    Sum,

    /// <summary>The rows (that pass <see cref="MeasureDefinition.Condition"/>).</summary>
    CountRows,

    /// <summary>
    /// Village-months expected: for every month and every expected station (a <c>fct_submission</c> row), the villages of
    /// its town that lie in the region selected. At village level that is 1 per month the village's station was expected.
    /// </summary>
    VillagesOfExpectedStations,
}

/// <summary>Which months a measure reads.</summary>
public enum MeasureTime
{
    /// <summary>The months selected.</summary>
    Selection,

    /// <summary>The latest closed month of the selection against the month before it.</summary>
    MonthOnMonth,

    /// <summary>January to the latest closed month of the selection, same year.</summary>
    YearToDate,
}

/// <summary>How a value is shown.</summary>
public enum MeasureFormat
{
    Count,
    Yuan,
    Rate,
    Decimal,

    /// <summary>A relative change (0.05 = +5 %).</summary>
    RelativeChange,

    /// <summary>A change of a rate, in percentage points (2.5 = +2.5 个百分点).</summary>
    PointChange,
}

/// <summary>A condition on a fact's rows.</summary>
public abstract record RowCondition;

/// <summary>The column's value is one of <paramref name="Values"/> (booleans as <c>true</c>/<c>false</c>).</summary>
public sealed record ColumnIn(string Column, IReadOnlyList<string> Values) : RowCondition;

/// <summary>The sum of the columns is above zero (blanks count as zero).</summary>
public sealed record AnyPositive(IReadOnlyList<string> Columns) : RowCondition;

/// <summary>
/// A measure, declared once as data: what it reads (<see cref="Table"/>, <see cref="Column"/>, <see cref="Condition"/>),
/// how it adds up (<see cref="Additivity"/>), which months it reads (<see cref="Time"/>) and how it is shown. The Power
/// BI model's DAX and the dashboard's figures are both computed from this declaration.
/// </summary>
/// <param name="Key">English key; the dashboard's name for it, and the <c>agg_region_month</c> column where one exists.</param>
/// <param name="Name">Chinese name, as analysts read it (the Power BI measure's name).</param>
/// <param name="Folder">Power BI display folder.</param>
public sealed record MeasureDefinition(
    string Key,
    string Name,
    string Folder,
    MeasureFormat Format,
    Additivity Additivity,
    string Description)
{
    /// <summary>The fact the measure reads (for a ratio or a time variant: the numerator's or the base's).</summary>
    public MartTable? Table { get; init; }

    public Aggregation Aggregation { get; init; }

    public string? Column { get; init; }

    public RowCondition? Condition { get; init; }

    /// <summary>For a ratio: the keys of its numerator and denominator measures.</summary>
    public string? Numerator { get; init; }

    public string? Denominator { get; init; }

    public MeasureTime Time { get; init; }

    /// <summary>For a month-on-month or year-to-date measure: the key of the measure it is taken of.</summary>
    public string? Base { get; init; }

    /// <summary>The months anchor at the latest closed month of the selection (an open month has no full data yet).</summary>
    public bool AnchoredToLatestClosedMonth => Time != MeasureTime.Selection;

    /// <summary>Facts with a village per row split by village; station facts have no value for a single village.</summary>
    public bool IsVillageGrain => Table is { } t && (t.Columns.Any(c => c.Name == MartTables.VillageColumn) || Aggregation == Aggregation.VillagesOfExpectedStations);
}

/// <summary>Every measure analysts see, declared once. <see cref="PowerBi.PowerBiMeasures"/> writes them as DAX; the dashboard evaluates them.</summary>
public static class MeasureCatalogue
{
    private const string Reporting = "1 报送";
    private const string Visits = "2 走访";
    private const string Staff = "3 社工与志愿者";
    private const string Services = "4 服务";
    private const string Hotline = "5 热线";
    private const string Funds = "6 经费";
    private const string MonthOnMonth = "7 环比";
    private const string YearToDate = "8 年累计";

    /// <summary>The fct_submission statuses of a station that reported (has a current accepted version).</summary>
    public static readonly IReadOnlyList<string> AcceptedStatuses = SubmissionStatuses.WithAcceptedVersion;

    /// <summary>The programme's targets, for conditional formatting (reporting 100 %; certified share ≥ 1/2 in years 1-2, ≥ 2/3 from year 3).</summary>
    public const double ReportingTarget = 1.0;

    public const double CertifiedShareEarlyTarget = 1.0 / 2;

    public const double CertifiedShareLaterTarget = 2.0 / 3;

    public static readonly IReadOnlyList<MeasureDefinition> All = Build();

    public static MeasureDefinition Get(string key) =>
        All.FirstOrDefault(m => m.Key == key) ?? throw new KeyNotFoundException($"No measure {key}.");

    public static MeasureDefinition ByName(string name) =>
        All.FirstOrDefault(m => m.Name == name) ?? throw new KeyNotFoundException($"No measure named {name}.");

    private static List<MeasureDefinition> Build()
    {
        var submission = MartTables.FctSubmission;
        var station = MartTables.FctStationMonth;
        var visits = MartTables.FctVisits;
        var services = MartTables.FctServices;
        var hotline = MartTables.FctHotline;
        var funds = MartTables.FctFunds;

        MeasureDefinition Count(string key, string name, string folder, MartTable table, RowCondition? condition, string description) =>
            new(key, name, folder, MeasureFormat.Count, Additivity.Flow, description)
            {
                Table = table, Aggregation = Aggregation.CountRows, Condition = condition,
            };
        MeasureDefinition Sum(string key, string name, string folder, MartTable table, string column, string description, MeasureFormat format = MeasureFormat.Count) =>
            new(key, name, folder, format, Additivity.Flow, description) { Table = table, Aggregation = Aggregation.Sum, Column = table[column].Name };
        MeasureDefinition Stock(string key, string name, MartTable table, string column, string description) =>
            new(key, name, Staff, MeasureFormat.Count, Additivity.Stock, description) { Table = table, Aggregation = Aggregation.Sum, Column = table[column].Name };

        List<MeasureDefinition> measures =
        [
            Count("stations_expected", "应报站点数", Reporting, submission, null,
                "Stations open in the month (one fct_submission row each), summed over the months selected (station-months)."),
            Count("stations_reported", "已报站点数", Reporting, submission, new ColumnIn("status", AcceptedStatuses),
                "Expected stations with an accepted version (status accepted or accepted_with_warnings)."),
            Count("stations_not_reported", "未报站点数", Reporting, submission, new ColumnIn("status", ["rejected", "missing"]),
                "Expected stations without an accepted version: status rejected (uploads, none accepted) or missing (no upload)."),
            Count("stations_on_time", "按时报送站点数", Reporting, submission, new ColumnIn("on_time", ["true"]),
                "Expected stations whose accepted version arrived by the deadline (day 10 of the next month, 23:59 Asia/Shanghai)."),
            Ratio("reporting_rate", "报送率", Reporting, "stations_reported", "stations_expected", "Reporting rate: stations reported / stations expected (target 100 %)."),
            Ratio("on_time_rate", "按时报送率", Reporting, "stations_on_time", "stations_expected", "On-time rate: stations on time / stations expected."),

            Sum("resident_visits", "走访居民人次", Visits, visits, "resident_visits", "Resident visits (走访居民人次)."),
            Sum("client_visits", "探访民政对象人次", Visits, visits, "client_visits", "Visits to civil-affairs clients (探访民政对象人次)."),
            new("villages_expected", "应走访村居数", Visits, MeasureFormat.Count, Additivity.Flow,
                "Village-months to visit: the villages (in the region selected) of every station expected, for each month selected.")
            {
                Table = submission, Aggregation = Aggregation.VillagesOfExpectedStations,
            },
            Count("villages_visited", "已走访村居数", Visits, visits, new AnyPositive(["resident_visits", "client_visits"]),
                "Village-months with at least one resident or client visit."),
            Ratio("village_visit_coverage", "村居走访覆盖率", Visits, "villages_visited", "villages_expected",
                "Village visit coverage: village-months visited / village-months expected; right at every level down to one village."),

            Stock("social_workers", "社工人数", station, "social_workers", "Social workers (a head count: at the last month of the selection with reports)."),
            Stock("certified_workers", "持证社工人数", station, "certified_workers", "Certified social workers (持证社工), at the last month of the selection with reports."),
            Ratio("certified_share", "持证社工占比", Staff, "certified_workers", "social_workers",
                "Certified share: certified workers / social workers, both at the last month of the selection with reports " +
                "(policy: at least 1/2 in a station's first two years, 2/3 from its third)."),
            Stock("volunteers", "志愿者人数", station, "volunteers", "Active volunteers, at the last month of the selection with reports."),

            Sum("services_people_served", "服务人次", Services, services, "people_served", "People served (服务人次), all target groups."),
            Sum("services_cases", "个案数", Services, services, "cases", "Cases (个案)."),
            Sum("services_groups", "小组数", Services, services, "groups", "Groups (小组)."),
            Sum("services_activities", "社区活动场次", Services, services, "activities", "Community activities (社区活动)."),

            Sum("hotline_calls", "热线来电数", Hotline, hotline, "calls", "Hotline calls."),
            Sum("hotline_duty_shifts", "接线社工人次", Hotline, hotline, "duty_shifts", "Social-worker duty shifts on the hotlines."),
            Sum("hotline_people_served", "热线服务人次", Hotline, hotline, "people_served", "People served by the hotlines."),
            Sum("hotline_resolved", "热线解决问题数", Hotline, hotline, "resolved", "Problems resolved by the hotlines."),
            Ratio("hotline_load", "热线负荷", Hotline, "hotline_calls", "hotline_duty_shifts", "Hotline load: calls per duty shift.", MeasureFormat.Decimal),
            Ratio("hotline_resolution_rate", "热线问题解决率", Hotline, "hotline_resolved", "hotline_people_served", "Share of people served whose problem was resolved."),

            Sum("funds_received", "到位金额", Funds, funds, "received", "Funds received (到位金额), yuan.", MeasureFormat.Yuan),
            Sum("funds_spent", "支出金额", Funds, funds, "spent", "Funds spent (支出金额), yuan.", MeasureFormat.Yuan),
            Sum("funds_in_kind", "实物折算", Funds, funds, "in_kind", "In-kind value (实物折算), yuan.", MeasureFormat.Yuan),
            Ratio("spend_rate", "经费执行率", Funds, "funds_spent", "funds_received", "Spend rate: funds spent / funds received."),
        ];

        // A ratio lives on its numerator's fact.
        measures = [.. measures.Select(m => m.Numerator is { } n ? m with { Table = measures.Single(x => x.Key == n).Table } : m)];

        foreach (var key in new[] { "reporting_rate", "services_people_served", "resident_visits", "hotline_calls", "funds_spent" })
        {
            var of = measures.Single(m => m.Key == key);
            var isRate = of.Additivity == Additivity.RatioOfSums;
            measures.Add(new(key + "_mom", of.Name + "环比", MonthOnMonth, isRate ? MeasureFormat.PointChange : MeasureFormat.RelativeChange, of.Additivity,
                isRate
                    ? $"Change of {of.Key} from the month before the latest closed month selected, in percentage points."
                    : $"Relative change of {of.Key} in the latest closed month selected from the month before (blank when that month has none).")
            {
                Table = of.Table, Base = key, Time = MeasureTime.MonthOnMonth,
            });
        }

        foreach (var key in new[] { "services_people_served", "resident_visits", "hotline_calls", "funds_received", "funds_spent", "spend_rate" })
        {
            var of = measures.Single(m => m.Key == key);
            measures.Add(new(key + "_ytd", of.Name + "年累计", YearToDate, of.Format, of.Additivity,
                $"{of.Key} from January to the latest closed month selected, same year" +
                (of.Additivity == Additivity.RatioOfSums ? ", as a ratio of the year-to-date sums." : "."))
            {
                Table = of.Table, Base = key, Time = MeasureTime.YearToDate,
            });
        }

        return measures;

        static MeasureDefinition Ratio(string key, string name, string folder, string numerator, string denominator, string description, MeasureFormat format = MeasureFormat.Rate) =>
            new(key, name, folder, format, Additivity.RatioOfSums, description) { Numerator = numerator, Denominator = denominator };
    }
}
