using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Core.Validation;

namespace ReportingPipeline.Core.Reporting;

/// <summary>
/// Writes a report as JSON (for systems) and as a self-contained HTML page (for people). Every string a
/// station could have chosen (values, sheet and file names, messages that quote them) goes through
/// <see cref="SafeText"/> first, and the page HTML-encodes it on top.
/// </summary>
public static class ReportWriter
{
    public const string JsonSuffix = ".report.json";
    public const string HtmlSuffix = ".report.html";

    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    /// <summary>UTF-8 JSON in <see cref="PipelineJson"/>: issues flat, with rule id, severity, section, row, column, value and both messages.</summary>
    public static byte[] ToJson(SubmissionReport report) =>
        JsonSerializer.SerializeToUtf8Bytes(ReportDocument.Of(report), PipelineJson.Options);

    /// <summary>A UTF-8 HTML page in Chinese with English: no scripts, no external resources.</summary>
    public static byte[] ToHtml(SubmissionReport report)
    {
        var page = new StringBuilder(8 * 1024);
        var station = report.StationName is null ? report.StationCode : $"{report.StationName}（{report.StationCode}）";
        var month = MonthLabel(report.Period);
        page.Append("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n")
            .Append("<title>").Append(H($"报表回执 Submission report · {station ?? report.FileName} · {report.Period ?? "—"}")).Append("</title>\n")
            .Append("<style>").Append(Css).Append("</style>\n</head>\n<body>\n<main>\n");

        var (zh, en, css) = Headline(report.Status);
        page.Append("<header class=\"headline ").Append(css).Append("\">\n<h1>").Append(H(zh)).Append(" <span class=\"en\">").Append(H(en)).Append("</span></h1>\n")
            .Append("<p>").Append(H(SummaryZh(report))).Append("<br><span class=\"en\">").Append(H(SummaryEn(report))).Append("</span></p>\n</header>\n");

        page.Append("<dl class=\"facts\">\n");
        Fact(page, "社工站", "Station", station ?? "—");
        Fact(page, "月份", "Month", month);
        Fact(page, "版本", "Version", report.Version is { } v ? $"第 {v} 版 (version {v})" : "—");
        Fact(page, "是否按时", "On time", Timeliness(report));
        Fact(page, "接收时间", "Received", Beijing(report.ReceivedAt));
        Fact(page, "文件", "File", report.FileName);
        Fact(page, "大小", "Size", string.Create(CultureInfo.InvariantCulture, $"{report.Bytes:N0} 字节 bytes"));
        Fact(page, "SHA-256", "Checksum", report.Sha256);
        page.Append("</dl>\n");

        page.Append("<ul class=\"counts\">\n");
        Count(page, "错误", "errors", report.Errors.ToString(CultureInfo.InvariantCulture), report.Errors > 0 ? "error" : null);
        Count(page, "提示", "warnings", report.Warnings.ToString(CultureInfo.InvariantCulture), report.Warnings > 0 ? "warning" : null);
        if (report.Counts is { } counts)
        {
            Count(page, "走访行", "visit rows", counts.Visits.ToString(CultureInfo.InvariantCulture), null);
            Count(page, "服务行", "service rows", counts.Services.ToString(CultureInfo.InvariantCulture), null);
            Count(page, "热线", "hotlines", counts.Hotline.ToString(CultureInfo.InvariantCulture), null);
            Count(page, "经费来源", "fund sources", counts.Funds.ToString(CultureInfo.InvariantCulture), null);
            Count(page, "已走访村居", "villages visited", string.Create(CultureInfo.InvariantCulture, $"{counts.VillagesVisited}/{counts.VillagesExpected}"), null);
        }

        page.Append("</ul>\n");

        page.Append("<h2>问题清单 <span class=\"en\">Problems</span></h2>\n");
        if (report.Issues.Count == 0)
        {
            page.Append("<p class=\"none\">没有发现问题。<span class=\"en\">No problems found.</span></p>\n");
        }
        else
        {
            page.Append("<table>\n<thead><tr>")
                .Append("<th>类型<br><span class=\"en\">Type</span></th>")
                .Append("<th>工作表<br><span class=\"en\">Sheet</span></th>")
                .Append("<th>行<br><span class=\"en\">Row</span></th>")
                .Append("<th>列<br><span class=\"en\">Column</span></th>")
                .Append("<th>单元格<br><span class=\"en\">Cell</span></th>")
                .Append("<th>填写值<br><span class=\"en\">Value</span></th>")
                .Append("<th>问题<br><span class=\"en\">Problem</span></th>")
                .Append("<th>怎么改<br><span class=\"en\">What to do</span></th>")
                .Append("</tr></thead>\n<tbody>\n");
            var workbook = WorkbookPlace.IsWorkbook(report.FileName);
            foreach (var issue in report.Issues.OrderByDescending(i => i.Severity))
            {
                var place = workbook ? WorkbookPlace.Of(issue) : null;
                var (rowCss, kind) = issue.Severity switch
                {
                    Severity.Error => ("error", "错误<br><span class=\"en\">Error</span>"),
                    Severity.Warning => ("warning", "提示<br><span class=\"en\">Warning</span>"),
                    _ => ("info", "说明<br><span class=\"en\">Note</span>"),
                };
                var sheet = place?.SheetLabel is { } sheetLabel && issue.Location.Source is { } source && source != sheetLabel
                    ? $"{sheetLabel}（{source}）"
                    : place?.SheetLabel ?? issue.Location.Source ?? issue.Section ?? "—";
                var column = place?.ColumnLabel is { } columnLabel
                    ? issue.Location.Column is { } letter ? $"{columnLabel}（{letter}）" : columnLabel
                    : issue.Location.Column ?? "—";
                page.Append("<tr class=\"").Append(rowCss).Append("\">")
                    .Append("<td>").Append(kind).Append("</td>")
                    .Append("<td>").Append(H(sheet)).Append("</td>")
                    .Append("<td>").Append(issue.Location.Row?.ToString(CultureInfo.InvariantCulture) ?? "—").Append("</td>")
                    .Append("<td>").Append(H(column)).Append("</td>")
                    .Append("<td>").Append(place?.Cell is { } cell ? "<code>" + H(cell) + "</code>" : "—").Append("</td>")
                    .Append("<td class=\"value\">").Append(issue.Value is null ? "—" : "<code>" + H(SafeText.Value(issue.Value)) + "</code>").Append("</td>")
                    .Append("<td>").Append(H(issue.MessageZh)).Append("<br><span class=\"en\">").Append(H(issue.MessageEn)).Append("</span>")
                    .Append("<br><small>").Append(H(issue.RuleId)).Append("</small></td>")
                    .Append("<td>").Append(H(issue.ActionZh)).Append("<br><span class=\"en\">").Append(H(issue.ActionEn)).Append("</span></td>")
                    .Append("</tr>\n");
            }

            page.Append("</tbody>\n</table>\n");
        }

        page.Append("<footer>处理时间 Processed ").Append(H(Beijing(report.ProcessedAt))).Append(" · ").Append(H(report.Schema)).Append("</footer>\n")
            .Append("</main>\n</body>\n</html>\n");
        return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(page.ToString());
    }

    /// <summary>Station text made safe, then HTML-encoded.</summary>
    private static string H(string? text) => Html.Encode(SafeText.Neutralize(text) ?? string.Empty);

    private static void Fact(StringBuilder page, string zh, string en, string value) =>
        page.Append("<div><dt>").Append(H(zh)).Append(" <span class=\"en\">").Append(H(en)).Append("</span></dt><dd>").Append(H(value)).Append("</dd></div>\n");

    private static void Count(StringBuilder page, string zh, string en, string value, string? css) =>
        page.Append("<li").Append(css is null ? string.Empty : $" class=\"{css}\"").Append("><b>").Append(H(value)).Append("</b> ")
            .Append(H(zh)).Append(" <span class=\"en\">").Append(H(en)).Append("</span></li>\n");

    private static (string Zh, string En, string Css) Headline(SubmissionStatus status) => status switch
    {
        SubmissionStatus.Accepted => ("已接收", "Accepted", "accepted"),
        SubmissionStatus.AcceptedWithWarnings => ("已接收（有提示）", "Accepted with warnings", "warnings"),
        SubmissionStatus.Duplicate => ("重复上传", "Duplicate", "duplicate"),
        _ => ("未通过", "Rejected", "rejected"),
    };

    private static string SummaryZh(SubmissionReport r) => r.Status switch
    {
        SubmissionStatus.Accepted => $"本月报表已接收，为第 {r.Version} 版，将用于统计。",
        SubmissionStatus.AcceptedWithWarnings => $"本月报表已接收，为第 {r.Version} 版，将用于统计；有 {r.Warnings} 条提示，请核对，如有误请修改后重新上传。",
        SubmissionStatus.Duplicate => $"文件内容与本月当前的第 {r.Version} 版完全相同，未做任何更改。",
        _ => $"文件有 {r.Errors} 个错误，未被接收；本月此前已接收的版本（如有）保持不变。请按下表修改后重新上传。",
    };

    private static string SummaryEn(SubmissionReport r) => r.Status switch
    {
        SubmissionStatus.Accepted => $"This month's report was accepted as version {r.Version} and will be used in the statistics.",
        SubmissionStatus.AcceptedWithWarnings => $"This month's report was accepted as version {r.Version} and will be used; check the {r.Warnings} warning(s) and upload a corrected file if needed.",
        SubmissionStatus.Duplicate => $"The content is identical to this month's current version {r.Version}; nothing changed.",
        _ => $"The file has {r.Errors} error(s) and was not accepted; any version accepted earlier stays current. Fix the problems below and upload again.",
    };

    private static string Timeliness(SubmissionReport report)
    {
        if (report.Deadline is not { } deadline)
        {
            return "—";
        }

        var verdict = report.OnTime ? "按时 On time" : "逾期 Late";
        return $"{verdict}（截止 deadline {Beijing(deadline)}）";
    }

    private static string MonthLabel(string? period) =>
        Period.TryParse(period, out var p) ? string.Create(CultureInfo.InvariantCulture, $"{p.Year}年{p.Month}月 ({p})") : period ?? "—";

    /// <summary>Times as stations read them: Beijing time (UTC+8).</summary>
    private static string Beijing(DateTimeOffset time) =>
        time.ToOffset(DeadlinePolicy.Default.UtcOffset).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " 北京时间";

    private const string Css = """
        body{margin:0;background:#f5f6f8;color:#1f2328;font:15px/1.6 "PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif}
        main{max-width:1100px;margin:0 auto;padding:24px}
        .en{color:#59636e;font-size:.9em}
        .headline{border-radius:8px;padding:16px 20px;color:#fff}
        .headline h1{margin:0 0 4px;font-size:1.8em}.headline .en{color:#f0f0f0}
        .accepted{background:#1a7f37}.warnings{background:#9a6700}.rejected{background:#cf222e}.duplicate{background:#57606a}
        .facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(250px,1fr));gap:8px 24px;background:#fff;border-radius:8px;padding:16px 20px}
        .facts dt{font-weight:600}.facts dd{margin:0;word-break:break-all}
        .counts{display:flex;flex-wrap:wrap;gap:12px;list-style:none;padding:0}
        .counts li{background:#fff;border-radius:8px;padding:8px 14px}.counts li.error b{color:#cf222e}.counts li.warning b{color:#9a6700}
        table{width:100%;border-collapse:collapse;background:#fff}
        th,td{border:1px solid #d0d7de;padding:6px 8px;text-align:left;vertical-align:top}
        th{background:#eaeef2}tr.error td:first-child{color:#cf222e;font-weight:600}tr.warning td:first-child{color:#9a6700;font-weight:600}tr.info td:first-child{color:#57606a}
        td.value code{white-space:pre-wrap;word-break:break-all}
        footer{margin-top:24px;color:#59636e;font-size:.85em}
        """;

    /// <summary>The report file's shape (contract §2): flat issues, station text made safe.</summary>
    private sealed record ReportDocument(
        string Schema,
        SubmissionStatus Status,
        int? Version,
        string? StationCode,
        string? StationName,
        string? Period,
        string BlobName,
        string FileName,
        string Sha256,
        long Bytes,
        DateTimeOffset ReceivedAt,
        DateTimeOffset ProcessedAt,
        DateTimeOffset? Deadline,
        bool OnTime,
        ReportCounts Counts,
        IReadOnlyList<ReportIssue> Issues)
    {
        public static ReportDocument Of(SubmissionReport r) => new(
            r.Schema,
            r.Status,
            r.Version,
            SafeText.Neutralize(r.StationCode),
            SafeText.Neutralize(r.StationName),
            SafeText.Neutralize(r.Period),
            SafeText.Neutralize(r.BlobName)!,
            SafeText.Neutralize(r.FileName)!,
            r.Sha256,
            r.Bytes,
            r.ReceivedAt,
            r.ProcessedAt,
            r.Deadline,
            r.OnTime,
            new ReportCounts(r.Errors, r.Warnings, r.Counts?.Visits, r.Counts?.Services, r.Counts?.Hotline, r.Counts?.Funds, r.Counts?.VillagesExpected, r.Counts?.VillagesVisited),
            r.Issues.OrderByDescending(i => i.Severity).Select(i => ReportIssue.Of(i, WorkbookPlace.IsWorkbook(r.FileName))).ToList());
    }

    private sealed record ReportCounts(int Errors, int Warnings, int? Visits, int? Services, int? Hotline, int? Funds, int? VillagesExpected, int? VillagesVisited);

    private sealed record ReportIssue(
        string RuleId,
        Severity Severity,
        string Category,
        string? Section,
        string? Field,
        string? Source,
        int? Row,
        string? Column,
        string? SheetLabel,
        string? ColumnLabel,
        string? Cell,
        string? Value,
        string MessageZh,
        string MessageEn,
        string ActionZh,
        string ActionEn)
    {
        /// <summary>The issue as the JSON report carries it; for a workbook, with the Chinese sheet and column labels and the Excel cell.</summary>
        public static ReportIssue Of(ValidationIssue i, bool workbook)
        {
            var place = workbook ? WorkbookPlace.Of(i) : null;
            return new(
                i.RuleId,
                i.Severity,
                i.Category,
                i.Section,
                i.Field,
                SafeText.Neutralize(i.Location.Source),
                i.Location.Row,
                SafeText.Neutralize(i.Location.Column),
                place?.SheetLabel,
                place?.ColumnLabel,
                SafeText.Neutralize(place?.Cell),
                SafeText.Value(i.Value),
                SafeText.Neutralize(i.MessageZh)!,
                SafeText.Neutralize(i.MessageEn)!,
                i.ActionZh,
                i.ActionEn);
        }
    }
}
