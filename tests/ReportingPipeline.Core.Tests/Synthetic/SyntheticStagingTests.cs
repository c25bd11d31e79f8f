using ReportingPipeline.Core.Contract;
using ReportingPipeline.Storage.LocalFolder;
using ReportingPipeline.Synthetic;

namespace ReportingPipeline.Core.Tests.Synthetic;

public sealed class SyntheticStagingTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "synthetic-staging-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task WriteAsync_SomeStations_WritesTheirMonthsAsAmongEveryStations()
    {
        var reference = SyntheticReference.Generate(Scale.Guangzhou, 4);
        var every = await StageAsync("every", reference, stations: null);
        var codes = reference.Load().Stations.Select(s => s.StationCode).Order(StringComparer.Ordinal).Where((_, i) => i % 7 == 3).ToHashSet(StringComparer.Ordinal);
        var some = await StageAsync("some", reference, codes);

        var everyFiles = Tree(Path.Combine(_root, "every"));
        var someFiles = Tree(Path.Combine(_root, "some"));
        var ofThose = everyFiles.Where(f => !IsStationFile(f.Key) || codes.Contains(StationOf(f.Key))).ToDictionary();
        Assert.Equal(ofThose.Keys.Order(StringComparer.Ordinal), someFiles.Keys.Order(StringComparer.Ordinal));
        Assert.All(someFiles, f => Assert.Equal(ofThose[f.Key], f.Value));
        Assert.Contains(someFiles.Keys, f => f.StartsWith("ledger/", StringComparison.Ordinal));
        Assert.Contains(someFiles.Keys, f => f.StartsWith("staging/", StringComparison.Ordinal));
        Assert.True(someFiles.Count < everyFiles.Count);
        var data = reference.Load();
        Assert.Equal(Period.Range(new Period(2024, 11), new Period(2024, 12)).Sum(p => data.StationsOpenIn(p).Count(s => codes.Contains(s.StationCode))), some.StationMonths);
        Assert.True(some.StationMonths < every.StationMonths);
    }

    private async Task<SyntheticStagingSummary> StageAsync(string name, SyntheticReferenceFiles reference, IReadOnlySet<string>? stations)
    {
        var store = Path.Combine(_root, name);
        return await SyntheticStaging.WriteAsync(new LocalFolderBlobStore(store), new FolderLedger(Path.Combine(store, "ledger")),
            reference, new Period(2024, 11), 2, 4, stations: stations);
    }

    /// <summary>A ledger entry (<c>ledger/{period}/{station}.json</c>) or a staged file (<c>staging/{period}/{station}/…</c>).</summary>
    private static bool IsStationFile(string path) => path.StartsWith("ledger/", StringComparison.Ordinal) || path.StartsWith("staging/", StringComparison.Ordinal);

    private static string StationOf(string path) => Path.GetFileNameWithoutExtension(path.Split('/')[2]);

    /// <summary>Every file the stores hold, by path, but the stores' own lock files.</summary>
    private static Dictionary<string, byte[]> Tree(string root) =>
        Directory.GetFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => (Full: f, Name: Path.GetRelativePath(root, f).Replace('\\', '/')))
            .Where(f => !f.Name.Split('/').Contains(".tmp"))
            .ToDictionary(f => f.Name, f => File.ReadAllBytes(f.Full), StringComparer.Ordinal);
}
