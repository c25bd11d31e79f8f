using ReportingPipeline.Testing;

namespace ReportingPipeline.EndToEnd.Tests.Cli;

public sealed class GenerateCommandTests : IDisposable
{
    private readonly TestFolder _folder = new();

    private string Store => Path.Combine(_folder.Path, "store");

    [Fact]
    public async Task Generate_Staged_WritesAStoreTheMartBuildTakesWithoutIntake()
    {
        var generated = await CliRunner.RunAsync("generate", "--scale", "sample", "--months", "1", "--from", "2025-03", "--seed", "3", "--staged", "--out", Store);
        Assert.True(generated.ExitCode == 0, generated.Stderr);
        Assert.False(Directory.Exists(Path.Combine(Store, "submissions")));

        // `run` over an input holding only the reference finds no upload to ingest and builds the marts from the staged store.
        var input = Path.Combine(_folder.Path, "input", "reference");
        Directory.CreateDirectory(input);
        foreach (var file in Directory.GetFiles(Path.Combine(Store, "reference")))
        {
            File.Copy(file, Path.Combine(input, Path.GetFileName(file)));
        }

        var run = await CliRunner.RunAsync("run", "--input", Path.GetDirectoryName(input)!, "--store", Store, "--now", "2025-04-20T12:00:00+08:00");
        Assert.True(run.ExitCode == 0, run.Stderr);

        var ledgerEntries = Directory.GetFiles(Path.Combine(Store, "ledger", "2025-03"), "*.json").Length;
        using var marts = new MartReader(Path.Combine(Store, "marts"));
        var statuses = marts.Rows("SELECT status, count(*) AS n FROM fct_submission GROUP BY status")
            .ToDictionary(r => (string)r["status"]!, r => Convert.ToInt64(r["n"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(ledgerEntries, statuses.Where(s => s.Key != "missing").Sum(s => s.Value));
        Assert.True(statuses.GetValueOrDefault("accepted") > 0 && statuses.GetValueOrDefault("accepted_with_warnings") > 0 && statuses.GetValueOrDefault("missing") > 0,
            string.Join(", ", statuses.Select(s => $"{s.Key} {s.Value}")));
    }

    [Fact]
    public async Task Generate_FirstUploads_WritesTheEarliestUploadsWhichRunIngestsEveryOneOf()
    {
        var input = Path.Combine(_folder.Path, "burst");
        var generated = await CliRunner.RunAsync("generate", "--scale", "sample", "--months", "2", "--from", "2025-03", "--seed", "3", "--first-uploads", "25", "--out", input);
        Assert.True(generated.ExitCode == 0, generated.Stderr);

        var uploads = File.ReadAllLines(Path.Combine(input, "submissions", "_uploads.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        var files = Directory.GetFiles(Path.Combine(input, "submissions"), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Path.Combine(input, "submissions"), f).Replace('\\', '/'))
            .Where(f => f != "_uploads.csv")
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.InRange(files.Count, 25, 30);
        Assert.Equal(files, uploads.Select(u => u[0]).Order(StringComparer.Ordinal));

        // The first uploads of the months: all in the first month, before its deadline.
        Assert.All(uploads, u => Assert.StartsWith("2025-03/", u[0], StringComparison.Ordinal));
        var run = await CliRunner.RunAsync("run", "--input", input, "--store", Store, "--now", "2025-04-20T12:00:00+08:00");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(files.Select(f => f + ".report.json"),
            Directory.GetFiles(Path.Combine(Store, "reports"), "*.report.json", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(Path.Combine(Store, "reports"), f).Replace('\\', '/')).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Generate_FirstUploadsWithStaged_IsAUsageError()
    {
        var generated = await CliRunner.RunAsync("generate", "--scale", "sample", "--staged", "--first-uploads", "25", "--out", Store);
        Assert.Equal(2, generated.ExitCode);
        Assert.Contains("--first-uploads", generated.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Store));
    }

    public void Dispose() => _folder.Dispose();
}
