using System.Globalization;
using System.Text;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Reading;
using ReportingPipeline.Core.Validation;

namespace ReportingPipeline.Core.Tests.Reading;

public sealed class XlsxSubmissionReaderTests
{
    [Fact]
    public void Read_WrittenSubmission_RoundTripsEveryCell()
    {
        var raw = SubmissionFiles.Read(SubmissionFiles.Xlsx(SubmissionFiles.Sample), "report.xlsx");

        Assert.Equal(SubmissionFormat.Xlsx, raw.Format);
        Assert.Empty(raw.Issues);
        SubmissionFiles.AssertHolds(raw, SubmissionFiles.Sample, enumLabels: true);
    }

    [Fact]
    public void Read_ChineseOnlyHeadersAndSheetNames_MapsSectionAndFields()
    {
        var bytes = SubmissionFiles.Workbook(
            [("走访", """<row r="1"><c r="A1" t="inlineStr"><is><t>村居代码</t></is></c><c r="B1" t="inlineStr"><is><t>走访居民人次</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>440103001001</t></is></c><c r="B2"><v>7</v></c></row>""")]);

        var section = Assert.Single(SubmissionFiles.Read(bytes, "a.xlsx").Sections);

        Assert.Same(SubmissionContract.Visits, section.Definition);
        Assert.Equal(["village_code", "resident_visits"], section.Headers.Select(h => section.Definition.FindField(h.Text)!.Key));
        Assert.Equal(["440103001001", "7"], section.Rows.Single().Cells.Select(c => c!.Text));
    }

    [Fact]
    public void Read_LabelKeyHeadersWithFullWidthParentheses_MapsFields()
    {
        var bytes = SubmissionFiles.Workbook(
            [("走访 (visits)", """<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>""")],
            sharedStrings: ["村居代码 (village_code)", "走访居民人次（resident_visits）"]);

        var section = Assert.Single(SubmissionFiles.Read(bytes, "a.xlsx").Sections);

        Assert.Equal(["village_code", "resident_visits"], section.Headers.Select(h => section.Definition.FindField(h.Text)?.Key));
    }

    [Fact]
    public void Read_RichTextSharedStringWithPhoneticGuide_JoinsRunsOnly()
    {
        var bytes = SubmissionFiles.Workbook(
            [("visits", """<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row>""")],
            sharedStrings: ["village_code", """<r><rPr><b/></rPr><t>4401030</t></r><r><t xml:space="preserve">01001 </t></r><rPh sb="0" eb="1"><t>ふりがな</t></rPh>"""]);

        var section = Assert.Single(SubmissionFiles.Read(bytes, "a.xlsx").Sections);

        Assert.Equal("440103001001 ", section.Rows.Single().Cells[0]!.Text);
    }

    [Fact]
    public void Read_FormulaCells_UseCachedValueOrBlankWithout()
    {
        var bytes = SubmissionFiles.Workbook(
            [("visits", """
                <row r="1"><c r="A1" t="inlineStr"><is><t>village_code</t></is></c><c r="B1" t="inlineStr"><is><t>resident_visits</t></is></c><c r="C1" t="inlineStr"><is><t>client_visits</t></is></c></row>
                <row r="2"><c r="A2" t="str"><f>"4401"&amp;"03001001"</f><v>440103001001</v></c><c r="B2"><f>1+2</f><v>3</v></c><c r="C2"><f>B2*2</f></c></row>
                """)]);

        var row = Assert.Single(Assert.Single(SubmissionFiles.Read(bytes, "a.xlsx").Sections).Rows);

        Assert.Equal("440103001001", row.Cells[0]!.Text);
        Assert.Equal("3", row.Cells[1]!.Text);
        Assert.Null(row.Cells[2]);
    }

    [Fact]
    public void Read_StrayBlankRowsAndOffsetHeader_DropsBlanksAndKeepsExcelLocations()
    {
        var bytes = SubmissionFiles.Workbook(
            [("visits", """
                <row r="2"><c r="B2" t="inlineStr"><is><t> </t></is></c></row>
                <row r="3"><c r="B3" t="inlineStr"><is><t>village_code</t></is></c><c r="C3" t="inlineStr"><is><t>resident_visits</t></is></c></row>
                <row r="4"/>
                <row r="7"><c r="B7" t="inlineStr"><is><t>440103001002</t></is></c><c r="C7"><v>12</v></c><c r="F7"><v>99</v></c></row>
                <row r="9"><c r="C9" t="inlineStr"><is><t></t></is></c></row>
                """)]);

        var section = Assert.Single(SubmissionFiles.Read(bytes, "a.xlsx").Sections);

        Assert.Equal(["", "village_code", "resident_visits"], section.Headers.Select(h => h.Text));
        var row = Assert.Single(section.Rows);
        Assert.Equal(7, row.Row);
        Assert.Equal(3, row.Cells.Count);
        Assert.Null(row.Cells[0]);
        Assert.Equal(new SourceLocation("visits", 7, "C"), row.Cells[2]!.Location);
    }

    [Fact]
    public void Read_CellsWithoutReferencesAndBooleans_FollowOnInOrder()
    {
        var bytes = SubmissionFiles.Workbook(
            [("visits", """<row><c t="inlineStr"><is><t>village_code</t></is></c><c t="inlineStr"><is><t>resident_visits</t></is></c></row><row><c t="b"><v>1</v></c><c><v>1.50</v></c></row>""")]);

        var row = Assert.Single(Assert.Single(SubmissionFiles.Read(bytes, "a.xlsx").Sections).Rows);

        Assert.Equal(2, row.Row);
        Assert.Equal(["TRUE", "1.50"], row.Cells.Select(c => c!.Text));
        Assert.Equal("B", row.Cells[1]!.Location.Column);
    }

    [Fact]
    public void Read_InstructionsAndUnknownSheets_IgnoresInstructionsAndWarnsOfOthers()
    {
        var bytes = SubmissionFiles.Workbook(
            [("填报说明", """<row r="1"><c r="A1" t="inlineStr"><is><t>说明文字</t></is></c></row>"""), ("Instructions", string.Empty), ("Sheet3", string.Empty), ("funds", string.Empty)]);

        var raw = SubmissionFiles.Read(bytes, "a.xlsx");

        var issue = Assert.Single(raw.Issues);
        Assert.Equal(RuleCatalogue.UnknownSection.Id, issue.RuleId);
        Assert.Equal("Sheet3", issue.Value);
        Assert.Same(SubmissionContract.Funds, Assert.Single(raw.Sections).Definition);
        Assert.True(raw.IsReadable);
    }

    [Fact]
    public void Read_TwoSheetsForOneSection_ReportsDuplicateAndKeepsTheFirst()
    {
        var bytes = SubmissionFiles.Workbook([("visits", string.Empty), ("走访", string.Empty)]);

        var raw = SubmissionFiles.Read(bytes, "a.xlsx");

        Assert.Equal("visits", Assert.Single(raw.Sections).SourceName);
        Assert.Equal(RuleCatalogue.DuplicateSection.Id, Assert.Single(raw.Issues).RuleId);
    }

    [Fact]
    public void Read_OverlongSharedString_ClipsTextAndReportsItsLength()
    {
        var limits = ReadLimits.Default with { MaxCellChars = 100 };
        var bytes = SubmissionFiles.Workbook(
            [("station", """<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="4"><c r="A4" t="s"><v>2</v></c><c r="B4" t="s"><v>3</v></c></row>""")],
            sharedStrings: ["field", "value", "prepared_by", new string('长', 5000)]);

        var raw = SubmissionFiles.Read(bytes, "a.xlsx", limits);

        Assert.Equal(100, raw.Sections.Single().Rows.Single().Cells[1]!.Text.Length);
        var issue = Assert.Single(raw.Issues);
        Assert.Equal(RuleCatalogue.TextTooLong.Id, issue.RuleId);
        Assert.Equal(new SourceLocation("station", 4, "B"), issue.Location);
        Assert.Contains("5000", issue.MessageEn, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_EscapedControlCharacter_IsDecoded()
    {
        var bytes = SubmissionFiles.Workbook(
            [("station", """<row r="1"><c r="A1" t="inlineStr"><is><t>field</t></is></c><c r="B1" t="inlineStr"><is><t>value</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>prepared_by</t></is></c><c r="B2" t="inlineStr"><is><t>李_x000D_王</t></is></c></row>""")]);

        Assert.Equal("李\r王", SubmissionFiles.Read(bytes, "a.xlsx").Sections.Single().Rows.Single().Cells[1]!.Text);
    }

    [Fact]
    public void Read_RowsOverTheLimit_StopsWithTooManyRows()
    {
        var rows = new StringBuilder("""<row r="1"><c r="A1" t="inlineStr"><is><t>village_code</t></is></c></row>""");
        for (var r = 2; r <= 60; r++)
        {
            rows.Append(CultureInfo.InvariantCulture, $"""<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>""");
        }

        var raw = SubmissionFiles.Read(SubmissionFiles.Workbook([("visits", rows.ToString())]), "a.xlsx", ReadLimits.Default with { MaxRowsPerSection = 50 });

        Assert.Equal(50, raw.Sections.Single().Rows.Count);
        Assert.Equal(RuleCatalogue.TooManyRows.Id, Assert.Single(raw.Issues).RuleId);
    }
}
