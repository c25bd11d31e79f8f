using System.Text;
using System.Text.Json;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Core.Reporting;
using ReportingPipeline.Core.Validation;
using ReportingPipeline.Testing;

namespace ReportingPipeline.Core.Tests.Reporting;

public sealed class ReportWriterTests
{
    private const string Script = "<script>alert(1)</script>";
    private const string Formula = "=HYPERLINK(\"http://evil.example\",\"点我\")";

    [Fact]
    public void ToJson_ParsesBackWithContractShape()
    {
        var report = Report(SubmissionStatus.Rejected, null,
            RuleCatalogue.NoActivity.Issue(SourceLocation.File),
            RuleCatalogue.NotCount.Issue(new SourceLocation("走访 (visits)", 3, "B"), "visits", "resident_visits", "12.5", new Dictionary<string, string> { ["label"] = "走访居民人次" }));

        using var json = JsonDocument.Parse(ReportWriter.ToJson(report));
        var root = json.RootElement;

        Assert.Equal("shuangbai-report/v1", root.GetProperty("schema").GetString());
        Assert.Equal("rejected", root.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("version").ValueKind);
        Assert.Equal(new string('a', 64), root.GetProperty("sha256").GetString());
        Assert.Equal(2048, root.GetProperty("bytes").GetInt64());
        Assert.Equal(report.ReceivedAt, root.GetProperty("received_at").GetDateTimeOffset());
        Assert.Equal(report.Deadline, root.GetProperty("deadline").GetDateTimeOffset());
        Assert.True(root.GetProperty("on_time").GetBoolean());
        Assert.Equal("2026-09", root.GetProperty("period").GetString());
        Assert.Equal(TestReference.StationName, root.GetProperty("station_name").GetString());
        Assert.Equal(1, root.GetProperty("counts").GetProperty("errors").GetInt32());
        Assert.Equal(1, root.GetProperty("counts").GetProperty("warnings").GetInt32());

        var issues = root.GetProperty("issues");
        Assert.Equal(2, issues.GetArrayLength());
        var first = issues[0];
        Assert.Equal("cell.not_count", first.GetProperty("rule_id").GetString());
        Assert.Equal("error", first.GetProperty("severity").GetString());
        Assert.Equal("visits", first.GetProperty("section").GetString());
        Assert.Equal("走访 (visits)", first.GetProperty("source").GetString());
        Assert.Equal(3, first.GetProperty("row").GetInt32());
        Assert.Equal("B", first.GetProperty("column").GetString());
        Assert.Equal("12.5", first.GetProperty("value").GetString());
        Assert.Contains("走访居民人次", first.GetProperty("message_zh").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(first.GetProperty("message_en").GetString()));
        Assert.False(string.IsNullOrEmpty(first.GetProperty("action_zh").GetString()));
        Assert.False(string.IsNullOrEmpty(first.GetProperty("action_en").GetString()));
        Assert.Equal("warning", issues[1].GetProperty("severity").GetString());
    }

    [Fact]
    public void ToJson_WorkbookIssue_NamesSheetAndColumnInChineseAndGivesTheExcelCell()
    {
        var report = Report(SubmissionStatus.Rejected, null,
            RuleCatalogue.NotCount.Issue(new SourceLocation("走访 (visits)", 5, "C"), "visits", "client_visits", "x", new Dictionary<string, string> { ["label"] = "探访民政对象人次" }),
            RuleCatalogue.NotCount.Issue(new SourceLocation("走访", 7, "B"), "visits", "resident_visits", "y", new Dictionary<string, string> { ["label"] = "走访居民人次" }));

        using var json = JsonDocument.Parse(ReportWriter.ToJson(report));
        var issues = json.RootElement.GetProperty("issues");

        Assert.Equal("走访", issues[0].GetProperty("sheet_label").GetString());
        Assert.Equal("探访民政对象人次", issues[0].GetProperty("column_label").GetString());
        Assert.Equal("'走访 (visits)'!C5", issues[0].GetProperty("cell").GetString());
        Assert.Equal("走访!B7", issues[1].GetProperty("cell").GetString());
        var html = Encoding.UTF8.GetString(ReportWriter.ToHtml(report));
        Assert.Contains("走访!B7", html, StringComparison.Ordinal);
        Assert.Contains("探访民政对象人次（C）", html, StringComparison.Ordinal);
    }

    [Fact]
    public void ToJson_WorkbookIssueAboutAWholeColumn_GivesTheColumnAsExcelWritesIt()
    {
        var report = Report(SubmissionStatus.AcceptedWithWarnings, 1,
            RuleCatalogue.FarAboveHistory.Issue(new SourceLocation("走访 (visits)", null, "C"), "visits", "client_visits", "900"));

        using var json = JsonDocument.Parse(ReportWriter.ToJson(report));

        // Not 'C' without a row, which Excel's name box refuses.
        Assert.Equal("'走访 (visits)'!C:C", json.RootElement.GetProperty("issues")[0].GetProperty("cell").GetString());
    }

    [Theory]
    [InlineData("走访", "走访")]
    [InlineData("Visits_2", "Visits_2")]
    [InlineData("走访 (visits)", "'走访 (visits)'")]
    [InlineData("AB12", "'AB12'")]
    [InlineData("R1C1", "'R1C1'")]
    [InlineData("C", "'C'")]
    [InlineData("1月", "'1月'")]
    [InlineData("O'Hara", "'O''Hara'")]
    public void SheetReference_QuotedWhenExcelWouldReadItOtherwise(string sheet, string expected) =>
        Assert.Equal(expected, WorkbookPlace.SheetReference(sheet));

    [Fact]
    public void ToJson_CsvZipIssue_HasNoExcelCell()
    {
        var report = Report(SubmissionStatus.Rejected, null,
            RuleCatalogue.NotCount.Issue(new SourceLocation("visits.csv", 5, "C"), "visits", "client_visits", "x")) with { FileName = "report.zip" };

        using var json = JsonDocument.Parse(ReportWriter.ToJson(report));

        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("issues")[0].GetProperty("cell").ValueKind);
    }

    [Fact]
    public void ToHtml_InfoIssue_ShownAsANote()
    {
        var report = Report(SubmissionStatus.Accepted, 1,
            RuleCatalogue.HeaderLabel.Issue(new SourceLocation("走访 (visits)", 1, "B"), "visits", "resident_visits", "入户人次 (resident_visits)", new Dictionary<string, string> { ["label"] = "走访居民人次", ["section"] = "走访 (visits)" }));

        var html = Encoding.UTF8.GetString(ReportWriter.ToHtml(report));
        using var json = JsonDocument.Parse(ReportWriter.ToJson(report));

        Assert.Contains("<tr class=\"info\">", html, StringComparison.Ordinal);
        Assert.Equal("info", json.RootElement.GetProperty("issues")[0].GetProperty("severity").GetString());
        Assert.Equal(0, json.RootElement.GetProperty("counts").GetProperty("warnings").GetInt32());
    }

    [Fact]
    public void ToJson_FormulaAndControlValues_Neutralised()
    {
        var report = Report(SubmissionStatus.Rejected, null,
            RuleCatalogue.UnknownEnum.Issue(new SourceLocation("=cmd|' /C calc'!A0", 2, "B"), "services", "target_group", Formula + "\u0007"));

        using var json = JsonDocument.Parse(ReportWriter.ToJson(report));
        var issue = json.RootElement.GetProperty("issues")[0];

        Assert.Equal("'" + Formula, issue.GetProperty("value").GetString());
        Assert.Equal("'=cmd|' /C calc'!A0", issue.GetProperty("source").GetString());
    }

    [Fact]
    public void ToHtml_StationText_EncodedAndNeutralised()
    {
        var report = Report(SubmissionStatus.Rejected, null,
            RuleCatalogue.UnknownColumn.Issue(new SourceLocation(Script, 1, "C"), "visits", value: Script, args: new Dictionary<string, string> { ["section"] = "visits" }),
            RuleCatalogue.UnknownEnum.Issue(new SourceLocation("服务 (services)", 2, "B"), "services", "target_group", Formula)) with { FileName = Script + ".xlsx" };

        var html = Encoding.UTF8.GetString(ReportWriter.ToHtml(report));

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain(">=HYPERLINK", html, StringComparison.Ordinal);
        Assert.Contains("&#x27;=HYPERLINK", html, StringComparison.Ordinal);
    }

    [Fact]
    public void ToHtml_SelfContained_NoScriptsOrExternalResources()
    {
        var html = Encoding.UTF8.GetString(ReportWriter.ToHtml(Report(SubmissionStatus.Accepted, 1)));

        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Contains("<style>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<link", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SubmissionStatus.Accepted, "已接收", "Accepted")]
    [InlineData(SubmissionStatus.AcceptedWithWarnings, "已接收（有提示）", "Accepted with warnings")]
    [InlineData(SubmissionStatus.Rejected, "未通过", "Rejected")]
    [InlineData(SubmissionStatus.Duplicate, "重复上传", "Duplicate")]
    public void ToHtml_Headline_SaysTheOutcome(SubmissionStatus status, string zh, string en)
    {
        var html = Encoding.UTF8.GetString(ReportWriter.ToHtml(Report(status, status == SubmissionStatus.Rejected ? null : 2)));

        Assert.Contains($"<h1>{zh} <span class=\"en\">{en}</span></h1>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void ToHtml_Facts_StationMonthVersionAndTimeliness()
    {
        var report = Report(SubmissionStatus.Accepted, 2) with { OnTime = false };
        var html = Encoding.UTF8.GetString(ReportWriter.ToHtml(report));

        Assert.Contains(TestReference.StationName, html, StringComparison.Ordinal);
        Assert.Contains("2026年9月", html, StringComparison.Ordinal);
        Assert.Contains("第 2 版", html, StringComparison.Ordinal);
        Assert.Contains("逾期 Late", html, StringComparison.Ordinal);
        Assert.Contains("2026-10-10 23:59:59", html, StringComparison.Ordinal);
    }

    [Fact]
    public void ToHtml_ProblemTable_ErrorsBeforeWarnings()
    {
        var report = Report(SubmissionStatus.Rejected, null,
            RuleCatalogue.NoActivity.Issue(SourceLocation.File),
            RuleCatalogue.PeriodMissing.Issue(new SourceLocation("基本信息 (station)", 3, "B"), "station", "period"));
        var html = Encoding.UTF8.GetString(ReportWriter.ToHtml(report));

        foreach (var header in new[] { "工作表", "行", "列", "填写值", "问题", "怎么改" })
        {
            Assert.Contains($"<th>{header}<br>", html, StringComparison.Ordinal);
        }

        Assert.True(html.IndexOf("tr class=\"error\"", StringComparison.Ordinal) < html.IndexOf("tr class=\"warning\"", StringComparison.Ordinal));
        Assert.Contains(RuleCatalogue.PeriodMissing.MessageZh, html, StringComparison.Ordinal);
    }

    private static SubmissionReport Report(SubmissionStatus status, int? version, params ValidationIssue[] issues)
    {
        var period = new Period(2026, 9);
        return new SubmissionReport(
            SubmissionReport.SchemaId, $"2026-09/{TestReference.StationCode}/report.xlsx", "report.xlsx", TestReference.StationCode, TestReference.StationName,
            period.ToString(), status, version, new string('a', 64), 2048,
            new DateTimeOffset(2026, 10, 3, 2, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 10, 3, 2, 0, 5, TimeSpan.Zero),
            DeadlinePolicy.Default.DeadlineOf(period), true,
            issues.Count(i => i.Severity == Severity.Error), issues.Count(i => i.Severity == Severity.Warning), null, issues);
    }
}
