using System.Globalization;
using System.Text.Json;
using ReportingPipeline.EndToEnd.Tests.Cli;
using ReportingPipeline.Testing;

namespace ReportingPipeline.EndToEnd.Tests.SampleData;

/// <summary>The committed sample is what the README's first command eats: it must be current and do what it says.</summary>
public sealed class SampleDataTests : IDisposable
{
    private readonly TestFolder _folder = new();

    [Fact]
    public async Task Run_CommittedSample_EveryOutcomeAsTheManifestSaysAndTheSummaryFromTheMarts()
    {
        var store = Path.Combine(_folder.Path, "store");

        // No --now: the sample's clock is sample-data/_now.txt, as on a fresh clone.
        var (code, stdout, stderr) = await CliRunner.RunAsync("run", "--input", RepositoryFiles.SampleData, "--store", store);

        Assert.True(code == 0, stderr);
        Assert.Contains("Clock: 2026-12-02T09:00:00+08:00", stdout, StringComparison.Ordinal);
        var manifest = Manifest();
        Assert.True(manifest.Count >= 600, "the sample should hold two cities over three months");
        Assert.Equal(["accepted", "accepted_with_warnings", "duplicate", "missing", "rejected"], manifest.Select(m => m.Status).Distinct().Order(StringComparer.Ordinal));
        Assert.Contains(manifest, m => m.Shows.Contains("Correction", StringComparison.Ordinal));
        Assert.Contains(manifest, m => m.Shows.EndsWith(", late", StringComparison.Ordinal));
        foreach (var (blobName, status, shows) in manifest.Where(m => m.Status != "missing"))
        {
            using var report = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(store, "reports", blobName + ".report.json")));
            var root = report.RootElement;
            Assert.True(status == root.GetProperty("status").GetString(), $"{blobName}: expected {status}");
            if (shows.Contains("Correction", StringComparison.Ordinal))
            {
                // The fix of a rejected file is the month's first version; a correction of an accepted one supersedes it.
                var folder = blobName[..(blobName.LastIndexOf('/') + 1)];
                var acceptedBefore = manifest.TakeWhile(m => m.BlobName != blobName)
                    .Count(m => m.BlobName.StartsWith(folder, StringComparison.Ordinal) && m.Status.StartsWith("accepted", StringComparison.Ordinal));
                Assert.True(acceptedBefore + 1 == root.GetProperty("version").GetInt32(), $"{blobName}: version {acceptedBefore + 1}");
            }

            if (shows.EndsWith(", late", StringComparison.Ordinal))
            {
                Assert.False(root.GetProperty("on_time").GetBoolean(), $"{blobName}: late");
            }
        }

        Assert.Contains($"{manifest.Count(m => m.Status == "rejected")} rejected", stdout, StringComparison.Ordinal);
        using var marts = new MartReader(Path.Combine(store, "marts"));
        var missing = marts.Query("SELECT strftime(period, '%Y-%m') || '/' || station_code || '/' FROM fct_submission WHERE status = 'missing' ORDER BY 1")
            .Select(r => (string)r[0]!);
        Assert.Equal(manifest.Where(m => m.Status == "missing").Select(m => m.BlobName).Order(StringComparer.Ordinal), missing);

        // The latest closed month looks like the programme, and the summary's lines are agg_region_month's.
        var province = marts.Query("SELECT reporting_rate FROM agg_region_month WHERE level = 'province' AND period = DATE '2026-10-01'");
        Assert.InRange(Convert.ToDouble(Assert.Single(province)[0], CultureInfo.InvariantCulture), 0.9, 0.99);
        Assert.Contains("Reporting in 2026-10", stdout, StringComparison.Ordinal);
        var cities = marts.Query("SELECT region_code, region_name, stations_reported, stations_expected FROM agg_region_month WHERE level = 'city' AND period = DATE '2026-10-01' ORDER BY region_code");
        Assert.Equal(2, cities.Count);
        foreach (var city in cities)
        {
            Assert.Matches(string.Create(CultureInfo.InvariantCulture, $@"{city[0]} {city[1]}\s+{city[2]} / {city[3]}\s"), stdout);
        }

        // The README describes the sample as it is.
        var readme = File.ReadAllText(Path.Combine(RepositoryFiles.Root, "README.md"));
        Assert.Contains($"{manifest.Count(m => m.Status != "missing")} uploads", readme, StringComparison.Ordinal);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"Guangzhou {cities[0][2]}/{cities[0][3]}, Yunfu {cities[1][2]}/{cities[1][3]}"), readme, StringComparison.Ordinal);
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
        Assert.Equal(File.ReadAllText(Path.Combine(RepositoryFiles.SampleData, "_now.txt")), File.ReadAllText(Path.Combine(copy, "_now.txt")));
        // Workbooks carry zip timestamps, so only the text formats and archives are compared byte for byte.
        foreach (var (name, path) in committed.Where(f => !f.Key.EndsWith(".xlsx", StringComparison.Ordinal)))
        {
            Assert.True(File.ReadAllBytes(path).AsSpan().SequenceEqual(File.ReadAllBytes(regenerated[name])), $"{name} differs from what the generator writes");
        }
    }

    /// <summary><c>_samples.csv</c>: blob name (<c>{period}/{station}/</c> for a missing month), expected status, what it shows.</summary>
    private static List<(string BlobName, string Status, string Shows)> Manifest() =>
        [.. File.ReadLines(Path.Combine(RepositoryFiles.SampleData, "_samples.csv")).Skip(1)
            .Select(line => line.Split(',', 4))
            .Select(parts => (parts[0], parts[2], parts[3].Trim('"')))];

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
