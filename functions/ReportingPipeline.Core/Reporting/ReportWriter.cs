namespace ReportingPipeline.Core.Reporting;

/// <summary>Writes a report as JSON (for systems) and as a self-contained HTML page (for people).</summary>
public static class ReportWriter
{
    public const string JsonSuffix = ".report.json";
    public const string HtmlSuffix = ".report.html";

    public static byte[] ToJson(SubmissionReport report) => throw new NotImplementedException("TODO(report)");

    public static byte[] ToHtml(SubmissionReport report) => throw new NotImplementedException("TODO(report)");
}
