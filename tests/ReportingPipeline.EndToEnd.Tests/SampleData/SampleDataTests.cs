using System.Text.Json;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.EndToEnd.Tests.Cli;

namespace ReportingPipeline.EndToEnd.Tests.SampleData;

/// <summary>The committed sample is what the README's first command eats: it must be current and do what it says.</summary>
public sealed class SampleDataTests : IDisposable
{
    private readonly TestFolder _folder = new();

    [Fact]
    public async Task Run_CommittedSample_EveryUploadEndsAsItsManifestSays()
    {
        var store = Path.Combine(_folder.Path, "store");

        var (code, stdout, stderr) = await CliRunner.RunAsync("run", "--input", RepositoryFiles.SampleData, "--store", store, "--now", "2026-11-24T12:00:00+08:00");

        Assert.True(code == 0, stderr);
        var expected = Manifest();
        Assert.True(expected.Count >= 40, "the sample should hold a district's worth of uploads");
        Assert.Equal(["accepted", "accepted_with_warnings", "duplicate", "rejected"], expected.Values.Distinct().Order(StringComparer.Ordinal));
        foreach (var (blobName, status) in expected)
        {
            using var report = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(store, "reports", blobName + ".report.json")));
            Assert.True(status == report.RootElement.GetProperty("status").GetString(), $"{blobName}: expected {status}");
        }

        Assert.Contains($"{expected.Values.Count(s => s == "rejected")} rejected", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_SampleSubmissions_ReproducesTheCommittedFiles()
    {
        var copy = Path.Combine(_folder.Path, "sample-data");
        CopyDirectory(Path.Combine(RepositoryFiles.SampleData, "reference"), Path.Combine(copy, "reference"));

        var (code, _, stderr) = await CliRunner.RunAsync("generate", "--sample-submissions", "--out", copy);

        Assert.True(code == 0, stderr);
        var committed = Files(Path.Combine(RepositoryFiles.SampleData, "submissions"));
        var regenerated = Files(Path.Combine(copy, "submissions"));
        Assert.Equal(committed.Keys, regenerated.Keys);
        Assert.Equal(File.ReadAllText(Path.Combine(RepositoryFiles.SampleData, "_samples.csv")), File.ReadAllText(Path.Combine(copy, "_samples.csv")));
        // Workbooks carry zip timestamps, so only the text formats and archives are compared byte for byte.
        foreach (var (name, path) in committed.Where(f => !f.Key.EndsWith(".xlsx", StringComparison.Ordinal)))
        {
            Assert.True(File.ReadAllBytes(path).AsSpan().SequenceEqual(File.ReadAllBytes(regenerated[name])), $"{name} differs from what the generator writes");
        }
    }

    private static Dictionary<string, string> Manifest() =>
        File.ReadLines(Path.Combine(RepositoryFiles.SampleData, "_samples.csv")).Skip(1)
            .Select(line => line.Split(','))
            .ToDictionary(parts => parts[0], parts => parts[2], StringComparer.Ordinal);

    private static SortedDictionary<string, string> Files(string root) =>
        new(Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(path => Path.GetRelativePath(root, path), path => path), StringComparer.Ordinal);

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }

    public void Dispose() => _folder.Dispose();
}
