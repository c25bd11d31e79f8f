using System.Text.Json;
using DocumentFormat.OpenXml.Packaging;
using ReportingPipeline.EndToEnd.Tests.Cli;

namespace ReportingPipeline.EndToEnd.Tests.Templates;

/// <summary>
/// A template written by `pipeline template`, filled in, then opened and saved again by headless LibreOffice Calc
/// (whose files differ from Excel's and the SDK's: its own shared strings, styles, protection and validations),
/// is judged as the station meant it.
/// </summary>
public sealed class TemplateInLibreOfficeTests : IDisposable
{
    private const string Now = "2026-10-09T12:00:00+08:00";
    private readonly TestFolder _folder = new();

    public TemplateInLibreOfficeTests() => MiniProgramme.WriteReference(_folder);

    private string Reference => Path.Combine(_folder.Path, "reference");

    [Fact]
    public async Task Template_FilledInAndSavedByLibreOffice_ValidatesAsAccepted()
    {
        var saved = await FilledAndResavedAsync(retype: null);

        var (code, stdout, stderr) = await CliRunner.RunAsync("validate", saved, "--reference", Reference, "--station", "440103001", "--period", "2026-09", "--json", "--now", Now);

        Assert.True(code == 0, stdout + stderr);
        using var report = JsonDocument.Parse(stdout);
        Assert.Equal("accepted", report.RootElement.GetProperty("status").GetString());
        Assert.Empty(report.RootElement.GetProperty("issues").EnumerateArray());
        Assert.Equal(2, report.RootElement.GetProperty("counts").GetProperty("visits").GetInt32());
    }

    [Fact]
    public async Task Template_RetypedLabelOverTheKeySavedByLibreOffice_AcceptedWithAnInformationNote()
    {
        var saved = await FilledAndResavedAsync(retype: ("走访居民人次 (resident_visits)", "入户走访人次 (resident_visits)"));

        var (code, stdout, stderr) = await CliRunner.RunAsync("validate", saved, "--reference", Reference, "--station", "440103001", "--period", "2026-09", "--json", "--now", Now);

        Assert.True(code == 0, stdout + stderr);
        using var report = JsonDocument.Parse(stdout);
        Assert.Equal("accepted", report.RootElement.GetProperty("status").GetString());
        var issue = Assert.Single(report.RootElement.GetProperty("issues").EnumerateArray());
        Assert.Equal("structure.header_label", issue.GetProperty("rule_id").GetString());
        Assert.Equal("info", issue.GetProperty("severity").GetString());
        Assert.Equal("走访居民人次", issue.GetProperty("column_label").GetString());
        Assert.EndsWith("!C1", issue.GetProperty("cell").GetString(), StringComparison.Ordinal);
    }

    private async Task<string> FilledAndResavedAsync((string Header, string Retyped)? retype)
    {
        var soffice = LibreOfficeCalc.Find();
        Assert.True(soffice is not null, LibreOfficeCalc.Missing);
        var template = Path.Combine(_folder.Path, "filled", "沙面街道2026年9月.xlsx");
        var (code, _, stderr) = await CliRunner.RunAsync("template", "--reference", Reference, "--station", "440103001", "--period", "2026-09", "-o", template);
        Assert.True(code == 0, stderr);
        StationFilling.FillIn(template, retype);

        var saved = await LibreOfficeCalc.ResaveAsync(soffice!, template, Path.Combine(_folder.Path, "libreoffice"));

        // It really is LibreOffice's file now, not the SDK's.
        using (var document = SpreadsheetDocument.Open(saved, isEditable: false))
        {
            Assert.Contains("LibreOffice", document.ExtendedFilePropertiesPart?.Properties.Application?.Text ?? string.Empty, StringComparison.Ordinal);
        }

        return saved;
    }

    public void Dispose() => _folder.Dispose();
}
