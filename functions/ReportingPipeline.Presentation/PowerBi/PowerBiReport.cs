using ReportingPipeline.Core.Contract;
using System.Text.Json.Nodes;

using ReportingPipeline.Core.Marts;

namespace ReportingPipeline.Presentation.PowerBi;

/// <summary>A field a visual shows: a model column or a measure.</summary>
public sealed record PowerBiField(string Table, string Property, bool IsMeasure)
{
    public static PowerBiField Column(MartTable table, string column) => new(table.Name, table[column].Name, false);

    public static PowerBiField Measure(string name) =>
        PowerBiMeasures.All.FirstOrDefault(m => m.Name == name) is { } measure
            ? new(measure.Table.Name, measure.Name, true)
            : throw new KeyNotFoundException($"No measure {name}.");
}

/// <summary>A visual on a report page; <paramref name="Roles"/> maps a data role (Values, Rows, Category, Y, ...) to its fields.</summary>
/// <param name="OnlyStatuses">When set, a visual-level filter keeps these fct_submission statuses.</param>
/// <param name="Trend">A chart over months: the month slicer does not filter it (it would cut it to one point).</param>
/// <param name="ClosedMonthsOnly">A visual-level filter leaves out months whose deadline has not passed.</param>
/// <param name="FontColors">Conditional formatting: a measure's font colour from a colour measure (against the programme's targets).</param>
public sealed record PowerBiVisual(
    string Name,
    string VisualType,
    string Title,
    int X,
    int Y,
    int Width,
    int Height,
    IReadOnlyList<(string Role, IReadOnlyList<PowerBiField> Fields)> Roles,
    IReadOnlyList<string>? OnlyStatuses = null,
    bool Trend = false,
    bool ClosedMonthsOnly = false,
    IReadOnlyList<(string Measure, string ColorMeasure)>? FontColors = null);

/// <summary>A report page: one per question analysts ask.</summary>
/// <param name="DrillThrough">A drill-through target page: the column it is filtered by when an analyst drills through to it.</param>
public sealed record PowerBiPage(string Name, string DisplayName, IReadOnlyList<PowerBiVisual> Visuals, PowerBiField? DrillThrough = null);

/// <summary>The report (PBIR format): who has not reported, service volumes, hotline, funds.</summary>
public static class PowerBiReport
{
    public const int PageWidth = 1280;
    public const int PageHeight = 720;

    public static readonly IReadOnlyList<PowerBiPage> Pages = BuildPages();

    private const string SchemaBase = "https://developer.microsoft.com/json-schemas/fabric/item/report/";

    public static JsonObject Version() => new()
    {
        ["$schema"] = SchemaBase + "definition/versionMetadata/1.0.0/schema.json",
        ["version"] = "2.0.0",
    };

    public static JsonObject Report() => new()
    {
        ["$schema"] = SchemaBase + "definition/report/2.0.0/schema.json",
        // No base theme: Power BI Desktop applies its default theme.
        ["themeCollection"] = new JsonObject(),
    };

    public static JsonObject PagesMetadata() => new()
    {
        ["$schema"] = SchemaBase + "definition/pagesMetadata/1.0.0/schema.json",
        ["pageOrder"] = new JsonArray([.. Pages.Select(p => JsonValue.Create(p.Name))]),
        ["activePageName"] = Pages[0].Name,
    };

    /// <summary>The calculated column of dim_period the month slicers show: the latest closed month under one fixed label.</summary>
    public const string MonthChoiceColumn = "month_choice";

    /// <summary>The label of the latest closed month in <see cref="MonthChoiceColumn"/>: the slicers' saved selection, so the default follows the data.</summary>
    public const string LatestClosedMonthLabel = "最新已截止月份 Latest closed month";

    /// <summary>The slicers of every page share this sync group: a month chosen on one page holds on all.</summary>
    public const string MonthSyncGroup = "month";

    public static JsonObject Page(PowerBiPage page)
    {
        var json = new JsonObject
        {
            ["$schema"] = SchemaBase + "definition/page/2.0.0/schema.json",
            ["name"] = page.Name,
            ["displayName"] = page.DisplayName,
            ["displayOption"] = "FitToPage",
            ["height"] = PageHeight,
            ["width"] = PageWidth,
        };
        var slicer = page.Visuals.FirstOrDefault(v => v.VisualType == "slicer");
        var trends = page.Visuals.Where(v => v.Trend).ToList();
        if (slicer is not null && trends.Count > 0)
        {
            json["visualInteractions"] = new JsonArray([.. trends.Select(t => (JsonNode)new JsonObject
            {
                ["source"] = slicer.Name,
                ["target"] = t.Name,
                ["type"] = "NoFilter",
            })]);
        }

        if (page.DrillThrough is { } field)
        {
            json["pageBinding"] = new JsonObject { ["name"] = page.Name + "_binding", ["type"] = "Drillthrough" };
            json["visibility"] = "HiddenInViewMode";
            json["filterConfig"] = new JsonObject
            {
                ["filters"] = new JsonArray(new JsonObject
                {
                    ["name"] = page.Name + "_drillthrough",
                    ["field"] = FieldExpression(field, new JsonObject { ["Entity"] = field.Table }),
                    ["type"] = "Categorical",
                    ["howCreated"] = "Drillthrough",
                }),
            };
        }

        return json;
    }

    public static JsonObject Visual(PowerBiVisual visual, int z)
    {
        var queryState = new JsonObject();
        foreach (var (role, fields) in visual.Roles)
        {
            queryState[role] = new JsonObject
            {
                ["projections"] = new JsonArray([.. fields.Select(Projection)]),
            };
        }

        var body = new JsonObject
        {
            ["visualType"] = visual.VisualType,
            ["query"] = new JsonObject { ["queryState"] = queryState },
            ["visualContainerObjects"] = new JsonObject
            {
                ["title"] = new JsonArray(new JsonObject
                {
                    ["properties"] = new JsonObject
                    {
                        ["show"] = Literal("true"),
                        ["text"] = Literal("'" + visual.Title.Replace("'", "''", StringComparison.Ordinal) + "'"),
                    },
                }),
            },
            ["drillFilterOtherVisuals"] = true,
        };
        var container = new JsonObject
        {
            ["$schema"] = SchemaBase + "definition/visualContainer/2.1.0/schema.json",
            ["name"] = visual.Name,
            ["position"] = new JsonObject
            {
                ["x"] = visual.X,
                ["y"] = visual.Y,
                ["z"] = z,
                ["height"] = visual.Height,
                ["width"] = visual.Width,
                ["tabOrder"] = z,
            },
            ["visual"] = body,
        };
        var filters = new JsonArray();
        if (visual.OnlyStatuses is { } statuses)
        {
            filters.Add(InFilter(visual.Name + "_status", PowerBiField.Column(MartTables.FctSubmission, "status"), [.. statuses.Select(s => $"'{s}'")]));
        }

        if (visual.ClosedMonthsOnly)
        {
            filters.Add(InFilter(visual.Name + "_closed", PowerBiField.Column(MartTables.DimPeriod, "closed"), ["true"]));
        }

        if (filters.Count > 0)
        {
            container["filterConfig"] = new JsonObject { ["filters"] = filters };
        }

        if (visual.VisualType == "slicer")
        {
            body["objects"] = new JsonObject
            {
                ["data"] = Properties(new() { ["mode"] = Literal("'Dropdown'") }),
                ["selection"] = Properties(new() { ["singleSelect"] = Literal("true"), ["strictSingleSelect"] = Literal("true") }),
                // The saved selection is the label the latest closed month always carries: the default moves with the data.
                ["general"] = Properties(new()
                {
                    ["filter"] = new JsonObject
                    {
                        ["filter"] = Condition(visual.Roles[0].Fields[0], [$"'{LatestClosedMonthLabel}'"]),
                    },
                }),
            };
            body["syncGroup"] = new JsonObject { ["groupName"] = MonthSyncGroup, ["fieldChanges"] = true, ["filterChanges"] = true };
        }

        if (visual.FontColors is { } colors)
        {
            body["objects"] = new JsonObject
            {
                ["values"] = new JsonArray([.. colors.Select(c =>
                {
                    var measure = PowerBiField.Measure(c.Measure);
                    var color = PowerBiField.Measure(c.ColorMeasure);
                    return (JsonNode)new JsonObject
                    {
                        ["properties"] = new JsonObject
                        {
                            ["fontColor"] = new JsonObject
                            {
                                ["solid"] = new JsonObject
                                {
                                    ["color"] = new JsonObject { ["expr"] = FieldExpression(color, new JsonObject { ["Entity"] = color.Table }) },
                                },
                            },
                        },
                        ["selector"] = new JsonObject { ["metadata"] = $"{measure.Table}.{measure.Property}" },
                    };
                })]),
            };
        }

        return container;
    }

    private static JsonObject Projection(PowerBiField field) => new()
    {
        ["field"] = FieldExpression(field, new JsonObject { ["Entity"] = field.Table }),
        ["queryRef"] = $"{field.Table}.{field.Property}",
        ["nativeQueryRef"] = field.Property,
    };

    private static JsonObject FieldExpression(PowerBiField field, JsonObject sourceRef) => new()
    {
        [field.IsMeasure ? "Measure" : "Column"] = new JsonObject
        {
            ["Expression"] = new JsonObject { ["SourceRef"] = sourceRef },
            ["Property"] = field.Property,
        },
    };

    private static JsonObject Literal(string value) => new()
    {
        ["expr"] = new JsonObject { ["Literal"] = new JsonObject { ["Value"] = value } },
    };

    private static JsonArray Properties(JsonObject properties) => new(new JsonObject { ["properties"] = properties });

    private static JsonObject InFilter(string name, PowerBiField field, IReadOnlyList<string> literals) => new()
    {
        ["name"] = name,
        ["field"] = FieldExpression(field, new JsonObject { ["Entity"] = field.Table }),
        ["type"] = "Categorical",
        ["filter"] = Condition(field, literals),
    };

    private static JsonObject Condition(PowerBiField field, IReadOnlyList<string> literals) => new()
    {
        ["Version"] = 2,
        ["From"] = new JsonArray(new JsonObject { ["Name"] = "s", ["Entity"] = field.Table, ["Type"] = 0 }),
        ["Where"] = new JsonArray(new JsonObject
        {
            ["Condition"] = new JsonObject
            {
                ["In"] = new JsonObject
                {
                    ["Expressions"] = new JsonArray(FieldExpression(field, new JsonObject { ["Source"] = "s" })),
                    ["Values"] = new JsonArray([.. literals.Select(v => (JsonNode)new JsonArray(new JsonObject
                    {
                        ["Literal"] = new JsonObject { ["Value"] = v },
                    }))]),
                },
            },
        }),
    };

    private static List<PowerBiPage> BuildPages()
    {
        var region = MartTables.DimRegion;
        var station = MartTables.DimStation;
        var period = MartTables.DimPeriod;
        var submission = MartTables.FctSubmission;
        static PowerBiField M(string name) => PowerBiField.Measure(name);
        PowerBiField C(MartTable table, string column) => PowerBiField.Column(table, column);
        (string, IReadOnlyList<PowerBiField>) Role(string role, params PowerBiField[] fields) => (role, fields);
        PowerBiVisual MonthSlicer(string page) =>
            new($"{page}_month", "slicer", "月份 Month", 20, 20, 220, 80, [Role("Values", new PowerBiField(period.Name, MonthChoiceColumn, false))]);
        PowerBiVisual Card(string page, int index, string measure) =>
            new($"{page}_card{index}", "card", measure, 260 + (index * 250), 20, 230, 110, [Role("Values", M(measure))]);
        PowerBiField[] StationPlace = [C(station, "city_name"), C(station, "district_name")];

        return
        [
            new("not_reported", "未报送站点 Who has not reported",
            [
                MonthSlicer("not_reported"),
                Card("not_reported", 0, PowerBiMeasures.ReportingRate),
                Card("not_reported", 1, PowerBiMeasures.OnTimeRate),
                Card("not_reported", 2, PowerBiMeasures.StationsNotReported),
                Card("not_reported", 3, PowerBiMeasures.ReportingRate + "环比"),
                new("not_reported_by_district", "pivotTable", "各地区报送情况 Reporting by city and district (drill through a district to its stations)", 260, 150, 1000, 230,
                [
                    Role("Rows", StationPlace),
                    Role("Values", M(PowerBiMeasures.StationsExpected), M(PowerBiMeasures.StationsReported), M(PowerBiMeasures.StationsNotReported),
                        M(PowerBiMeasures.ReportingRate), M(PowerBiMeasures.OnTimeRate), M(PowerBiMeasures.CertifiedShare)),
                ],
                FontColors: [(PowerBiMeasures.ReportingRate, PowerBiMeasures.ReportingRateColor), (PowerBiMeasures.CertifiedShare, PowerBiMeasures.CertifiedShareColor)]),
                new("not_reported_stations", "tableEx", "未报送或被退回的站点（已截止月份） Stations missing or rejected, closed months", 20, 400, 1240, 300,
                [
                    Role("Values", [C(period, "label_zh"), .. StationPlace, C(station, "station_name"), C(station, "operator"), C(submission, "status"),
                        C(submission, "uploads"), C(submission, "errors"), C(submission, "received_at")]),
                ],
                OnlyStatuses: [SubmissionStatuses.Missing, SubmissionStatuses.Rejected],
                ClosedMonthsOnly: true),
            ]),
            new("district_stations", "区县站点明细 Stations of a district",
            [
                MonthSlicer("district_stations"),
                new("district_stations_table", "pivotTable", "站点报送与持证情况 Stations: reporting and certified share", 260, 20, 1000, 680,
                [
                    Role("Rows", C(station, "district_name"), C(station, "town_name"), C(station, "station_name")),
                    Role("Values", M(PowerBiMeasures.StationsExpected), M(PowerBiMeasures.StationsReported), M(PowerBiMeasures.ReportingRate),
                        M(PowerBiMeasures.SocialWorkers), M(PowerBiMeasures.CertifiedShare), M(PowerBiMeasures.PeopleServed)),
                ],
                FontColors: [(PowerBiMeasures.ReportingRate, PowerBiMeasures.ReportingRateColor), (PowerBiMeasures.CertifiedShare, PowerBiMeasures.CertifiedShareColor)]),
            ],
            DrillThrough: C(station, "district_name")),
            new("services", "服务量 Service volumes by region and target group",
            [
                MonthSlicer("services"),
                Card("services", 0, PowerBiMeasures.PeopleServed),
                Card("services", 1, PowerBiMeasures.PeopleServed + "环比"),
                Card("services", 2, PowerBiMeasures.PeopleServed + "年累计"),
                Card("services", 3, PowerBiMeasures.VillageVisitCoverage),
                new("services_by_region", "pivotTable", "各地区各服务对象服务人次 People served by region and target group", 260, 150, 640, 550,
                [
                    Role("Rows", [.. PowerBiModel.RegionLevels.Select(l => C(region, l.Column))]),
                    Role("Columns", C(MartTables.FctServices, "target_group")),
                    Role("Values", M(PowerBiMeasures.PeopleServed)),
                ]),
                new("services_by_group", "clusteredBarChart", "服务对象 Target groups", 920, 150, 340, 260,
                [
                    Role("Category", C(MartTables.FctServices, "target_group")),
                    Role("Y", M(PowerBiMeasures.PeopleServed)),
                ]),
                new("services_trend", "lineChart", "月度趋势 Monthly trend", 920, 430, 340, 270,
                [
                    Role("Category", C(period, "label")),
                    Role("Y", M(PowerBiMeasures.PeopleServed), M(PowerBiMeasures.ResidentVisits)),
                ],
                Trend: true),
            ]),
            new("hotline", "热线 Hotline",
            [
                MonthSlicer("hotline"),
                Card("hotline", 0, PowerBiMeasures.HotlineCalls),
                Card("hotline", 1, PowerBiMeasures.HotlineLoad),
                Card("hotline", 2, PowerBiMeasures.HotlineResolutionRate),
                Card("hotline", 3, PowerBiMeasures.HotlineCalls + "环比"),
                new("hotline_trend", "lineChart", "月度来电与服务 Calls and people served by month", 260, 150, 1000, 260,
                [
                    Role("Category", C(period, "label")),
                    Role("Y", M(PowerBiMeasures.HotlineCalls), M(PowerBiMeasures.HotlinePeopleServed), M(PowerBiMeasures.HotlineResolved)),
                ],
                Trend: true),
                new("hotline_by_district", "pivotTable", "各地区热线负荷 Hotline load by city and district", 260, 430, 1000, 270,
                [
                    Role("Rows", StationPlace),
                    Role("Values", M(PowerBiMeasures.HotlineCalls), M(PowerBiMeasures.HotlineDutyShifts), M(PowerBiMeasures.HotlineLoad),
                        M(PowerBiMeasures.HotlineResolutionRate)),
                ]),
            ]),
            new("funds", "经费 Funds",
            [
                MonthSlicer("funds"),
                Card("funds", 0, PowerBiMeasures.FundsReceived),
                Card("funds", 1, PowerBiMeasures.FundsSpent),
                Card("funds", 2, PowerBiMeasures.SpendRate),
                Card("funds", 3, PowerBiMeasures.SpendRate + "年累计"),
                new("funds_by_source", "clusteredColumnChart", "资金来源 Funds by source", 260, 150, 480, 550,
                [
                    Role("Category", C(MartTables.FctFunds, "source")),
                    Role("Y", M(PowerBiMeasures.FundsReceived), M(PowerBiMeasures.FundsSpent)),
                ]),
                new("funds_by_district", "pivotTable", "各地区经费执行 Spending by city and district", 760, 150, 500, 550,
                [
                    Role("Rows", StationPlace),
                    Role("Values", M(PowerBiMeasures.FundsReceived), M(PowerBiMeasures.FundsSpent), M(PowerBiMeasures.FundsInKind),
                        M(PowerBiMeasures.SpendRate)),
                ]),
            ]),
        ];
    }
}
