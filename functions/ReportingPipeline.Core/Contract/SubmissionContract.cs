namespace ReportingPipeline.Core.Contract;

/// <summary>
/// The monthly submission, declared once: sections, fields, labels and enums. Readers, validation,
/// the template, the staged form and the marts all read these declarations.
/// </summary>
public static class SubmissionContract
{
    /// <summary>The JSON schema identifier a <c>.json</c> submission carries.</summary>
    public const string SchemaId = "shuangbai-monthly/v1";

    /// <summary>The header names of the two-column key-value layout of the <c>station</c> section.</summary>
    public static readonly FieldDefinition KeyValueFieldColumn = new("field", "项目", FieldKind.Text);

    public static readonly FieldDefinition KeyValueValueColumn = new("value", "填报值", FieldKind.Text);

    /// <summary>The village's name beside its code in the template (read past, never data).</summary>
    public static readonly FieldDefinition VillageName = new("village_name", "村居名称", FieldKind.Text);

    /// <summary>The station's name under its code in the template (read past, never data).</summary>
    public static readonly FieldDefinition StationName = new("station_name", "社工站名称", FieldKind.Text);

    /// <summary>The version of the template a workbook was written from (read past, never data).</summary>
    public static readonly FieldDefinition TemplateVersion = new("template_version", "模板版本", FieldKind.Text);

    public static readonly EnumDefinition TargetGroups = new("target_group",
    [
        new("elderly", "老年人"),
        new("children", "儿童"),
        new("disabled", "残疾人"),
        new("women", "妇女"),
        new("hardship", "困难群众"),
        new("other", "其他"),
    ]);

    public static readonly EnumDefinition FundSources = new("source",
    [
        new("province", "省级"),
        new("city", "市级"),
        new("district", "区级"),
        new("town", "镇街"),
        new("social", "社会资金"),
    ]);

    public static readonly SectionDefinition Station = new("station", "基本信息", SectionShape.KeyValue,
    [
        new("station_code", "社工站代码", FieldKind.Code, Required: true),
        new("period", "填报月份", FieldKind.Period, Required: true),
        new("prepared_by", "填报人", FieldKind.Text, Required: true),
        new("social_workers", "社工人数", FieldKind.Count, Required: true),
        new("certified_workers", "持证社工人数", FieldKind.Count, Required: true),
        new("volunteers", "志愿者人数", FieldKind.Count),
        new("volunteer_hours", "志愿服务时长", FieldKind.Hours),
    ],
    KeyFields: [],
    MayBeEmpty: false,
    Annotations: [StationName, TemplateVersion]);

    public static readonly SectionDefinition Visits = new("visits", "走访", SectionShape.Rows,
    [
        new("village_code", "村居代码", FieldKind.Code, Required: true),
        new("resident_visits", "走访居民人次", FieldKind.Count),
        new("client_visits", "探访民政对象人次", FieldKind.Count),
        new("case_files", "新建一人一档数", FieldKind.Count),
        new("newly_identified", "新发现困难群众数", FieldKind.Count),
    ],
    KeyFields: ["village_code"],
    MayBeEmpty: false,
    Annotations: [VillageName]);

    public static readonly SectionDefinition Services = new("services", "服务", SectionShape.Rows,
    [
        new("village_code", "村居代码", FieldKind.Code, Required: true),
        new("target_group", "服务对象", FieldKind.Enum, Required: true, Enum: TargetGroups),
        new("cases", "个案数", FieldKind.Count),
        new("groups", "小组数", FieldKind.Count),
        new("activities", "社区活动场次", FieldKind.Count),
        new("people_served", "服务人次", FieldKind.Count),
    ],
    KeyFields: ["village_code", "target_group"],
    MayBeEmpty: true,
    Annotations: [VillageName]);

    public static readonly SectionDefinition Hotline = new("hotline", "热线", SectionShape.Rows,
    [
        new("line_id", "热线编号", FieldKind.Code, Required: true),
        new("duty_shifts", "接线社工人次", FieldKind.Count),
        new("calls", "来电数", FieldKind.Count),
        new("people_served", "服务人次", FieldKind.Count),
        new("resolved", "解决问题数", FieldKind.Count),
        new("psychological", "心理疏导", FieldKind.Count),
        new("emotional", "情绪支持", FieldKind.Count),
        new("basic_needs", "保障支持", FieldKind.Count),
        new("other_support", "其他", FieldKind.Count),
    ],
    KeyFields: ["line_id"],
    MayBeEmpty: true);

    public static readonly SectionDefinition Funds = new("funds", "经费", SectionShape.Rows,
    [
        new("source", "资金来源", FieldKind.Enum, Required: true, Enum: FundSources),
        new("received", "到位金额", FieldKind.Money),
        new("spent", "支出金额", FieldKind.Money),
        new("in_kind", "实物折算", FieldKind.Money),
    ],
    KeyFields: ["source"],
    MayBeEmpty: true);

    /// <summary>Every section, in template order.</summary>
    public static readonly IReadOnlyList<SectionDefinition> Sections = [Station, Visits, Services, Hotline, Funds];

    /// <summary>The section a sheet, CSV file or JSON property name names, or null.</summary>
    public static SectionDefinition? FindSection(string name) => Sections.FirstOrDefault(s => s.IsNamedBy(name));
}
