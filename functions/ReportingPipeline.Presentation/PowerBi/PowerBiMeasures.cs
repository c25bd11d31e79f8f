using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Marts;
using ReportingPipeline.Presentation.Measures;

namespace ReportingPipeline.Presentation.PowerBi;

/// <summary>A DAX measure of the Power BI model.</summary>
/// <param name="Table">The mart table the measure lives on (its home fact).</param>
/// <param name="Name">The measure's name, Chinese as analysts read it.</param>
/// <param name="Folder">Display folder (Chinese).</param>
/// <param name="Description">What it means, in English.</param>
public sealed record PowerBiMeasure(MartTable Table, string Name, string Folder, string FormatString, string Expression, string Description);

/// <summary>
/// The DAX of every measure of <see cref="MeasureCatalogue"/>, generated from its declaration so that a new measure cannot
/// repeat the old mistakes: ratios are <c>DIVIDE</c> of two summed measures, head counts (stocks) are taken at the last
/// month of the selection with data (<c>LASTNONBLANK</c>), month-on-month and year-to-date anchor at the latest
/// <em>closed</em> month of the selection, and a station fact under the region hierarchy is filtered through the towns
/// of the regions selected and is blank for a single village (it has no village). Column references go through
/// <see cref="Col"/>, which fails the generator when a mart column is renamed.
/// </summary>
public static class PowerBiMeasures
{
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

    /// <summary>The DAX variable every anchored measure starts with: the latest closed month of the selection.</summary>
    public const string LatestClosedMonthVariable = "LatestClosedMonth";

    /// <summary>The variable of a stock measure saying whether the selection has a closed month to take head counts from.</summary>
    public const string AnyClosedMonthVariable = "AnyClosedMonth";

    /// <summary>The fct_submission statuses of a station that reported (has a current accepted version).</summary>
    public static IReadOnlyList<string> AcceptedStatuses => MeasureCatalogue.AcceptedStatuses;

    public const string ReportingRateColor = "报送率颜色";
    public const string CertifiedShareColor = "持证社工占比颜色";

    private const string Good = "#2E7D32";
    private const string Partly = "#EF6C00";
    private const string Bad = "#C62828";

    public static readonly IReadOnlyList<PowerBiMeasure> All =
    [
        .. MeasureCatalogue.All.Select(m => new PowerBiMeasure(m.Table!, m.Name, m.Folder, FormatString(m.Format), Expression(m), m.Description)),

        // Conditional formatting against the programme's targets (field-value font colours of the report's tables).
        new(MartTables.FctSubmission, ReportingRateColor, "9 格式", "General",
            $"IF(ISBLANK([{ReportingRate}]), BLANK(), IF([{ReportingRate}] >= {Invariant(MeasureCatalogue.ReportingTarget)}, \"{Good}\", \"{Bad}\"))",
            "Font colour of the reporting rate: green at the target (100 %), red below."),
        new(MartTables.FctStationMonth, CertifiedShareColor, "9 格式", "General",
            $"IF(ISBLANK([{CertifiedShare}]), BLANK(), IF([{CertifiedShare}] >= {Invariant(MeasureCatalogue.CertifiedShareLaterTarget)}, \"{Good}\", " +
            $"IF([{CertifiedShare}] >= {Invariant(MeasureCatalogue.CertifiedShareEarlyTarget)}, \"{Partly}\", \"{Bad}\")))",
            "Font colour of the certified share: green from 2/3 (the target from a station's third year), orange from 1/2 (the target of its first two years), red below."),
    ];

    private static string Invariant(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A column reference <c>table[column]</c>; throws when the mart table has no such column.</summary>
    public static string Col(MartTable table, string column) => $"{table.Name}[{table[column].Name}]";

    public static string FormatString(MeasureFormat format) => format switch
    {
        MeasureFormat.Count => "#,0",
        MeasureFormat.Yuan => "#,0.00",
        MeasureFormat.Rate => "0.0%",
        MeasureFormat.Decimal => "#,0.0",
        MeasureFormat.RelativeChange => "+0.0%;-0.0%;0.0%",
        // The value is already in points (×100): no % sign, which would read as a relative change.
        MeasureFormat.PointChange => "+0.0 个百分点;-0.0 个百分点;0.0 个百分点",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };

    /// <summary>The DAX of a declared measure.</summary>
    public static string Expression(MeasureDefinition measure) => measure switch
    {
        { Time: MeasureTime.MonthOnMonth } => MonthOnMonth(measure),
        { Time: MeasureTime.YearToDate } => YearToDate(measure),
        // A count's blank (no row) is 0 over a non-zero denominator: no station reported is 0 %, not blank.
        { Additivity: Additivity.RatioOfSums } when MeasureCatalogue.Get(measure.Numerator!).Aggregation != Aggregation.Sum =>
            $"DIVIDE({Ref(measure.Numerator!)} + 0, {Ref(measure.Denominator!)})",
        { Additivity: Additivity.RatioOfSums } => $"DIVIDE({Ref(measure.Numerator!)}, {Ref(measure.Denominator!)})",
        { Aggregation: Aggregation.VillagesOfExpectedStations } => VillagesOfExpectedStations(),
        _ when measure.IsVillageGrain => Aggregate(measure),
        _ => StationScope(Aggregate(measure)),
    };

    private static string Ref(string key) => $"[{MeasureCatalogue.Get(key).Name}]";

    private static string Aggregate(MeasureDefinition measure)
    {
        var table = measure.Table!;
        var rows = measure.Aggregation switch
        {
            Aggregation.Sum => $"SUM({Col(table, measure.Column!)})",
            Aggregation.CountRows when measure.Condition is AnyPositive any =>
                $"COUNTROWS(FILTER({table.Name}, {string.Join(" + ", any.Columns.Select(c => Col(table, c)))} > 0))",
            Aggregation.CountRows => $"COUNTROWS({table.Name})",
            _ => throw new InvalidOperationException($"{measure.Key}: no aggregation {measure.Aggregation}."),
        };
        if (measure.Condition is ColumnIn condition)
        {
            rows = $"CALCULATE({rows}, {Filter(table, condition)})";
        }

        var closed = $"{Col(MartTables.DimPeriod, "closed")} = TRUE()";
        return measure.Additivity == Additivity.Stock
            // A head count is not summed over months: the last month of the selection in which the region has reports,
            // among the selection's closed months when it has any (an open month has only its early reporters).
            ? $"VAR {AnyClosedMonthVariable} = NOT ISEMPTY(CALCULATETABLE(VALUES({Col(MartTables.DimPeriod, "date")}), KEEPFILTERS({closed}))) " +
              $"RETURN CALCULATE({rows}, LASTNONBLANK({Col(MartTables.DimPeriod, "date")}, " +
              $"IF({AnyClosedMonthVariable}, CALCULATE(COUNTROWS({table.Name}), KEEPFILTERS({closed})), CALCULATE(COUNTROWS({table.Name})))))"
            : rows;
    }

    private static string Filter(MartTable table, ColumnIn condition) =>
        table[condition.Column].Type == MartColumnType.Boolean
            ? $"{Col(table, condition.Column)} = {(condition.Values.Single() == "true" ? "TRUE()" : "FALSE()")}"
            : $"{Col(table, condition.Column)} IN {{{string.Join(", ", condition.Values.Select(v => $"\"{v}\""))}}}";

    /// <summary>A region selected on <c>dim_region</c> reaches a station fact through its towns; a village has no station figure.</summary>
    private static string StationScope(string expression) => string.Join('\n',
        $"IF(ISFILTERED({Col(MartTables.DimRegion, "village_code")}) || ISFILTERED({Col(MartTables.DimRegion, "village_name")}),",
        "    BLANK(),",
        // Only when a region is selected on dim_region: a station whose town has no village in the reference still counts above it.
        $"    IF(ISFILTERED({MartTables.DimRegion.Name}),",
        $"        CALCULATE({expression}, KEEPFILTERS(TREATAS(VALUES({Col(MartTables.DimRegion, "town_code")}), {Col(MartTables.DimStation, "station_code")}))),",
        $"        {expression}))");

    private static string VillagesOfExpectedStations() => string.Join('\n',
        $"SUMX(VALUES({Col(MartTables.DimPeriod, "date")}),",
        $"    VAR ExpectedTowns = CALCULATETABLE(VALUES({Col(MartTables.FctSubmission, "station_code")}), KEEPFILTERS(TREATAS(VALUES({Col(MartTables.DimRegion, "town_code")}), {Col(MartTables.DimStation, "station_code")})))",
        $"    RETURN CALCULATE(COUNTROWS({MartTables.DimRegion.Name}), KEEPFILTERS(TREATAS(ExpectedTowns, {Col(MartTables.DimRegion, "town_code")}))))");

    private static string LatestClosedMonth =>
        $"VAR {LatestClosedMonthVariable} = CALCULATE(MAX({Col(MartTables.DimPeriod, "date")}), {Col(MartTables.DimPeriod, "closed")} = TRUE())";

    private static string InMonth(string expression, string month) =>
        $"CALCULATE({expression}, REMOVEFILTERS({MartTables.DimPeriod.Name}), {Col(MartTables.DimPeriod, "date")} = {month})";

    private static string MonthOnMonth(MeasureDefinition measure)
    {
        var of = Ref(measure.Base!);
        return string.Join('\n',
            LatestClosedMonth,
            $"VAR Current = {InMonth(of, LatestClosedMonthVariable)}",
            $"VAR Previous = {InMonth(of, $"EDATE({LatestClosedMonthVariable}, -1)")}",
            measure.Format == MeasureFormat.PointChange
                ? "RETURN IF(NOT ISBLANK(Current) && NOT ISBLANK(Previous), (Current - Previous) * 100)"
                : "RETURN DIVIDE(Current - Previous, Previous)");
    }

    private static string YearToDate(MeasureDefinition measure)
    {
        var of = MeasureCatalogue.Get(measure.Base!);
        if (of.Additivity == Additivity.RatioOfSums)
        {
            return $"DIVIDE({Ref(of.Numerator! + "_ytd")}, {Ref(of.Denominator! + "_ytd")})";
        }

        return string.Join('\n',
            LatestClosedMonth,
            $"RETURN CALCULATE({Ref(of.Key)}, REMOVEFILTERS({MartTables.DimPeriod.Name}), " +
            $"{Col(MartTables.DimPeriod, "year")} = YEAR({LatestClosedMonthVariable}), {Col(MartTables.DimPeriod, "date")} <= {LatestClosedMonthVariable})");
    }
}
