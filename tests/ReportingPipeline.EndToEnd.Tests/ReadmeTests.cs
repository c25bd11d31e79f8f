using System.CommandLine;
using System.Text.RegularExpressions;
using ReportingPipeline.Cli;

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
        foreach (var command in PipelineCommand.Create().Subcommands)
        {
            Assert.Contains($"| `{command.Name}", Readme, StringComparison.Ordinal);
        }
    }

    /// <summary>The command table's first column against the commands' declarations: no undeclared command or option, no declared option left out.</summary>
    [Fact]
    public void Readme_CommandTable_NamesExactlyTheDeclaredCommandsAndOptions()
    {
        var rows = Regex.Matches(Readme, @"^\| `(?<usage>[a-z][^`]*)` \|", RegexOptions.Multiline).Select(m => m.Groups["usage"].Value).ToList();
        var commands = PipelineCommand.Create().Subcommands.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var documented = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var usage in rows)
        {
            var name = usage.Split(' ')[0];
            Assert.True(commands.TryGetValue(name, out var command), $"The README documents `{name}`, which is not a command.");
            var declared = command.Options.SelectMany(o => o.Aliases.Append(o.Name)).ToHashSet(StringComparer.Ordinal);
            foreach (var option in Regex.Matches(usage, @"(?<![\w-])--?[a-z][a-z-]*").Select(m => m.Value))
            {
                Assert.True(declared.Contains(option), $"The README's `{name}` row names {option}, which `{name}` does not declare.");
                documented.TryAdd(name, new HashSet<string>(StringComparer.Ordinal));
                documented[name].UnionWith(command.Options.Where(o => o.Name == option || o.Aliases.Contains(option)).Select(o => o.Name));
            }
        }

        foreach (var command in commands.Values)
        {
            foreach (var option in command.Options.Where(o => o is not System.CommandLine.Help.HelpOption))
            {
                Assert.True(documented.GetValueOrDefault(command.Name)?.Contains(option.Name) == true, $"The README's table leaves out `{command.Name} {option.Name}`.");
            }
        }
    }
}
