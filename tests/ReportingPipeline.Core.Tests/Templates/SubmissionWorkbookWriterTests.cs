using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Reading;
using ReportingPipeline.Core.Reference;
using ReportingPipeline.Core.Templates;
using ReportingPipeline.Core.Tests.Reading;

namespace ReportingPipeline.Core.Tests.Templates;

public sealed class SubmissionWorkbookWriterTests
{
    private const string Town = "440103001";

    private static readonly ReferenceData Reference = new(
        [
            new Region("44", "广东省", RegionLevel.Province, null),
            new Region("4401", "广州市", RegionLevel.City, "44"),
            new Region("440103", "荔湾区", RegionLevel.District, "4401"),
            new Region(Town, "沙面街道", RegionLevel.Town, "440103"),
            new Region("440103001001", "沙面社区", RegionLevel.Village, Town),
            new Region("440103001002", "翠洲社区", RegionLevel.Village, Town),
            new Region("440103001003", "白鹅潭社区", RegionLevel.Village, Town),
            new Region("440103002", "岭南街道", RegionLevel.Town, "440103"),
            new Region("440103002001", "岭南社区", RegionLevel.Village, "440103002"),
        ],
        [new Station(Town, "沙面街道社工站", "广州市某社会工作服务中心", new DateOnly(2021, 3, 1), null)],
        "test");

    private static readonly Period October = new(2026, 10);

    [Fact]
    public void WriteTemplate_ReadBack_FindsEverySectionWithMappedHeaders()
    {
        var raw = SubmissionFiles.Read(Template(), "template.xlsx");

        Assert.Empty(raw.Issues);
        Assert.Equal(SubmissionContract.Sections, raw.Sections.Select(s => s.Definition));
        foreach (var section in raw.Sections.Where(s => s.Definition.Shape == SectionShape.Rows))
        {
            Assert.Equal(section.Definition.Fields, section.Headers.Select(h => section.Definition.FindField(h.Text)));
            Assert.Equal(section.Definition.TemplateSheetName, section.SourceName);
        }
    }

    [Fact]
    public void WriteTemplate_ReadBack_PrefillsStationPeriodVillagesGroupsAndSources()
    {
        var raw = SubmissionFiles.Read(Template(), "template.xlsx");

        var station = SubmissionFiles.Cells(raw.Find(SubmissionContract.Station)!).Single();
        Assert.Equal(Town, station["station_code"]);
        Assert.Equal("2026-10", station["period"]);
        Assert.Null(station["social_workers"]);
        Assert.Equal(SubmissionContract.Station.Fields.Count, raw.Find(SubmissionContract.Station)!.Rows.Count);

        var visits = SubmissionFiles.Cells(raw.Find(SubmissionContract.Visits)!);
        Assert.Equal(["440103001001", "440103001002", "440103001003"], visits.Select(v => v["village_code"]));
        Assert.All(visits, v => Assert.Null(v["resident_visits"]));

        var services = SubmissionFiles.Cells(raw.Find(SubmissionContract.Services)!);
        Assert.Equal(3 * 6, services.Count);
        Assert.Equal(["老年人", "儿童", "残疾人", "妇女", "困难群众", "其他"], services.Take(6).Select(s => s["target_group"]));

        Assert.Empty(raw.Find(SubmissionContract.Hotline)!.Rows);
        Assert.Equal(["省级", "市级", "区级", "镇街", "社会资金"], SubmissionFiles.Cells(raw.Find(SubmissionContract.Funds)!).Select(f => f["source"]));
    }

    [Fact]
    public void WriteTemplate_OpenXmlValidator_ReportsNoErrors()
    {
        using var document = SpreadsheetDocument.Open(new MemoryStream(Template()), isEditable: false);

        var errors = new OpenXmlValidator().Validate(document).Select(e => $"{e.Path?.XPath}: {e.Description}").ToList();

        Assert.Empty(errors);
    }

    [Fact]
    public void WriteTemplate_Sheets_HaveInstructionsDropDownsAndNumberChecks()
    {
        using var document = SpreadsheetDocument.Open(new MemoryStream(Template()), isEditable: false);
        var workbook = document.WorkbookPart!;
        var sheets = workbook.Workbook.Sheets!.Elements<DocumentFormat.OpenXml.Spreadsheet.Sheet>().ToList();

        Assert.Equal([SubmissionWorkbookWriter.InstructionsSheetName, .. SubmissionContract.Sections.Select(s => s.TemplateSheetName)], sheets.Select(s => s.Name!.Value));
        var services = (WorksheetPart)workbook.GetPartById(sheets[3].Id!);
        var checks = services.Worksheet.Descendants<DocumentFormat.OpenXml.Spreadsheet.DataValidation>().ToList();
        Assert.Contains(checks, c => c.Formula1?.Text?.Contains("老年人", StringComparison.Ordinal) == true && c.SequenceOfReferences?.InnerText?.StartsWith("B2:", StringComparison.Ordinal) == true);
        Assert.Contains(checks, c => c.Type?.Value == DocumentFormat.OpenXml.Spreadsheet.DataValidationValues.Whole && c.SequenceOfReferences?.InnerText?.StartsWith("C2:", StringComparison.Ordinal) == true);
        var sharedText = string.Concat(workbook.SharedStringTablePart!.SharedStringTable.InnerText);
        Assert.Contains("2026-11-10 23:59", sharedText, StringComparison.Ordinal);
        Assert.Contains("白鹅潭社区", sharedText, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteSubmission_OpenXmlValidatorAndReader_AgreeWithTheSubmission()
    {
        using var output = new MemoryStream();
        SubmissionWorkbookWriter.WriteSubmission(output, SubmissionFiles.Sample, Reference);
        var bytes = output.ToArray();

        using (var document = SpreadsheetDocument.Open(new MemoryStream(bytes), isEditable: false))
        {
            Assert.Empty(new OpenXmlValidator().Validate(document));
        }

        SubmissionFiles.AssertHolds(SubmissionFiles.Read(bytes, "report.xlsx"), SubmissionFiles.Sample, enumLabels: true);
    }

    [Fact]
    public void WriteSubmission_Numbers_AreNumericCells()
    {
        using var output = new MemoryStream();
        SubmissionWorkbookWriter.WriteSubmission(output, SubmissionFiles.Sample);
        using var document = SpreadsheetDocument.Open(new MemoryStream(output.ToArray()), isEditable: false);
        var workbook = document.WorkbookPart!;
        var funds = workbook.Workbook.Sheets!.Elements<DocumentFormat.OpenXml.Spreadsheet.Sheet>().Single(s => s.Name == SubmissionContract.Funds.TemplateSheetName);

        var received = ((WorksheetPart)workbook.GetPartById(funds.Id!)).Worksheet.Descendants<DocumentFormat.OpenXml.Spreadsheet.Cell>().Single(c => c.CellReference == "B2");

        Assert.Null(received.DataType);
        Assert.Equal("120000", received.CellValue!.Text);
    }

    private static byte[] Template()
    {
        using var output = new MemoryStream();
        SubmissionWorkbookWriter.WriteTemplate(output, Reference, Town, October);
        return output.ToArray();
    }
}
