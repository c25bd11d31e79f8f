using System.Globalization;
using System.Text;

namespace ReportingPipeline.Core.Validation;

/// <summary>
/// A validation rule, declared as data: id, severity, category and bilingual message and action templates.
/// Templates use named placeholders such as <c>{value}</c>, <c>{field}</c>, <c>{limit}</c>.
/// </summary>
public sealed record ValidationRule(
    string Id,
    Severity Severity,
    string Category,
    string MessageZh,
    string MessageEn,
    string ActionZh,
    string ActionEn)
{
    /// <summary>Makes an issue of this rule; placeholders missing from <paramref name="args"/> stay as written.</summary>
    public ValidationIssue Issue(
        SourceLocation location,
        string? section = null,
        string? field = null,
        string? value = null,
        IReadOnlyDictionary<string, string>? args = null)
    {
        var all = new Dictionary<string, string>(args ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        if (value is not null)
        {
            all.TryAdd("value", value);
        }

        if (field is not null)
        {
            all.TryAdd("field", field);
        }

        if (section is not null)
        {
            all.TryAdd("section", section);
        }

        return new ValidationIssue(
            Id, Severity, Category, section, field, location, value,
            Fill(MessageZh, all), Fill(MessageEn, all), Fill(ActionZh, all), Fill(ActionEn, all));
    }

    private static string Fill(string template, Dictionary<string, string> args)
    {
        if (args.Count == 0 || !template.Contains('{', StringComparison.Ordinal))
        {
            return template;
        }

        var builder = new StringBuilder(template);
        foreach (var (name, text) in args)
        {
            builder.Replace("{" + name + "}", text);
        }

        return builder.ToString();
    }
}

/// <summary>The programme's rule catalogue: every rule the pipeline checks, in one table.</summary>
public static class RuleCatalogue
{
    private const string File = "file";
    private const string Header = "header";
    private const string Structure = "structure";
    private const string Cell = "cell";
    private const string Cross = "cross_field";
    private const string Coverage = "coverage";
    private const string Policy = "policy";
    private const string Outlier = "outlier";

    // File
    public static readonly ValidationRule UnsupportedType = new("file.unsupported_type", Severity.Error, File,
        "不支持的文件类型“{value}”。", "Unsupported file type '{value}'.",
        "请使用报表模板（.xlsx）、JSON 或 CSV 压缩包（.zip）上传。", "Upload the Excel template (.xlsx), a JSON file or a zip of CSV files.");

    public static readonly ValidationRule Unreadable = new("file.unreadable", Severity.Error, File,
        "文件无法读取：{reason}。", "The file cannot be read: {reason_en}.",
        "请用 Excel 重新打开并另存为 .xlsx 后再上传，或重新导出文件。", "Open the file in Excel, save it again as .xlsx and re-upload, or export it again.");

    public static readonly ValidationRule TooLarge = new("file.too_large", Severity.Error, File,
        "文件过大（{value}），上限为 {limit}。", "The file is too large ({value}); the limit is {limit}.",
        "请删除多余的工作表、图片和空白行后再上传。", "Remove extra sheets, pictures and blank rows, then upload again.");

    public static readonly ValidationRule ArchiveBomb = new("file.archive_bomb", Severity.Error, File,
        "文件内部结构异常（{reason}），系统拒绝处理。", "The file's internal structure is abnormal ({reason_en}); it was not processed.",
        "请使用标准模板重新填写并上传。", "Fill in the standard template again and upload it.");

    public static readonly ValidationRule Encrypted = new("file.encrypted", Severity.Error, File,
        "文件设置了密码或已加密，无法读取（{reason}）。", "The file is password-protected or encrypted and cannot be read ({reason_en}).",
        "请取消文件密码后重新上传；如为旧版 .xls 文件，请在 Excel 中另存为 .xlsx。", "Remove the password from the file and upload it again; for a legacy .xls file, save it as .xlsx in Excel.");

    public static readonly ValidationRule MacroEnabled = new("file.macro", Severity.Error, File,
        "文件包含宏（VBA），出于安全原因不予接收。", "The file contains macros (VBA) and is refused for security reasons.",
        "请另存为不含宏的 .xlsx 工作簿后上传。", "Save it as a macro-free .xlsx workbook and upload it.");

    public static readonly ValidationRule BadPath = new("file.path", Severity.Error, File,
        "上传位置“{value}”不符合要求，应为 月份/社工站代码/文件名。", "Upload path '{value}' is not {period}/{station}/{file}.",
        "请上传到 submissions/年-月/社工站代码/ 目录下，例如 2026-10/440103001/report.xlsx。", "Upload under submissions/YYYY-MM/station-code/, e.g. 2026-10/440103001/report.xlsx.");

    public static readonly ValidationRule UnsafeEntryName = new("file.unsafe_entry_name", Severity.Error, File,
        "压缩包内的文件名“{value}”不安全（{reason}），解压时可能写到压缩包以外的位置，系统拒绝接收。", "Archive entry name '{value}' is unsafe ({reason_en}): unzipped, it could land outside the target folder, so the file is refused.",
        "请只把 station.csv、visits.csv 等文件直接放在压缩包根目录，重新压缩后上传。", "Put station.csv, visits.csv and the other CSV files directly at the zip's top level, zip them again and upload.");

    public static readonly ValidationRule BadEncoding = new("file.encoding", Severity.Error, File,
        "文件“{value}”的文字编码无法识别（应为 UTF-8 或 GB18030）。", "The text encoding of '{value}' is not recognised (expected UTF-8 or GB18030).",
        "请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后重新打包上传。", "Save as 'CSV UTF-8 (Comma delimited)' in Excel, zip again and upload.");

    public static readonly ValidationRule BadSchema = new("file.schema", Severity.Error, File,
        "JSON 文件的 schema 为“{value}”，应为 shuangbai-monthly/v1。", "The JSON file's schema is '{value}'; expected shuangbai-monthly/v1.",
        "请按数据接口规范生成 JSON 文件。", "Generate the JSON file according to the data contract.");

    // Header
    public static readonly ValidationRule StationMissing = new("header.station_missing", Severity.Error, Header,
        "基本信息中缺少社工站代码。", "The station code is missing from the station section.",
        "请在“基本信息”表中填写 9 位社工站代码。", "Fill in the 9-digit station code in the station sheet.");

    public static readonly ValidationRule StationMalformed = new("header.station_malformed", Severity.Error, Header,
        "社工站代码“{value}”格式不正确，应为 9 位数字。", "Station code '{value}' is malformed; it must be 9 digits.",
        "请填写所在镇（街道）的 9 位统计区划代码。", "Fill in the town's 9-digit statistical division code.");

    public static readonly ValidationRule StationMismatch = new("header.station_mismatch", Severity.Error, Header,
        "文件中的社工站代码“{value}”与上传目录中的“{expected}”不一致。", "Station code '{value}' in the file differs from '{expected}' in the upload path.",
        "请确认上传的是本站的报表，并上传到本站的目录。", "Check the file is your station's report and upload it under your station's folder.");

    public static readonly ValidationRule UnknownStation = new("header.unknown_station", Severity.Error, Header,
        "社工站代码“{value}”不在社工站名录中。", "Station code '{value}' is not in the station register.",
        "请核对代码；如为新设站点，请联系市民政局登记。", "Check the code; for a new station, ask the city civil-affairs bureau to register it.");

    public static readonly ValidationRule StationNotOpen = new("header.station_not_open", Severity.Error, Header,
        "社工站 {value} 在 {period} 未运营（开办 {opened}，关闭 {closed}）。", "Station {value} was not open in {period} (opened {opened}, closed {closed}).",
        "请核对填报月份。", "Check the reporting month.");

    public static readonly ValidationRule PeriodMissing = new("header.period_missing", Severity.Error, Header,
        "基本信息中缺少填报月份。", "The reporting month is missing from the station section.",
        "请填写填报月份，格式为 年-月，例如 2026-10。", "Fill in the month as YYYY-MM, e.g. 2026-10.");

    public static readonly ValidationRule PeriodMalformed = new("header.period_malformed", Severity.Error, Header,
        "填报月份“{value}”格式不正确。", "Reporting month '{value}' is malformed.",
        "请按 年-月 格式填写，例如 2026-10。", "Write the month as YYYY-MM, e.g. 2026-10.");

    public static readonly ValidationRule PeriodMismatch = new("header.period_mismatch", Severity.Error, Header,
        "文件中的填报月份“{value}”与上传目录中的“{expected}”不一致。", "Month '{value}' in the file differs from '{expected}' in the upload path.",
        "请确认月份后，上传到对应月份的目录。", "Check the month and upload under that month's folder.");

    public static readonly ValidationRule PeriodInFuture = new("header.period_future", Severity.Error, Header,
        "填报月份 {value} 尚未开始。", "Reporting month {value} has not started yet.",
        "请核对填报月份。", "Check the reporting month.");

    public static readonly ValidationRule PeriodTooEarly = new("header.period_too_early", Severity.Error, Header,
        "填报月份 {value} 早于双百工程启动时间（2020-11）。", "Reporting month {value} is before the programme started (2020-11).",
        "请核对填报月份。", "Check the reporting month.");

    // Structure
    public static readonly ValidationRule MissingSection = new("structure.missing_section", Severity.Error, Structure,
        "缺少“{label}”（{section}）工作表。", "The '{section}' section ({label}) is missing.",
        "请使用最新模板，保留全部工作表；没有数据的表也请保留表头。", "Use the latest template and keep every sheet; keep the header row even when a sheet has no data.");

    public static readonly ValidationRule MissingColumn = new("structure.missing_column", Severity.Error, Structure,
        "“{section}”表缺少必填列“{label}”（{field}）。", "Section '{section}' lacks the required column '{field}' ({label}).",
        "请不要删除或改名模板中的列。", "Do not delete or rename the template's columns.");

    public static readonly ValidationRule MissingOptionalColumn = new("structure.missing_optional_column", Severity.Warning, Structure,
        "“{section}”表缺少列“{label}”（{field}），该项按未填报处理。", "Section '{section}' lacks the column '{field}' ({label}); it is treated as not reported.",
        "请使用最新模板，保留全部列。", "Use the latest template and keep every column.");

    public static readonly ValidationRule DuplicateColumn = new("structure.duplicate_column", Severity.Error, Structure,
        "“{section}”表中列“{value}”出现了多次。", "Column '{value}' appears more than once in section '{section}'.",
        "请删除重复的列。", "Delete the duplicate column.");

    public static readonly ValidationRule UnknownColumn = new("structure.unknown_column", Severity.Warning, Structure,
        "“{section}”表中的列“{value}”无法识别，已忽略。", "Column '{value}' in section '{section}' is not recognised and was ignored.",
        "如该列为自行添加，可删除；如为模板列，请勿修改列名。", "Delete it if you added it; if it is a template column, do not rename it.");

    public static readonly ValidationRule HeaderLabel = new("structure.header_label", Severity.Info, Structure,
        "“{section}”表的列“{value}”按括号中的代码识别为“{label}”（{field}）。", "Column '{value}' in section '{section}' was matched by its key to '{field}' ({label}).",
        "无需处理；下次可使用最新模板。", "Nothing to do; next time, use the latest template.");

    public static readonly ValidationRule HeaderContradiction = new("structure.header_contradiction", Severity.Warning, Structure,
        "“{section}”表的列“{value}”的名称是另一列“{other_label}”（{other_field}），括号中的代码却是“{field}”：已按代码读作“{label}”。",
        "Column '{value}' in section '{section}' carries the name of another column, '{other_label}' ({other_field}), but the key '{field}': it was read as '{field}' ({label}).",
        "请核对该列的数字是否属于“{label}”；改用最新模板可避免此提示。", "Check that the column's numbers are '{label}'; the latest template avoids this.");

    public static readonly ValidationRule UnknownSection = new("structure.unknown_section", Severity.Warning, Structure,
        "工作表（或文件）“{value}”无法识别，已忽略。", "Sheet (or file) '{value}' is not recognised and was ignored.",
        "可删除该工作表。", "You may delete this sheet.");

    public static readonly ValidationRule TooManyRows = new("structure.too_many_rows", Severity.Error, Structure,
        "“{section}”表的行数超过上限 {limit}。", "Section '{section}' has more than {limit} rows.",
        "请删除空白行和无关数据后再上传。", "Delete blank and unrelated rows, then upload again.");

    public static readonly ValidationRule DuplicateSection = new("structure.duplicate_section", Severity.Error, Structure,
        "工作表（或文件）“{value}”与“{first}”都对应“{label}”（{section}），无法确定以哪一个为准。", "Sheets (or files) '{value}' and '{first}' both hold section '{section}' ({label}); it is unclear which one counts.",
        "请删除多余的一个，只保留一份。", "Delete one of them and keep a single copy.");

    // Cells and rows
    public static readonly ValidationRule NotCount = new("cell.not_count", Severity.Error, Cell,
        "“{label}”应为非负整数，实际为“{value}”。", "'{field}' must be a non-negative whole number, not '{value}'.",
        "请填写 0 或正整数，不要填写小数、负数或文字。", "Write 0 or a positive whole number; no decimals, negatives or words.");

    public static readonly ValidationRule BadHours = new("cell.bad_hours", Severity.Error, Cell,
        "“{label}”应为非负数且最多 1 位小数，实际为“{value}”。", "'{field}' must be a non-negative number with at most one decimal, not '{value}'.",
        "请填写小时数，例如 12.5。", "Write the number of hours, e.g. 12.5.");

    public static readonly ValidationRule BadMoney = new("cell.bad_money", Severity.Error, Cell,
        "“{label}”应为非负金额（元）且最多 2 位小数，实际为“{value}”。", "'{field}' must be a non-negative amount in yuan with at most two decimals, not '{value}'.",
        "请以“元”为单位填写数字，例如 12000.50，不要带“万元”等文字。", "Write the amount in yuan as a number, e.g. 12000.50, without units.");

    public static readonly ValidationRule UnknownEnum = new("cell.unknown_enum", Severity.Error, Cell,
        "“{label}”的值“{value}”不在可选范围内（{allowed}）。", "'{value}' is not an allowed value of '{field}' ({allowed_en}).",
        "请从下拉列表中选择。", "Choose a value from the drop-down list.");

    public static readonly ValidationRule BlankRequired = new("cell.blank_required", Severity.Error, Cell,
        "必填项“{label}”为空。", "Required cell '{field}' is blank.",
        "请补充填写。", "Fill it in.");

    public static readonly ValidationRule TextTooLong = new("cell.too_long", Severity.Error, Cell,
        "“{label}”的内容过长（{length} 个字符，上限 {limit}）。", "'{field}' is too long ({length} characters; the limit is {limit}).",
        "请精简填写内容。", "Shorten the text.");

    public static readonly ValidationRule VillageNotInTown = new("cell.village_not_in_town", Severity.Error, Cell,
        "村居代码“{value}”不属于本镇（街道）。", "Village code '{value}' is not a village of this station's town.",
        "请核对村居代码，模板中已预填本镇全部村居。", "Check the village code; the template lists every village of your town.");

    public static readonly ValidationRule DuplicateKey = new("cell.duplicate_key", Severity.Error, Cell,
        "“{section}”表中“{value}”重复出现（首次出现在第 {first_row} 行）。", "'{value}' appears more than once in section '{section}' (first at row {first_row}).",
        "请合并重复的行。", "Merge the duplicate rows.");

    // Cross-field
    public static readonly ValidationRule CertifiedExceedsWorkers = new("cross_field.certified_exceeds_workers", Severity.Error, Cross,
        "持证社工人数（{value}）大于社工人数（{expected}）。", "Certified social workers ({value}) exceed social workers ({expected}).",
        "持证社工应包含在社工人数之内，请核对。", "Certified workers are counted among social workers; check both figures.");

    public static readonly ValidationRule ResolvedExceedsServed = new("cross_field.resolved_exceeds_served", Severity.Error, Cross,
        "热线 {line} 解决问题数（{value}）大于服务人次（{expected}）。", "Hotline {line}: problems resolved ({value}) exceed people served ({expected}).",
        "请核对热线统计。", "Check the hotline figures.");

    public static readonly ValidationRule SupportSumMismatch = new("cross_field.support_sum_mismatch", Severity.Warning, Cross,
        "热线 {line} 各类支持合计（{value}）与服务人次（{expected}）不一致。", "Hotline {line}: the support kinds add up to {value}, not people served ({expected}).",
        "心理疏导、情绪支持、保障支持、其他之和应等于服务人次，请核对。", "Psychological + emotional + basic-needs + other should equal people served; check them.");

    public static readonly ValidationRule SpentExceedsReceived = new("cross_field.spent_exceeds_received", Severity.Warning, Cross,
        "{source} 经费支出（{value}）大于到位金额（{expected}）。", "{source_en} funds spent ({value}) exceed funds received ({expected}).",
        "如有上月结余，可忽略本提示；否则请核对。", "Ignore this if earlier balances were spent; otherwise check the figures.");

    // Coverage
    public static readonly ValidationRule VillagesNotVisited = new("coverage.villages_not_visited", Severity.Warning, Coverage,
        "本月有 {count} 个村居未填报走访数据：{list}。", "{count} villages have no visit row this month: {list}.",
        "如确实未走访，请填 0；否则请补充。", "Write 0 if there really were no visits; otherwise add them.");

    public static readonly ValidationRule NoActivity = new("coverage.no_activity", Severity.Warning, Coverage,
        "本月未填报任何走访、服务或热线数据。", "No visits, services or hotline activity were reported this month.",
        "如本月确无服务，请在备注中说明；否则请补充数据。", "If there really was no activity, tell your supervisor; otherwise add the data.");

    // Policy
    public static readonly ValidationRule CertifiedShareLow = new("policy.certified_share_low", Severity.Warning, Policy,
        "持证社工占比 {value} 低于要求的 {expected}（开办第 {year} 年）。", "Certified share {value} is below the required {expected} (year {year} of operation).",
        "请推动社工参加职业水平考试，或补充持证人员。", "Encourage staff to take the social-work qualification exam, or recruit certified workers.");

    // Outliers
    public static readonly ValidationRule FarAboveHistory = new("outlier.far_above_history", Severity.Warning, Outlier,
        "“{label}”为 {value}，远高于本站近 {months} 个月的中位数 {median}。", "'{field}' is {value}, far above this station's median of {median} over the last {months} months.",
        "请核对是否多填了数字；如属实可忽略。", "Check for an extra digit; ignore this if the figure is right.");

    // Operations: the pipeline, not the file, failed; said to the station so that an upload never vanishes silently.
    public static readonly ValidationRule SetAside = new("file.set_aside", Severity.Error, File,
        "系统连续 {attempts} 次处理该文件均失败，已暂停处理此文件，其他文件不受影响。", "The pipeline failed to process this file {attempts} times in a row and has set it aside; other uploads are not affected.",
        "请重新上传该文件（可改用新文件名）；如仍出现此提示，请联系省级项目办。", "Upload the file again (a new file name is fine); if this message comes back, contact the provincial programme office.");

    /// <summary>Every rule, for documentation, reports and tests.</summary>
    public static readonly IReadOnlyList<ValidationRule> All =
    [
        UnsupportedType, Unreadable, TooLarge, ArchiveBomb, UnsafeEntryName, Encrypted, MacroEnabled, BadPath, BadEncoding, BadSchema,
        StationMissing, StationMalformed, StationMismatch, UnknownStation, StationNotOpen,
        PeriodMissing, PeriodMalformed, PeriodMismatch, PeriodInFuture, PeriodTooEarly,
        MissingSection, MissingColumn, MissingOptionalColumn, DuplicateColumn, UnknownColumn, HeaderLabel, HeaderContradiction, UnknownSection, TooManyRows,
        NotCount, BadHours, BadMoney, UnknownEnum, BlankRequired, TextTooLong, VillageNotInTown, DuplicateKey,
        CertifiedExceedsWorkers, ResolvedExceedsServed, SupportSumMismatch, SpentExceedsReceived,
        VillagesNotVisited, NoActivity, CertifiedShareLow, FarAboveHistory,
        DuplicateSection,
        SetAside,
    ];

    public static ValidationRule ById(string id) =>
        All.FirstOrDefault(r => r.Id == id) ?? throw new KeyNotFoundException($"No rule {id}.");

    internal static string Format(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
