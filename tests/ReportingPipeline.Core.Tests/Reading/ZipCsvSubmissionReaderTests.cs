using System.Text;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Reading;
using ReportingPipeline.Core.Validation;

namespace ReportingPipeline.Core.Tests.Reading;

public sealed class ZipCsvSubmissionReaderTests
{
    static ZipCsvSubmissionReaderTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    [Fact]
    public void Read_WrittenSubmission_RoundTripsEveryCell()
    {
        var raw = SubmissionFiles.Read(SubmissionFiles.ZipCsv(SubmissionFiles.Sample), "report.zip");

        Assert.Equal(SubmissionFormat.ZipCsv, raw.Format);
        Assert.Empty(raw.Issues);
        SubmissionFiles.AssertHolds(raw, SubmissionFiles.Sample, enumLabels: false);
    }

    [Fact]
    public void Read_Gb18030WithChineseNamesInAFolder_DecodesAndMaps()
    {
        var bytes = SubmissionFiles.ZipCsv(SubmissionFiles.Sample, Encoding.GetEncoding(54936), labels: true, folder: "十月/");

        var raw = SubmissionFiles.Read(bytes, "report.zip");

        SubmissionFiles.AssertHolds(raw, SubmissionFiles.Sample, enumLabels: false);
        Assert.Equal("十月/走访.csv", raw.Find(SubmissionContract.Visits)!.SourceName);
    }

    [Fact]
    public void Read_Utf8WithBom_StripsTheBomFromTheFirstHeader()
    {
        var csv = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("village_code,resident_visits\n440103001001,3\n")).ToArray();

        var section = Assert.Single(SubmissionFiles.Read(SubmissionFiles.Zip(("visits.csv", csv)), "a.zip").Sections);

        Assert.Equal("village_code", section.Headers[0].Text);
    }

    [Fact]
    public void Read_QuotedCellsAndBlankRecords_KeepRecordNumbersAndText()
    {
        var csv = "\r\nline_id,calls\r\n\"HL,1\",\"4\"\"\"\r\n,\r\n\"multi\nline\",5\r\n\"HL3\"";

        var section = Assert.Single(SubmissionFiles.Read(SubmissionFiles.Zip(("hotline.csv", Encoding.UTF8.GetBytes(csv))), "a.zip").Sections);

        Assert.Equal([3, 5, 6], section.Rows.Select(r => r.Row));
        Assert.Equal(["HL,1", "4\""], section.Rows[0].Cells.Select(c => c!.Text));
        Assert.Equal("multi\nline", section.Rows[1].Cells[0]!.Text);
        Assert.Null(section.Rows[2].Cells[1]);
        Assert.Equal(new SourceLocation("hotline.csv", 5, "B"), section.Rows[1].Cells[1]!.Location);
    }

    [Fact]
    public void Read_ZipToolLeftovers_AreIgnoredAndOtherFilesWarned()
    {
        var bytes = SubmissionFiles.Zip(
            ("__MACOSX/._visits.csv", [0, 5, 0]),
            ("funds.csv", Encoding.UTF8.GetBytes("source,received\nprovince,1\n")),
            ("readme.txt", Encoding.UTF8.GetBytes("hello")));

        var raw = SubmissionFiles.Read(bytes, "a.zip");

        Assert.Same(SubmissionContract.Funds, Assert.Single(raw.Sections).Definition);
        var issue = Assert.Single(raw.Issues);
        Assert.Equal(RuleCatalogue.UnknownSection.Id, issue.RuleId);
        Assert.Equal("readme.txt", issue.Value);
    }

    [Theory]
    [InlineData("/station.csv", "absolute path")]
    [InlineData("\\\\server\\station.csv", "absolute path")]
    [InlineData("../station.csv", "'..' segment")]
    [InlineData("十月/../../station.csv", "'..' segment")]
    [InlineData("C:/temp/station.csv", "drive letter")]
    [InlineData("c:station.csv", "drive letter")]
    [InlineData("十月\\station.csv", "backslash")]
    public void Read_EntryNameThatCouldEscapeTheFolder_RejectedAsUnsafe(string name, string reason)
    {
        var bytes = SubmissionFiles.Zip(
            ("visits.csv", Encoding.UTF8.GetBytes("village_code,resident_visits\n440103001001,3\n")),
            (name, Encoding.UTF8.GetBytes("field,value\nstation_code,440103001\n")));

        var raw = SubmissionFiles.Read(bytes, "a.zip");

        Assert.False(raw.IsReadable);
        var issue = Assert.Single(raw.Issues);
        Assert.Equal(RuleCatalogue.UnsafeEntryName.Id, issue.RuleId);
        Assert.Equal(Severity.Error, issue.Severity);
        Assert.Equal(name, issue.Value);
        Assert.Contains(reason, issue.MessageEn, StringComparison.Ordinal);
        Assert.Contains(name, issue.MessageZh, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("十月/station.csv")]
    [InlineData("a..b/station.csv")]
    [InlineData("./station.csv")]
    public void Read_OrdinaryFolderNames_AreNotUnsafe(string name) =>
        Assert.DoesNotContain(
            SubmissionFiles.Read(SubmissionFiles.Zip((name, Encoding.UTF8.GetBytes("field,value\nstation_code,440103001\n"))), "a.zip").Issues,
            i => i.RuleId == RuleCatalogue.UnsafeEntryName.Id);
}
