using ReportingPipeline.Core.Contract;

namespace ReportingPipeline.Core.Marts;

/// <summary>How an <c>agg_region_month</c> measure is computed.</summary>
public enum AggregateKind
{
    /// <summary>A count the builder keeps (stations expected, villages visited, ...).</summary>
    Counter,

    /// <summary>The sum of a contract field over the region's rows (or, without a field, the number of rows).</summary>
    Sum,

    /// <summary>Sum of the numerator over sum of the denominator; null when the denominator is 0.</summary>
    Ratio,
}

/// <summary>A measure of <c>agg_region_month</c>.</summary>
/// <param name="AtVillage">Also carried at village level (village-grain fields and village coverage).</param>
/// <param name="YearToDate">Also carried as <c>ytd_{name}</c>: summed from January (or the first month built) of the same year.</param>
public sealed record AggregateMeasure(
    string Name,
    MartColumnType Type,
    AggregateKind Kind,
    bool AtVillage,
    bool YearToDate,
    string Description,
    SectionDefinition? Section = null,
    FieldDefinition? Field = null,
    string? Numerator = null,
    string? Denominator = null)
{
    public string YearToDateName => "ytd_" + Name;
}

/// <summary>
/// Every mart table of the contract (§3), declared once. Fact columns that carry a submission field are
/// made from <see cref="SubmissionContract"/>'s declarations, so a field added there appears here.
/// </summary>
public static class MartTables
{
    public const string PeriodColumn = "period";

    public const string StationColumn = "station_code";

    public const string VillageColumn = "village_code";

    /// <summary>The levels of <c>agg_region_month</c>, top down, as written in its <c>level</c> column.</summary>
    public static readonly IReadOnlyList<string> Levels = RegionLevels.All;

    private static readonly MartColumn Period = new(PeriodColumn, MartColumnType.Date, false, "Reporting month (its first day); joins dim_period.date.");

    private static readonly MartColumn StationCode = new(StationColumn, MartColumnType.String, false, "Station code (the town's 9-digit code); joins dim_station.");

    public static readonly MartTable DimRegion = new("dim_region", "village", MartLayout.Single,
        "The region hierarchy flattened to one row per village.",
    [
        new("village_code", MartColumnType.String, false, "Village / community code (12 digits)."),
        new("village_name", MartColumnType.String, false, "Village / community name."),
        new("town_code", MartColumnType.String, false, "Town / street code (9 digits); also the station code."),
        new("town_name", MartColumnType.String, false, "Town / street name."),
        new("district_code", MartColumnType.String, false, "District / county code (6 digits)."),
        new("district_name", MartColumnType.String, false, "District / county name."),
        new("city_code", MartColumnType.String, false, "City code (4 digits)."),
        new("city_name", MartColumnType.String, false, "City name."),
        new("province_code", MartColumnType.String, false, "Province code (2 digits)."),
        new("province_name", MartColumnType.String, false, "Province name."),
    ]);

    public static readonly MartTable DimStation = new("dim_station", "station", MartLayout.Single,
        "Every station of the register, with its place in the hierarchy.",
    [
        StationCode with { Description = "Station code (the town's 9-digit code)." },
        new("station_name", MartColumnType.String, false, "Station name."),
        new("operator", MartColumnType.String, false, "Organisation running the station."),
        new("town_code", MartColumnType.String, false, "Town / street code (equals station_code)."),
        new("town_name", MartColumnType.String, false, "Town / street name."),
        new("district_code", MartColumnType.String, false, "District / county code."),
        new("district_name", MartColumnType.String, false, "District / county name."),
        new("city_code", MartColumnType.String, false, "City code."),
        new("city_name", MartColumnType.String, false, "City name."),
        new("province_code", MartColumnType.String, false, "Province code."),
        new("province_name", MartColumnType.String, false, "Province name."),
        new("opened_on", MartColumnType.Date, false, "Day the station opened."),
        new("closed_on", MartColumnType.Date, true, "Day the station closed; null while open."),
        new("villages", MartColumnType.Int64, false, "Villages / communities of the station's town."),
    ]);

    public static readonly MartTable DimPeriod = new("dim_period", "month", MartLayout.Single,
        "Every month the marts cover.",
    [
        new("date", MartColumnType.Date, false, "First day of the month; facts join on their period column."),
        new("period_key", MartColumnType.Int32, false, "yyyymm."),
        new("year", MartColumnType.Int32, false, "Calendar year."),
        new("quarter", MartColumnType.Int32, false, "Calendar quarter, 1-4."),
        new("month", MartColumnType.Int32, false, "Month of the year, 1-12."),
        new("label", MartColumnType.String, false, "YYYY-MM, as in submission paths."),
        new("label_zh", MartColumnType.String, false, "Chinese label, e.g. 2022年6月."),
        new("deadline", MartColumnType.Timestamp, false, "When the month's reports were due (UTC)."),
        new("closed", MartColumnType.Boolean, false, "The deadline had passed when the marts were built: stations without an accepted report are missing."),
    ]);

    public static readonly MartTable FctVisits = new("fct_visits", "village × month", MartLayout.ByPeriod,
        "Visits section of the current accepted versions.",
        [Period, StationCode, .. FieldColumns(SubmissionContract.Visits)]);

    public static readonly MartTable FctServices = new("fct_services", "village × month × target group", MartLayout.ByPeriod,
        "Services section of the current accepted versions.",
        [Period, StationCode, .. FieldColumns(SubmissionContract.Services)]);

    public static readonly MartTable FctHotline = new("fct_hotline", "station × month × hotline", MartLayout.ByPeriod,
        "Hotline section of the current accepted versions.",
        [Period, StationCode, .. FieldColumns(SubmissionContract.Hotline)]);

    public static readonly MartTable FctFunds = new("fct_funds", "station × month × funding source", MartLayout.ByPeriod,
        "Funds section of the current accepted versions, in yuan.",
        [Period, StationCode, .. FieldColumns(SubmissionContract.Funds)]);

    public static readonly MartTable FctStationMonth = new("fct_station_month", "station × month", MartLayout.ByPeriod,
        "Staff and volunteers of the current accepted versions.",
    [
        Period,
        StationCode,
        new("version", MartColumnType.Int32, false, "The accepted version these figures come from."),
        .. FieldColumns(SubmissionContract.Station, "station_code", "period", "prepared_by"),
        new("certified_share", MartColumnType.Ratio, true, "certified_workers / social_workers; null when there are no social workers."),
        new("year_of_operation", MartColumnType.Int32, false, "1 in the station's first twelve months, 2 in the next twelve, ... (certified-share policy)."),
    ]);

    public static readonly MartTable FctSubmission = new("fct_submission", "station × month, every expected station", MartLayout.ByPeriod,
        "One row per station open in the month: what it submitted and whether it was on time.",
    [
        Period,
        StationCode,
        new("status", MartColumnType.String, false, "accepted, accepted_with_warnings (the current version), rejected (uploads, none accepted) or missing (no upload)."),
        new("on_time", MartColumnType.Boolean, true, "An accepted version arrived by the deadline (a later correction does not make it late); false when none did and the month is closed; null while it is open."),
        new("received_at", MartColumnType.Timestamp, true, "Upload time of the current accepted version (or of the latest rejected upload)."),
        new("version", MartColumnType.Int32, true, "Current accepted version; null when none."),
        new("errors", MartColumnType.Int64, true, "Errors found in that upload."),
        new("warnings", MartColumnType.Int64, true, "Warnings found in that upload."),
        new("uploads", MartColumnType.Int64, false, "Uploads for the station and month, duplicates and rejections included."),
        new("sha256", MartColumnType.String, true, "SHA-256 of that upload."),
        new("period_closed", MartColumnType.Boolean, false, "The month's deadline had passed when the marts were built."),
    ]);

    public static readonly MartTable FctValidationIssue = new("fct_validation_issue", "issue × station × month", MartLayout.ByPeriod,
        "Issues of the current accepted version, or of the latest rejected upload when none was accepted.",
    [
        Period,
        StationCode,
        new("version", MartColumnType.Int32, true, "Accepted version the issue belongs to; null for a rejected upload."),
        new("sha256", MartColumnType.String, false, "SHA-256 of the upload."),
        new("issue_number", MartColumnType.Int32, false, "1-based order of the issue in its report."),
        new("rule_id", MartColumnType.String, false, "Rule of the catalogue."),
        new("severity", MartColumnType.String, false, "error, warning or info (a note that changes no outcome)."),
        new("category", MartColumnType.String, false, "Rule category."),
        new("section", MartColumnType.String, true, "Section key."),
        new("field", MartColumnType.String, true, "Field key."),
        new("location_source", MartColumnType.String, true, "Sheet, CSV file or JSON property."),
        new("location_row", MartColumnType.Int32, true, "Row as the station sees it."),
        new("location_column", MartColumnType.String, true, "Column letter or JSON key."),
        new("value", MartColumnType.String, true, "The offending value."),
        new("message_zh", MartColumnType.String, false, "Message in Chinese."),
        new("message_en", MartColumnType.String, false, "Message in English."),
    ]);

    /// <summary>The measures of <c>agg_region_month</c>, in column order (year-to-date columns follow them).</summary>
    public static readonly IReadOnlyList<AggregateMeasure> AggregateMeasures =
    [
        Counter("stations_expected", false, "Stations open in the month."),
        Counter("stations_reported", false, "Expected stations with an accepted version."),
        Ratio("reporting_rate", "stations_reported", "stations_expected", false, false, "stations_reported / stations_expected."),
        Counter("stations_on_time", false, "Expected stations whose accepted version arrived by the deadline."),
        Ratio("on_time_rate", "stations_on_time", "stations_expected", false, false, "stations_on_time / stations_expected."),
        Counter("villages_expected", true, "Villages of the towns whose station is open."),
        Counter("villages_visited", true, "Of those, villages with at least one resident or client visit."),
        Ratio("village_visit_coverage", "villages_visited", "villages_expected", true, false, "villages_visited / villages_expected."),
        Sum("social_workers", SubmissionContract.Station, "social_workers", false, false),
        Sum("certified_workers", SubmissionContract.Station, "certified_workers", false, false),
        Ratio("certified_share", "certified_workers", "social_workers", false, false, "certified_workers / social_workers."),
        Sum("volunteers", SubmissionContract.Station, "volunteers", false, false),
        Sum("volunteer_hours", SubmissionContract.Station, "volunteer_hours", false, true),
        Sum("resident_visits", SubmissionContract.Visits, "resident_visits", true, true),
        Sum("client_visits", SubmissionContract.Visits, "client_visits", true, true),
        Sum("case_files", SubmissionContract.Visits, "case_files", true, true),
        Sum("newly_identified", SubmissionContract.Visits, "newly_identified", true, true),
        Sum("services_cases", SubmissionContract.Services, "cases", true, true),
        Sum("services_groups", SubmissionContract.Services, "groups", true, true),
        Sum("services_activities", SubmissionContract.Services, "activities", true, true),
        Sum("services_people_served", SubmissionContract.Services, "people_served", true, true),
        new("hotline_lines", MartColumnType.Int64, AggregateKind.Sum, false, false, "Hotlines run by the reporting stations.", SubmissionContract.Hotline),
        Sum("hotline_duty_shifts", SubmissionContract.Hotline, "duty_shifts", false, true),
        Sum("hotline_calls", SubmissionContract.Hotline, "calls", false, true),
        Sum("hotline_people_served", SubmissionContract.Hotline, "people_served", false, true),
        Sum("hotline_resolved", SubmissionContract.Hotline, "resolved", false, true),
        Sum("funds_received", SubmissionContract.Funds, "received", false, true),
        Sum("funds_spent", SubmissionContract.Funds, "spent", false, true),
        Sum("funds_in_kind", SubmissionContract.Funds, "in_kind", false, true),
        Ratio("spend_rate", "funds_spent", "funds_received", false, true, "funds_spent / funds_received."),
    ];

    public static readonly MartTable AggRegionMonth = new("agg_region_month", "level × region × month", MartLayout.ByPeriod,
        "Rollups along the hierarchy; ratios from summed numerators and denominators; village level carries only village fields.",
        [.. AggregateColumns()]);

    /// <summary>The dimensions: rebuilt when the reference or the months covered change.</summary>
    public static readonly IReadOnlyList<MartTable> Dimensions = [DimRegion, DimStation, DimPeriod];

    /// <summary>The facts built from one month's submissions.</summary>
    public static readonly IReadOnlyList<MartTable> Facts =
        [FctSubmission, FctStationMonth, FctVisits, FctServices, FctHotline, FctFunds, FctValidationIssue];

    public static readonly IReadOnlyList<MartTable> All = [.. Dimensions, .. Facts, AggRegionMonth];

    public static MartTable Find(string name) =>
        All.FirstOrDefault(t => t.Name == name) ?? throw new KeyNotFoundException($"No mart table {name}.");

    /// <summary>The Parquet type a contract field becomes.</summary>
    public static MartColumnType TypeOf(FieldDefinition field) => field.Kind switch
    {
        FieldKind.Count => MartColumnType.Int64,
        FieldKind.Money => MartColumnType.Money,
        FieldKind.Hours => MartColumnType.Hours,
        FieldKind.Period => MartColumnType.Date,
        _ => MartColumnType.String,
    };

    private static IEnumerable<MartColumn> FieldColumns(SectionDefinition section, params string[] except) =>
        section.Fields
            .Where(f => !except.Contains(f.Key))
            .Select(f => new MartColumn(
                f.Key,
                TypeOf(f),
                // Keys (codes, enum values) are always there; a blank measure cell is missing, not zero.
                Nullable: !(f.Required && f.Kind is FieldKind.Code or FieldKind.Enum),
                $"{f.Label} ({section.Key}.{f.Key}).",
                f));

    private static IEnumerable<MartColumn> AggregateColumns()
    {
        yield return Period;
        yield return new("level", MartColumnType.String, false, "province, city, district, town or village.");
        yield return new("region_code", MartColumnType.String, false, "Code of the region at that level.");
        yield return new("region_name", MartColumnType.String, false, "Name of the region.");
        yield return new("parent_code", MartColumnType.String, true, "Code of the region one level up; null for the province.");
        foreach (var m in AggregateMeasures)
        {
            yield return new(m.Name, m.Type, true, m.Description);
        }

        foreach (var m in AggregateMeasures.Where(m => m.YearToDate))
        {
            yield return new(m.YearToDateName, m.Type, true, $"Year to date: {m.Description}");
        }
    }

    private static AggregateMeasure Counter(string name, bool atVillage, string description) =>
        new(name, MartColumnType.Int64, AggregateKind.Counter, atVillage, false, description);

    private static AggregateMeasure Sum(string name, SectionDefinition section, string fieldKey, bool atVillage, bool yearToDate)
    {
        var field = section[fieldKey];
        return new(name, TypeOf(field), AggregateKind.Sum, atVillage, yearToDate,
            $"Sum of {section.Key}.{field.Key} ({field.Label}) over accepted versions.", section, field);
    }

    private static AggregateMeasure Ratio(string name, string numerator, string denominator, bool atVillage, bool yearToDate, string description) =>
        new(name, MartColumnType.Ratio, AggregateKind.Ratio, atVillage, yearToDate,
            description + " Null when the denominator is 0.", Numerator: numerator, Denominator: denominator);
}
