using System.Globalization;
using System.Security.Cryptography;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Reference;
using ReportingPipeline.Synthetic;

namespace ReportingPipeline.Core.Tests.Synthetic;

public sealed class SyntheticDatasetTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "synthetic-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task WriteAsync_SameSeed_SameBytes()
    {
        var one = Path.Combine(_root, "one");
        var two = Path.Combine(_root, "two");
        await SyntheticDataset.WriteAsync(one, Scale.Guangzhou, new Period(2022, 5), 2, 9);
        await SyntheticDataset.WriteAsync(two, Scale.Guangzhou, new Period(2022, 5), 2, 9, new SyntheticDatasetOptions { MaxDegreeOfParallelism = 1 });

        Assert.Equal(Tree(one), Tree(two));
    }

    [Fact]
    public async Task WriteAsync_LaysOutContainersAndRecordsEveryUpload()
    {
        var dir = Path.Combine(_root, "out");
        var summary = await SyntheticDataset.WriteAsync(dir, Scale.Guangzhou, new Period(2022, 5), 2, 10);

        await using var regions = File.OpenRead(Path.Combine(dir, "reference", "regions.csv"));
        await using var stations = File.OpenRead(Path.Combine(dir, "reference", "stations.csv"));
        var reference = ReferenceLoader.Load(regions, stations);
        Assert.Empty(reference.Errors);

        var uploads = File.ReadAllLines(Path.Combine(dir, "submissions", "_uploads.csv"));
        Assert.Equal("blob_name,received_at", uploads[0]);
        var files = Directory.GetFiles(Path.Combine(dir, "submissions"), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Path.Combine(dir, "submissions"), f).Replace('\\', '/'))
            .Where(f => f != "_uploads.csv")
            .Order(StringComparer.Ordinal)
            .ToList();
        var recorded = uploads.Skip(1).Select(line => line.Split(',')).ToList();
        Assert.Equal(files, recorded.Select(r => r[0]).Order(StringComparer.Ordinal));
        Assert.Equal(summary.Files, files.Count);
        Assert.All(recorded, r =>
        {
            var parts = r[0].Split('/');
            Assert.Equal(3, parts.Length);
            Assert.True(Period.TryParse(parts[0], out _));
            Assert.NotNull(reference.Reference!.FindStation(parts[1]));
            Assert.True(DateTimeOffset.TryParseExact(r[1], "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _));
        });
        Assert.Equal(["json", "zip"], summary.FilesByFormat.Keys.Order(StringComparer.Ordinal));
        Assert.True(summary.Missing > 0 && summary.LateFiles > 0);
        Assert.True(File.Exists(Path.Combine(dir, "plan.csv")));
    }

    [Fact]
    public async Task WriteSubmissionsAsync_WithXlsxHook_WritesAboutFortyPercentXlsx()
    {
        var reference = SyntheticReference.Generate(Scale.Guangzhou, 12).Load();
        var dir = Path.Combine(_root, "xlsx");
        var summary = await SyntheticDataset.WriteSubmissionsAsync(dir, reference, new Period(2022, 5), 2, 12, new SyntheticDatasetOptions
        {
            // A stand-in for the template writer: the station code, so the hook's output is recognisable.
            XlsxWriter = (stream, submission) => stream.Write(System.Text.Encoding.UTF8.GetBytes(submission.Station.StationCode)),
        });

        Assert.InRange(summary.FilesByFormat["xlsx"] / (double)summary.Files, 0.3, 0.5);
        var xlsx = Directory.GetFiles(dir, "*.xlsx", SearchOption.AllDirectories)[0];
        Assert.Equal(Path.GetFileName(Path.GetDirectoryName(xlsx)), File.ReadAllText(xlsx));
    }

    [Fact]
    public async Task WriteAsync_FirstUploads_WritesTheWholeDatasetsEarliestFilesByteForByte()
    {
        var whole = Path.Combine(_root, "whole");
        var burst = Path.Combine(_root, "burst");
        await SyntheticDataset.WriteAsync(whole, Scale.Guangzhou, new Period(2022, 5), 2, 11);
        var summary = await SyntheticDataset.WriteAsync(burst, Scale.Guangzhou, new Period(2022, 5), 2, 11, new SyntheticDatasetOptions { FirstUploads = 40 });

        // The whole dataset's uploads in upload order; the burst holds its first 40 (and any upload at the 40th's time).
        var wholeUploads = UploadTimes(whole);
        var cutoff = wholeUploads[39].At;
        var expected = wholeUploads.Where(u => u.At <= cutoff).Select(u => u.Blob).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, UploadTimes(burst).Select(u => u.Blob).Order(StringComparer.Ordinal));
        Assert.Equal(expected.Count, summary.Files);
        Assert.True(wholeUploads.Count > 4 * expected.Count);
        Assert.All(expected, blob => Assert.Equal(
            File.ReadAllBytes(Path.Combine(whole, "submissions", blob)), File.ReadAllBytes(Path.Combine(burst, "submissions", blob))));

        // Uploads after the cut (a station's correction later in the month) are not written, nor missing station-months planned.
        var planned = File.ReadAllLines(Path.Combine(burst, "plan.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(expected, planned.Select(r => r[2]).Order(StringComparer.Ordinal));
        Assert.Equal(0, summary.Missing);
        Assert.Equal(File.ReadAllText(Path.Combine(whole, "reference", "stations.csv")), File.ReadAllText(Path.Combine(burst, "reference", "stations.csv")));
    }

    private static List<(string Blob, DateTimeOffset At)> UploadTimes(string dir) =>
        File.ReadAllLines(Path.Combine(dir, "submissions", SyntheticDataset.UploadsFileName)).Skip(1)
            .Select(l => l.Split(','))
            .Select(r => (r[0], DateTimeOffset.Parse(r[1], CultureInfo.InvariantCulture)))
            .ToList();

    private static Dictionary<string, string> Tree(string dir) =>
        Directory.GetFiles(dir, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(dir, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));
}
