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
            Assert.Equal(section.Definition.Fields, section.Headers.Select(h => section.Definition.FindField(h.Text)).OfType<FieldDefinition>());
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
        Assert.Equal(SubmissionContract.Station.Fields.Count + 2, raw.Find(SubmissionContract.Station)!.Rows.Count);

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
        Assert.DoesNotContain(checks, c => c.Formula1?.Text?.Contains("老年人", StringComparison.Ordinal) == true);
        Assert.Contains(checks, c => c.Type?.Value == DocumentFormat.OpenXml.Spreadsheet.DataValidationValues.Whole && c.SequenceOfReferences?.InnerText?.StartsWith("D2:", StringComparison.Ordinal) == true);
        var hotline = (WorksheetPart)workbook.GetPartById(sheets[4].Id!);
        Assert.Contains(hotline.Worksheet.Descendants<DocumentFormat.OpenXml.Spreadsheet.DataValidation>(), c => c.Type?.Value == DocumentFormat.OpenXml.Spreadsheet.DataValidationValues.Whole && c.SequenceOfReferences?.InnerText?.StartsWith("B2:", StringComparison.Ordinal) == true);
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

    [Fact]
    public void WriteTemplate_VisitsAndServices_ShowTheVillageNameBesideItsCode()
    {
        var grid = Grid(Template(), SubmissionContract.Visits.TemplateSheetName);

        Assert.Equal(["村居代码 (village_code)", "村居名称 (village_name)", "走访居民人次 (resident_visits)"], grid[1].Take(3));
        Assert.Equal(["440103001001", "沙面社区"], grid[2].Take(2));
        Assert.Equal(["440103001003", "白鹅潭社区"], grid[4].Take(2));
        var services = Grid(Template(), SubmissionContract.Services.TemplateSheetName);
        Assert.Equal(["440103001002", "翠洲社区", "老年人"], services[8].Take(3));
    }

    [Fact]
    public void WriteTemplate_StationSheet_CarriesStationNameMonthAndTemplateVersion()
    {
        var grid = Grid(Template(), SubmissionContract.Station.TemplateSheetName);

        Assert.Equal(["社工站代码 (station_code)", Town], grid[2]);
        Assert.Equal(["社工站名称 (station_name)", "沙面街道社工站"], grid[3]);
        Assert.Equal(["填报月份 (period)", "2026-10"], grid[4]);
        Assert.Equal(["模板版本 (template_version)", SubmissionWorkbookWriter.TemplateVersion], grid[grid.Keys.Max()]);
    }

    [Fact]
    public void WriteTemplate_Protection_LocksCodesAndNamesAndOpensTheFigures()
    {
        using var document = SpreadsheetDocument.Open(new MemoryStream(Template()), isEditable: false);
        var workbook = document.WorkbookPart!;

        bool Locked(string sheetName, string cellReference)
        {
            var sheet = workbook.Workbook.Sheets!.Elements<DocumentFormat.OpenXml.Spreadsheet.Sheet>().Single(s => s.Name == sheetName);
            var worksheet = ((WorksheetPart)workbook.GetPartById(sheet.Id!)).Worksheet;
            Assert.NotNull(worksheet.GetFirstChild<DocumentFormat.OpenXml.Spreadsheet.SheetProtection>());
            var cell = worksheet.Descendants<DocumentFormat.OpenXml.Spreadsheet.Cell>().FirstOrDefault(c => c.CellReference == cellReference);
            var columnIndex = (uint)(cellReference.TakeWhile(char.IsAsciiLetter).Aggregate(0, (n, c) => (n * 26) + c - 'A' + 1));
            var style = cell?.StyleIndex?.Value
                ?? worksheet.Descendants<DocumentFormat.OpenXml.Spreadsheet.Column>().FirstOrDefault(c => c.Min! <= columnIndex && c.Max! >= columnIndex)?.Style?.Value
                ?? 0;
            var format = workbook.WorkbookStylesPart!.Stylesheet.CellFormats!.Elements<DocumentFormat.OpenXml.Spreadsheet.CellFormat>().ElementAt((int)style);
            return format.Protection?.Locked?.Value ?? true;
        }

        Assert.True(Locked(SubmissionContract.Visits.TemplateSheetName, "A2"));
        Assert.True(Locked(SubmissionContract.Visits.TemplateSheetName, "B2"));
        Assert.False(Locked(SubmissionContract.Visits.TemplateSheetName, "C2"));
        Assert.True(Locked(SubmissionContract.Services.TemplateSheetName, "C2"));
        Assert.False(Locked(SubmissionContract.Services.TemplateSheetName, "D2"));
        Assert.False(Locked(SubmissionContract.Hotline.TemplateSheetName, "A2"));
        Assert.True(Locked(SubmissionContract.Funds.TemplateSheetName, "A2"));
        Assert.False(Locked(SubmissionContract.Funds.TemplateSheetName, "B2"));
        Assert.True(Locked(SubmissionContract.Station.TemplateSheetName, "B2"));
        Assert.True(Locked(SubmissionContract.Station.TemplateSheetName, "B4"));
        Assert.False(Locked(SubmissionContract.Station.TemplateSheetName, "B5"));
    }

    /// <summary>A sheet's text by row number, through the pipeline's own reader's view of cells (shared strings resolved).</summary>
    private static Dictionary<int, List<string>> Grid(byte[] workbookBytes, string sheetName)
    {
        using var document = SpreadsheetDocument.Open(new MemoryStream(workbookBytes), isEditable: false);
        var workbook = document.WorkbookPart!;
        var strings = workbook.SharedStringTablePart!.SharedStringTable.Elements<DocumentFormat.OpenXml.Spreadsheet.SharedStringItem>().Select(i => i.InnerText).ToList();
        var sheet = workbook.Workbook.Sheets!.Elements<DocumentFormat.OpenXml.Spreadsheet.Sheet>().Single(s => s.Name == sheetName);
        var rows = ((WorksheetPart)workbook.GetPartById(sheet.Id!)).Worksheet.Descendants<DocumentFormat.OpenXml.Spreadsheet.Row>();
        return rows.ToDictionary(
            r => (int)r.RowIndex!.Value,
            r => r.Elements<DocumentFormat.OpenXml.Spreadsheet.Cell>()
                .Select(c => c.DataType?.Value == DocumentFormat.OpenXml.Spreadsheet.CellValues.SharedString ? strings[int.Parse(c.CellValue!.Text, System.Globalization.CultureInfo.InvariantCulture)] : c.CellValue?.Text ?? string.Empty)
                .ToList());
    }

    private static byte[] Template()
    {
        using var output = new MemoryStream();
        SubmissionWorkbookWriter.WriteTemplate(output, Reference, Town, October);
        return output.ToArray();
    }
}
