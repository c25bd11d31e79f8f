using ReportingPipeline.Core.Contract;

namespace ReportingPipeline.Presentation.Dashboards;

/// <summary>
/// Everything the dashboard shows, read from the marts. The page renders its tables from it and embeds it as
/// JSON for the charts, so a reader of the file can also take the figures out without scraping.
/// </summary>
/// <param name="Month">The month the headline, status table and ranking describe: the latest closed month, or the latest month when none is closed.</param>
/// <param name="Figures">Every measure of the catalogue at every region of every level, for <paramref name="Month"/> and for the latest closed quarter.</param>
/// <param name="PreviousMonth">The month before <paramref name="Month"/> when the marts cover it (month-on-month change).</param>
public sealed record DashboardData(
    string Schema,
    string BuildId,
    DateTimeOffset BuiltAt,
    Period Month,
    bool MonthClosed,
    Period? PreviousMonth,
    IReadOnlyList<DashboardMonth> Months,
    IReadOnlyList<Kpi> Kpis,
    IReadOnlyList<RegionStatus> Cities,
    IReadOnlyList<DistrictRank> Ranking,
    IReadOnlyList<ProblemStation> ProblemStations,
    DashboardTrends Trends,
    IReadOnlyList<FigureSelection> Figures)
{
    public const string SchemaId = "shuangbai-dashboard/v1";
}

/// <summary>A month the marts cover.</summary>
/// <param name="Closed">Its deadline had passed when the marts were built.</param>
public sealed record DashboardMonth(Period Period, string LabelZh, bool Closed);

/// <summary>How a figure is read and shown.</summary>
public enum KpiUnit
{
    /// <summary>A share between 0 and 1, shown as a percentage; change in percentage points.</summary>
    Ratio,

    /// <summary>A count (people-times, calls), shown with thousands separators; change in per cent.</summary>
    Count,

    /// <summary>Yuan.</summary>
    Money,
}

/// <summary>
/// A headline figure for the whole province (all provinces) in <see cref="DashboardData.Month"/>. Figures are
/// doubles: ratios as the marts store them (DOUBLE), counts exactly, yuan to well under a fen.
/// </summary>
/// <param name="Measure">The <c>agg_region_month</c> column it comes from.</param>
/// <param name="Numerator">For a ratio: the summed numerator (e.g. stations reported).</param>
/// <param name="Denominator">For a ratio: the summed denominator (e.g. stations expected).</param>
/// <param name="Change">Value minus previous: percentage points (as a fraction) for a ratio, else a relative change (0.05 = +5 %).</param>
public sealed record Kpi(
    string Measure,
    string LabelZh,
    string LabelEn,
    KpiUnit Unit,
    double? Value,
    double? Previous,
    double? Change,
    double? Numerator,
    double? Denominator);

/// <summary>Reporting figures of one city or district in <see cref="DashboardData.Month"/>, from <c>agg_region_month</c>.</summary>
public sealed record RegionFigures(
    string Code,
    string Name,
    long Expected,
    long Reported,
    long OnTime,
    double? ReportingRate,
    double? OnTimeRate,
    double? VillageVisitCoverage,
    double? PeopleServed);

/// <summary>A city (children: its districts) or a district (stations: its towns' stations).</summary>
public sealed record RegionStatus(RegionFigures Figures, IReadOnlyList<RegionStatus> Children, IReadOnlyList<StationStatus> Stations);

/// <summary>One expected station's submission in <see cref="DashboardData.Month"/>, from <c>fct_submission</c>.</summary>
/// <param name="Status">accepted, accepted_with_warnings, rejected or missing.</param>
public sealed record StationStatus(
    string StationCode,
    string Name,
    string TownName,
    string Status,
    bool? OnTime,
    DateTimeOffset? ReceivedAt,
    int? Version,
    long? Errors,
    long? Warnings);

/// <summary>A district's place in the ranking of <see cref="DashboardData.Month"/>.</summary>
/// <param name="PeoplePerStation">Services people-times per reporting station.</param>
public sealed record DistrictRank(
    int Rank,
    string Code,
    string Name,
    string CityName,
    long Expected,
    long Reported,
    double? ReportingRate,
    double? OnTimeRate,
    double? PeopleServed,
    double? PeoplePerStation);

/// <summary>A station with validation problems over every month the marts cover.</summary>
/// <param name="Errors">Errors in the current versions (or latest rejected uploads), all months.</param>
/// <param name="MonthsWithIssues">Months whose current version (or latest rejected upload) had any issue.</param>
/// <param name="TopRuleId">The rule it broke most often.</param>
public sealed record ProblemStation(
    string StationCode,
    string Name,
    string DistrictName,
    string CityName,
    long Errors,
    long Warnings,
    int MonthsWithIssues,
    int RejectedMonths,
    int MissingMonths,
    int LateMonths,
    string TopRuleId,
    long TopRuleCount,
    string TopRuleMessageZh,
    string TopRuleMessageEn);

/// <summary>Month-by-month series for the charts: <see cref="Months"/> and, per measure, one value per month (null when undefined).</summary>
public sealed record DashboardTrends(
    IReadOnlyList<Period> Months,
    IReadOnlyDictionary<string, IReadOnlyList<double?>> Totals,
    IReadOnlyList<RegionSeries> CityReportingRates);

/// <summary>One region's values per month of <see cref="DashboardTrends.Months"/>.</summary>
public sealed record RegionSeries(string Code, string Name, IReadOnlyList<double?> Values);

/// <summary>
/// The catalogue's measures (<see cref="Measures.MeasureCatalogue"/>, by key) for every region of every level, over
/// <see cref="Months"/>: computed from the fact tables by the measures' declarations, as the Power BI model computes them.
/// </summary>
/// <param name="Key"><c>month</c> or <c>quarter</c>.</param>
public sealed record FigureSelection(string Key, string LabelZh, string LabelEn, IReadOnlyList<Period> Months, IReadOnlyList<RegionMeasures> Regions);

/// <summary>One region's measures in a <see cref="FigureSelection"/>; a null value is blank (undefined at that level, or nothing reported).</summary>
/// <param name="Level">province, city, district, town or village.</param>
public sealed record RegionMeasures(string Level, string Code, string Name, string? ParentCode, IReadOnlyDictionary<string, double?> Values);
