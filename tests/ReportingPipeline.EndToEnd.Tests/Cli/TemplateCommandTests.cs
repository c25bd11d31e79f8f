using ReportingPipeline.EndToEnd.Tests.Templates;

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

        StationFilling.FillIn(template);
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
        using var report = System.Text.Json.JsonDocument.Parse(stdout);
        var preparer = report.RootElement.GetProperty("issues").EnumerateArray().Single(i => i.GetProperty("field").GetString() == "prepared_by");
        Assert.Equal("'基本信息 (station)'!B5", preparer.GetProperty("cell").GetString());
        Assert.Equal("基本信息", preparer.GetProperty("sheet_label").GetString());
        Assert.Equal("填报人", preparer.GetProperty("column_label").GetString());
    }

    [Fact]
    public async Task Validate_UnfilledTemplate_PointsAtTheExcelCell()
    {
        var template = Path.Combine(_folder.Path, "t.xlsx");
        await CliRunner.RunAsync("template", "--reference", Reference, "--station", "440103001", "--period", "2026-09", "-o", template);

        var (code, stdout, _) = await CliRunner.RunAsync("validate", template, "--reference", Reference, "--now", "2026-10-09T12:00:00+08:00");

        Assert.Equal(1, code);
        Assert.Contains("[cell.blank_required] '基本信息 (station)'!B5", stdout, StringComparison.Ordinal);
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

    public void Dispose() => _folder.Dispose();
}
