using System.Text.Json;

namespace ReportingPipeline.EndToEnd.Tests.Cli;

public sealed class ValidateCommandTests : IDisposable
{
    private readonly TestFolder _folder = new();

    public ValidateCommandTests() => MiniProgramme.WriteReference(_folder);

    private string Reference => Path.Combine(_folder.Path, "reference");

    [Fact]
    public async Task Validate_CleanFile_ExitsZeroAndSaysAccepted()
    {
        var file = _folder.Write("upload.json", MiniProgramme.Json("440103001", "2026-09"));

        var (code, stdout, _) = await CliRunner.RunAsync("validate", file, "--reference", Reference, "--now", "2026-10-05T10:00:00+08:00");

        Assert.Equal(0, code);
        Assert.Contains("已接收", stdout, StringComparison.Ordinal);
        Assert.Contains("440103001", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_JsonFlag_PrintsOnlyTheContractReport()
    {
        var file = _folder.Write("upload.json", MiniProgramme.Json("440103001", "2026-09"));

        var (code, stdout, _) = await CliRunner.RunAsync("validate", file, "--reference", Reference, "--json", "--now", "2026-10-05T10:00:00+08:00");

        Assert.Equal(0, code);
        using var report = JsonDocument.Parse(stdout);
        Assert.Equal("accepted", report.RootElement.GetProperty("status").GetString());
        Assert.Equal(1, report.RootElement.GetProperty("version").GetInt32());
        Assert.True(report.RootElement.GetProperty("on_time").GetBoolean());
        Assert.Equal(64, report.RootElement.GetProperty("sha256").GetString()!.Length);
    }

    [Fact]
    public async Task Validate_AfterTheDeadline_IsLate()
    {
        var file = _folder.Write("upload.json", MiniProgramme.Json("440103001", "2026-09"));

        var (_, stdout, _) = await CliRunner.RunAsync("validate", file, "--reference", Reference, "--json", "--now", "2026-10-11T00:00:01+08:00");

        using var report = JsonDocument.Parse(stdout);
        Assert.False(report.RootElement.GetProperty("on_time").GetBoolean());
    }

    [Fact]
    public async Task Validate_CertifiedAboveWorkers_ExitsOneWithTheRule()
    {
        var file = _folder.Write("upload.json", MiniProgramme.Json("440103001", "2026-09", socialWorkers: 5, certified: 9));

        var (code, stdout, _) = await CliRunner.RunAsync("validate", file, "--reference", Reference, "--json", "--now", "2026-10-05T10:00:00+08:00");

        Assert.Equal(1, code);
        using var report = JsonDocument.Parse(stdout);
        Assert.Equal("rejected", report.RootElement.GetProperty("status").GetString());
        Assert.Contains(report.RootElement.GetProperty("issues").EnumerateArray(),
            i => i.GetProperty("rule_id").GetString() == "cross_field.certified_exceeds_workers");
    }

    [Fact]
    public async Task Validate_FileInAnotherStationsFolder_IsRejectedForTheMismatch()
    {
        var file = _folder.Write("submissions/2026-09/440103002/upload.json", MiniProgramme.Json("440103001", "2026-09"));

        var (code, stdout, _) = await CliRunner.RunAsync("validate", file, "--reference", Reference, "--json", "--now", "2026-10-05T10:00:00+08:00");

        Assert.Equal(1, code);
        using var report = JsonDocument.Parse(stdout);
        Assert.Contains(report.RootElement.GetProperty("issues").EnumerateArray(),
            i => i.GetProperty("rule_id").GetString() == "header.station_mismatch");
    }

    [Fact]
    public async Task Validate_PeriodInTheFuture_IsRejected()
    {
        var file = _folder.Write("upload.json", MiniProgramme.Json("440103001", "2026-12"));

        var (code, stdout, _) = await CliRunner.RunAsync("validate", file, "--reference", Reference, "--json", "--now", "2026-10-05T10:00:00+08:00");

        Assert.Equal(1, code);
        Assert.Contains("header.period_future", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_TerminalEscapesInTheFile_NeverReachTheTerminal()
    {
        var json = MiniProgramme.Json("440103001", "2026-09").Replace("\"440103001002\"", "\"4401\\u001b[2J\\u202e99\"", StringComparison.Ordinal);
        var file = _folder.Write("upload.json", json);

        var (code, stdout, _) = await CliRunner.RunAsync("validate", file, "--reference", Reference, "--now", "2026-10-05T10:00:00+08:00");

        Assert.Equal(1, code);
        Assert.Contains("cell.village_not_in_town", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', stdout);
        Assert.DoesNotContain('\u202e', stdout);
    }

    [Theory]
    [InlineData("validate")]
    [InlineData("validate", "missing.json", "--reference", "x")]
    [InlineData("validate", "--bogus")]
    [InlineData("frobnicate")]
    public async Task Validate_UsageMistakes_ExitTwo(params string[] args)
    {
        var (code, _, stderr) = await CliRunner.RunAsync(args);

        Assert.Equal(2, code);
        Assert.Contains("error:", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_BadPeriodOption_ExitsTwo()
    {
        var file = _folder.Write("upload.json", MiniProgramme.Json("440103001", "2026-09"));

        var (code, _, _) = await CliRunner.RunAsync("validate", file, "--reference", Reference, "--period", "2026/09");

        Assert.Equal(2, code);
    }

    public void Dispose() => _folder.Dispose();
}
