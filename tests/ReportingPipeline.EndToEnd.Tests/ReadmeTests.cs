namespace ReportingPipeline.EndToEnd.Tests;

/// <summary>Keeps the README's promises true: its two commands exist and are what CI and newcomers run.</summary>
public sealed class ReadmeTests
{
    private static string Readme => File.ReadAllText(Path.Combine(RepositoryFiles.Root, "README.md"));

    [Fact]
    public void Readme_LeadsWithTheMainJobAndTheTestCommand()
    {
        Assert.Contains("dotnet run --project functions/ReportingPipeline.Cli -- run", Readme, StringComparison.Ordinal);
        Assert.Contains("./scripts/test.sh", Readme, StringComparison.Ordinal);
    }

    [Fact]
    public void CiRun_CallsTheReadmesTestCommand()
    {
        var ci = File.ReadAllText(Path.Combine(RepositoryFiles.Root, ".ci", "run"));
        Assert.Contains("scripts/test.sh", ci, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(RepositoryFiles.Root, "scripts", "test.sh")));
    }

    [Fact]
    public void Readme_EveryCommandOfTheCliIsDocumented()
    {
        foreach (var command in new[] { "run", "validate", "template", "generate", "host", "upload", "powerbi" })
        {
            Assert.Contains($"| `{command}", Readme, StringComparison.Ordinal);
        }
    }
}
