using ReportingPipeline.Cli;

namespace ReportingPipeline.EndToEnd.Tests.Cli;

public sealed class PipelineCommandTests
{
    public static TheoryData<string> Commands() => [.. PipelineCommand.Create().Subcommands.Select(c => c.Name)];

    [Fact]
    public async Task RunAsync_Help_ListsEveryCommandAndExitsZero()
    {
        var (code, stdout, _) = await CliRunner.RunAsync("--help");

        Assert.Equal(0, code);
        Assert.All(PipelineCommand.Create().Subcommands, c => Assert.Contains(c.Name, stdout, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_NoCommand_PrintsHelpAndExitsTwo()
    {
        var (code, stdout, _) = await CliRunner.RunAsync();

        Assert.Equal(2, code);
        Assert.Contains("validate", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task RunAsync_CommandHelp_DescribesEveryOptionAndExitsZero(string command)
    {
        var (code, stdout, _) = await CliRunner.RunAsync(command, "--help");

        Assert.Equal(0, code);
        // In-process the program's name is the test host's, so the usage line is matched from the command on.
        Assert.Matches($@"Usage:\s+\S+ {command} ", stdout);
        foreach (var option in PipelineCommand.Create().Subcommands.Single(c => c.Name == command).Options)
        {
            Assert.Contains(option.Name, stdout, StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(option.Description), $"{command} {option.Name} has no description.");
        }
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task RunAsync_MisspeltOption_ExitsTwoAndSaysWhich(string command)
    {
        var (code, _, stderr) = await CliRunner.RunAsync(command, "--stroe", "x");

        Assert.Equal(2, code);
        Assert.Contains("error:", stderr, StringComparison.Ordinal);
        Assert.Contains("--stroe", stderr, StringComparison.Ordinal);
    }
}
