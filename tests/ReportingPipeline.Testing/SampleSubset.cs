namespace ReportingPipeline.Testing;

/// <summary>
/// The part of the committed sample the Azurite suites upload: 荔湾区 (Guangzhou) and 云城区 (Yunfu, where the
/// hand-made files are), and files outside any station folder. The whole sample is 700-odd uploads, which one at
/// a time through Azurite would add minutes to CI; the subset still holds every outcome.
/// </summary>
public static class SampleSubset
{
    public static readonly IReadOnlyList<string> Districts = ["440103", "445302"];

    /// <summary>True when a blob of the sample (<c>{period}/{station}/{file}</c>) is in the subset.</summary>
    public static bool Contains(string blobName)
    {
        var parts = blobName.Split('/');
        return parts.Length < 3 || Districts.Any(d => parts[1].StartsWith(d, StringComparison.Ordinal));
    }

    /// <summary>The subset's blob names from <c>submissions/_uploads.csv</c>, in upload order.</summary>
    public static IReadOnlyList<string> Uploads(string sampleDataDir) =>
        [.. File.ReadLines(Path.Combine(sampleDataDir, "submissions", "_uploads.csv")).Skip(1).Select(l => l.Split(',')[0]).Where(Contains)];
}
