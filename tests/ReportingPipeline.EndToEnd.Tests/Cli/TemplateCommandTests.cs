using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace ReportingPipeline.EndToEnd.Tests.Cli;

public sealed class TemplateCommandTests : IDisposable
{
    private readonly TestFolder _folder = new();

    public TemplateCommandTests() => MiniProgramme.WriteReference(_folder);

    private string Reference => Path.Combine(_folder.Path, "reference");

    [Fact]
    public async Task Template_FilledInAsAStationWould_ValidatesAsAccepted()
    {
        var template = Path.Combine(_folder.Path, "submissions", "2026-09", "440103001", "沙面街道2026年9月.xlsx");
        var (code, _, stderr) = await CliRunner.RunAsync("template", "--reference", Reference, "--station", "440103001", "--period", "2026-09", "-o", template);
        Assert.True(code == 0, stderr);

        FillIn(template);
        var (validateCode, stdout, _) = await CliRunner.RunAsync("validate", template, "--reference", Reference, "--json", "--now", "2026-10-09T12:00:00+08:00");

        Assert.True(validateCode == 0, stdout);
        Assert.Contains("\"status\": \"accepted", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Template_UnfilledTemplate_IsRejectedForTheBlankRequiredCells()
    {
        var template = Path.Combine(_folder.Path, "t.xlsx");
        await CliRunner.RunAsync("template", "--reference", Reference, "--station", "440103001", "--period", "2026-09", "-o", template);

        var (code, stdout, _) = await CliRunner.RunAsync("validate", template, "--reference", Reference, "--json", "--now", "2026-10-09T12:00:00+08:00");

        Assert.Equal(1, code);
        Assert.Contains("cell.blank_required", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--station", "999999999")]
    [InlineData("--period", "2026-9")]
    public async Task Template_BadStationOrPeriod_ExitsTwo(string option, string value)
    {
        var args = new Dictionary<string, string> { ["--station"] = "440103001", ["--period"] = "2026-09", [option] = value };
        var (code, _, _) = await CliRunner.RunAsync("template", "--reference", Reference, "--station", args["--station"], "--period", args["--period"], "-o", Path.Combine(_folder.Path, "x.xlsx"));

        Assert.Equal(2, code);
    }

    /// <summary>Types figures into the template the way a station's staff member does: as text, in the cells left blank.</summary>
    private static void FillIn(string path)
    {
        using var document = SpreadsheetDocument.Open(path, isEditable: true);
        var workbook = document.WorkbookPart!;
        foreach (var sheet in workbook.Workbook.Sheets!.Elements<Sheet>())
        {
            var part = (WorksheetPart)workbook.GetPartById(sheet.Id!);
            var rows = part.Worksheet.GetFirstChild<SheetData>()!.Elements<Row>().ToList();
            if (sheet.Name == "填报说明" || rows.Count == 0)
            {
                continue;
            }

            var headerCount = rows[0].Elements<Cell>().Count();
            foreach (var row in rows.Skip(1))
            {
                for (var column = 0; column < headerCount; column++)
                {
                    var reference = $"{(char)('A' + column)}{row.RowIndex}";
                    var cell = row.Elements<Cell>().FirstOrDefault(c => c.CellReference == reference);
                    if (cell is null)
                    {
                        cell = new Cell { CellReference = reference };
                        row.Append(cell);
                    }

                    if (string.IsNullOrEmpty(cell.CellValue?.Text) && cell.InlineString is null)
                    {
                        var value = sheet.Name!.Value!.Contains("station", StringComparison.Ordinal)
                            ? (row.RowIndex!.Value switch { 4 => "王芳", 5 => "12", 6 => "8", 7 => "25", _ => "36.5" })
                            : "3";
                        cell.DataType = CellValues.InlineString;
                        cell.InlineString = new InlineString(new Text(value));
                    }
                }
            }
        }
    }

    public void Dispose() => _folder.Dispose();
}
