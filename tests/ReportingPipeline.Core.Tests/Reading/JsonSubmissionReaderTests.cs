using System.Text;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Reading;
using ReportingPipeline.Core.Validation;

namespace ReportingPipeline.Core.Tests.Reading;

public sealed class JsonSubmissionReaderTests
{
    [Fact]
    public void Read_WrittenSubmission_RoundTripsEveryCell()
    {
        var raw = SubmissionFiles.Read(SubmissionFiles.Json(SubmissionFiles.Sample), "report.json");

        Assert.Equal(SubmissionFormat.Json, raw.Format);
        Assert.Empty(raw.Issues);
        SubmissionFiles.AssertHolds(raw, SubmissionFiles.Sample, enumLabels: false);
    }

    [Fact]
    public void Read_RowsWithDifferingKeys_HeadersAreTheUnionInFirstSeenOrder()
    {
        var json = """
            {"schema":"shuangbai-monthly/v1",
             "visits":[{"village_code":"440103001001","resident_visits":1.50},
                       {"client_visits":2e3,"village_code":"440103001002","resident_visits":null},
                       {}]}
            """;

        var section = Assert.Single(SubmissionFiles.Read(Encoding.UTF8.GetBytes(json), "a.json").Sections);

        Assert.Equal(["village_code", "resident_visits", "client_visits"], section.Headers.Select(h => h.Text));
        Assert.Equal(2, section.Rows.Count);
        Assert.Equal("1.50", section.Rows[0].Cells[1]!.Text);
        Assert.Null(section.Rows[0].Cells[2]);
        Assert.Null(section.Rows[1].Cells[1]);
        Assert.Equal(new SourceLocation("visits", 2, "client_visits"), section.Rows[1].Cells[2]!.Location);
        Assert.Equal("2e3", section.Rows[1].Cells[2]!.Text);
    }

    [Fact]
    public void Read_StationObject_BecomesKeyValueRows()
    {
        var json = """{"station":{"station_code":"440103001","social_workers":12},"schema":"shuangbai-monthly/v1","hotline":[]}""";

        var raw = SubmissionFiles.Read(Encoding.UTF8.GetBytes(json), "a.json");

        var station = raw.Find(SubmissionContract.Station)!;
        Assert.Equal(["field", "value"], station.Headers.Select(h => h.Text));
        Assert.Equal(["social_workers", "12"], station.Rows[1].Cells.Select(c => c!.Text));
        Assert.Equal(new SourceLocation("station", 2, "social_workers"), station.Rows[1].Cells[1]!.Location);
        var hotline = raw.Find(SubmissionContract.Hotline)!;
        Assert.Empty(hotline.Rows);
        Assert.Equal(SubmissionContract.Hotline.Fields.Select(f => f.Key), hotline.Headers.Select(h => h.Text));
    }

    [Theory]
    [InlineData("""{"schema":"shuangbai-monthly/v2"}""", "shuangbai-monthly/v2")]
    [InlineData("""{"station":{}}""", "")]
    [InlineData("""{"schema":2}""", "2")]
    public void Read_WrongOrMissingSchema_ReportsBadSchema(string json, string value)
    {
        var issue = Assert.Single(SubmissionFiles.Read(Encoding.UTF8.GetBytes(json), "a.json").Issues);

        Assert.Equal(RuleCatalogue.BadSchema.Id, issue.RuleId);
        Assert.Equal(value, issue.Value);
    }

    [Fact]
    public void Read_UnknownProperty_WarnsAndReadsTheRest()
    {
        var json = "\uFEFF" + """{"schema":"shuangbai-monthly/v1","remarks":"x","经费":[{"source":"city","received":10}]}""";

        var raw = SubmissionFiles.Read(Encoding.UTF8.GetBytes(json), "a.json");

        Assert.Equal(RuleCatalogue.UnknownSection.Id, Assert.Single(raw.Issues).RuleId);
        Assert.Same(SubmissionContract.Funds, Assert.Single(raw.Sections).Definition);
    }
}
