using ReportingPipeline.EndToEnd.Tests.Cli;

namespace ReportingPipeline.EndToEnd.Tests.Dashboard;

public sealed class DashboardCommandTests : IDisposable
{
    private const string Now = "2026-11-24T09:00:00+08:00";
    private readonly TestFolder _folder = new();

    public DashboardCommandTests()
    {
        MiniProgramme.WriteReference(_folder, "input/reference");
        _folder.Write("input/submissions/2026-09/440103001/sept.json", MiniProgramme.Json("440103001", "2026-09"));
        _folder.Write("input/submissions/2026-10/440103001/oct.json", MiniProgramme.Json("440103001", "2026-10"));
        _folder.Write("input/submissions/2026-10/440103002/oct.json", MiniProgramme.Json("440103002", "2026-10"));
    }

    private string Input => Path.Combine(_folder.Path, "input");

    private string Store => Path.Combine(_folder.Path, "store");

    [Fact]
    public async Task Run_WithMarts_WritesDashboardBesideTheMartsFolder()
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync("run", "--input", Input, "--store", Store, "--now", Now);

        Assert.True(code == 0, stderr);
        var page = Path.Combine(Store, "dashboard.html");
        Assert.Contains($"Dashboard: {page}", stdout, StringComparison.Ordinal);
        Assert.Contains("<!DOCTYPE html>", File.ReadAllText(page), StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(Store, "marts"), "*.html", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Dashboard_AfterRun_WritesTheSamePageRunWrote()
    {
        var run = await CliRunner.RunAsync("run", "--input", Input, "--store", Store, "--now", Now);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var output = Path.Combine(_folder.Path, "out", "board.html");

        var (code, stdout, stderr) = await CliRunner.RunAsync("dashboard", "--store", Store, "-o", output);

        Assert.True(code == 0, stderr);
        Assert.Contains(output, stdout, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(Path.Combine(Store, "dashboard.html")), File.ReadAllBytes(output));
    }

    [Fact]
    public async Task Dashboard_StoreWithoutMarts_ExitsTwoAndSaysRunFirst()
    {
        Directory.CreateDirectory(Store);

        var (code, _, stderr) = await CliRunner.RunAsync("dashboard", "--store", Store, "-o", Path.Combine(_folder.Path, "board.html"));

        Assert.Equal(2, code);
        Assert.Contains("pipeline run", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dashboard_OutputNotHtml_ExitsTwo()
    {
        var (code, _, _) = await CliRunner.RunAsync("dashboard", "--store", Store, "-o", Path.Combine(_folder.Path, "board.pdf"));

        Assert.Equal(2, code);
    }

    public void Dispose() => _folder.Dispose();
}
