using System.Globalization;
using System.Text;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Core.Reporting;
using ReportingPipeline.Core.Validation;

namespace ReportingPipeline.Cli;

/// <summary>A report as a terminal shows it: the headline first, then each problem on a line with its place.</summary>
internal static class ReportText
{
    public static string Render(SubmissionReport report)
    {
        var text = new StringBuilder();
        var headline = report.Status switch
        {
            SubmissionStatus.Accepted => "已接收 ACCEPTED",
            SubmissionStatus.AcceptedWithWarnings => "已接收（有提示） ACCEPTED WITH WARNINGS",
            SubmissionStatus.Rejected => "未通过 REJECTED",
            _ => "重复上传 DUPLICATE",
        };
        text.AppendLine(CultureInfo.InvariantCulture, $"{headline}: {SafeText.RemoveControls(report.FileName)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  社工站 station: {report.StationCode ?? "?"} {report.StationName}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  月份 period:    {report.Period ?? "?"}");
        if (report.Version is { } version)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  版本 version:   {version}");
        }

        if (report.Deadline is { } deadline)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"  {(report.OnTime ? "按时 on time" : "逾期 late")} (截止 deadline {deadline:yyyy-MM-dd HH:mm} UTC{deadline:zzz})");
        }

        if (report.Counts is { } counts)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"  行数 rows: visits {counts.Visits}, services {counts.Services}, hotline {counts.Hotline}, funds {counts.Funds}; villages visited {counts.VillagesVisited}/{counts.VillagesExpected}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"  错误 errors: {report.Errors}, 提示 warnings: {report.Warnings}");
        foreach (var issue in report.Issues)
        {
            var severity = issue.Severity switch { Severity.Error => "错误 ERROR  ", Severity.Warning => "提示 WARNING", _ => "说明 INFO   " };
            var cell = WorkbookPlace.IsWorkbook(report.FileName) ? WorkbookPlace.Of(issue)?.Cell : null;
            var place = cell ?? string.Join(" ", new[]
            {
                issue.Location.Source,
                issue.Location.Row is { } row ? $"行{row}" : null,
                issue.Location.Column is { } column ? $"列{column}" : null,
            }.Where(p => p is not null));
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"  {severity} [{issue.RuleId}] {place}").TrimEnd());
            // Messages echo station text: control and bidi characters must not rewrite the terminal.
            text.AppendLine(CultureInfo.InvariantCulture, $"      {SafeText.RemoveControls(issue.MessageZh)} {issue.ActionZh}");
            text.AppendLine(CultureInfo.InvariantCulture, $"      {SafeText.RemoveControls(issue.MessageEn)} {issue.ActionEn}");
        }

        return text.ToString();
    }
}
