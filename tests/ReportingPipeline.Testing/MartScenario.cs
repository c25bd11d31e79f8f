using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Marts;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Core.Reference;
using ReportingPipeline.Core.Validation;
using ReportingPipeline.Storage.LocalFolder;

namespace ReportingPipeline.Testing;

/// <summary>
/// A store and ledger in a temp folder seeded with six months (2021-12 to 2022-05) of the small
/// reference's stations: accepted, accepted with warnings, a v2 resubmission, rejected only, missing,
/// a late station and a closed one. "Now" is 20 May 2022: April is closed, May is not.
/// </summary>
public sealed class MartScenario : IDisposable
{
    public static readonly DateTimeOffset Now = At(2022, 5, 20);

    public MartScenario()
    {
        Root = Path.Combine(Path.GetTempPath(), "rp-marts-" + Guid.NewGuid().ToString("N"));
        Store = new LocalFolderBlobStore(Root);
        Ledger = new FolderLedger(Path.Combine(Root, "ledger"));
        Seeder = new SubmissionSeeder(Store, Ledger, DeadlinePolicy.Default);
    }

    public string Root { get; }

    public string MartsFolder => Path.Combine(Root, Containers.Marts);

    public LocalFolderBlobStore Store { get; }

    public FolderLedger Ledger { get; }

    public SubmissionSeeder Seeder { get; }

    public ReferenceData Reference { get; set; } = SmallReference.Create();

    public static DateTimeOffset At(int year, int month, int day, int hour = 12) => new(year, month, day, hour, 0, 0, TimeSpan.FromHours(8));

    public static Period P(int year, int month) => new(year, month);

    public Task<MartBuildResult> BuildAsync(DateTimeOffset? now = null) =>
        NewBuilder().BuildAsync(Reference, now ?? Now, DeadlinePolicy.Default);

    /// <summary>
    /// What every build of the scenario's marts is: one part per city (a handful of stations would otherwise share one
    /// part, and no test would see a correction leave another city's files alone), unless a test lays the parts out
    /// otherwise (<paramref name="partStations"/>).
    /// </summary>
    public MartBuilder NewBuilder(int partStations = PartStations) => new(Store, Ledger, NullLogger<MartBuilder>.Instance) { MinPartStations = partStations };

    /// <summary>The <see cref="MartBuilder.MinPartStations"/> of every build of a scenario's marts.</summary>
    public const int PartStations = 1;

    public Task AcceptAsync(Period period, string station, int seed, DateTimeOffset receivedAt, int warnings = 0) =>
        Seeder.AcceptAsync(period, station, SampleSubmissions.For(Reference, station, period, seed), receivedAt,
            [.. Enumerable.Range(1, warnings).Select(i => SubmissionSeeder.Issue("coverage.village_not_visited", Severity.Warning, "visits", i + 1, "0"))]);

    public Task RejectAsync(Period period, string station, DateTimeOffset receivedAt, int errors) =>
        Seeder.RejectAsync(period, station, receivedAt,
            [.. Enumerable.Range(1, errors).Select(i => SubmissionSeeder.Issue("cell.not_count", Severity.Error, "visits", i + 1, "-" + i))]);

    /// <summary>The standard six months.</summary>
    public async Task SeedAsync()
    {
        const string a = SmallReference.Liwan1, b = SmallReference.Liwan2Late, c = SmallReference.YuexiuClosed, d = SmallReference.Yuncheng;
        await AcceptAsync(P(2021, 12), a, 1, At(2022, 1, 5));
        await AcceptAsync(P(2022, 1), a, 2, At(2022, 2, 8));
        await AcceptAsync(P(2022, 2), a, 3, At(2022, 3, 9), warnings: 2);
        await AcceptAsync(P(2022, 3), a, 4, At(2022, 4, 2));
        await AcceptAsync(P(2022, 3), a, 5, At(2022, 4, 20)); // v2, after the deadline: a correction
        await AcceptAsync(P(2022, 4), a, 6, At(2022, 5, 15)); // late
        await AcceptAsync(P(2022, 5), a, 7, At(2022, 5, 18)); // the open month

        await RejectAsync(P(2022, 3), b, At(2022, 4, 5), errors: 3);
        await RejectAsync(P(2022, 3), b, At(2022, 4, 8), errors: 1); // rejected only: these issues count
        await AcceptAsync(P(2022, 4), b, 8, At(2022, 5, 6));

        await AcceptAsync(P(2021, 12), c, 9, At(2022, 1, 9));
        await RejectAsync(P(2022, 2), c, At(2022, 3, 1), errors: 2);
        await AcceptAsync(P(2022, 2), c, 10, At(2022, 3, 3), warnings: 1);

        await AcceptAsync(P(2022, 1), d, 11, At(2022, 2, 1));
        await AcceptAsync(P(2022, 2), d, 12, At(2022, 3, 2));
        await AcceptAsync(P(2022, 3), d, 13, At(2022, 4, 3));

        // A station the reference does not know: its rejected upload stays out of the marts.
        await RejectAsync(P(2022, 2), "440999001", At(2022, 3, 4), errors: 1);
    }

    /// <summary>The manifest the last build wrote.</summary>
    public async Task<MartManifest> ReadManifestAsync()
    {
        await using var stream = (await Store.OpenReadAsync(Containers.Marts, MartManifest.BlobName))!;
        return (await JsonSerializer.DeserializeAsync<MartManifest>(stream, PipelineJson.Options))!;
    }

    /// <summary>The submission versions the last build's manifest records for <paramref name="period"/> (its inputs file, checked against the manifest's fingerprint).</summary>
    public async Task<IReadOnlyList<ManifestInput>> ReadInputsAsync(Period period) =>
        (await (await ReadManifestAsync()).ReadInputsAsync(Store, period, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance))?.Inputs
            ?? throw new InvalidOperationException($"marts/{ManifestMonthInputs.BlobNameFor(period)} is missing or not the manifest's.");

    /// <summary>Makes every ledger entry look written <paramref name="age"/> ago (the folder ledger's change time is the file's).</summary>
    public void BackdateLedger(TimeSpan age)
    {
        foreach (var file in Directory.EnumerateFiles(Ledger.Root, "*.json", SearchOption.AllDirectories))
        {
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow - age);
        }
    }

    /// <summary>Makes one station's entry for a month look written <paramref name="age"/> ago.</summary>
    public void BackdateLedger(TimeSpan age, Period period, string station) =>
        File.SetLastWriteTimeUtc(Path.Combine(Ledger.Root, period.ToString(), station + ".json"), DateTime.UtcNow - age);

    /// <summary>Every mart table's rows as sorted text, keyed by table: two builds of the same inputs must agree.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> DumpMarts()
    {
        using var marts = OpenReader();
        return MartTables.All.Where(t => marts.Files(t.Name).Count > 0).ToDictionary(t => t.Name, t => marts.Dump(t.Name), StringComparer.Ordinal);
    }

    /// <summary>Every file under marts/ with its bytes, to compare before and after a build.</summary>
    public IReadOnlyDictionary<string, byte[]> Snapshot() =>
        Directory.EnumerateFiles(MartsFolder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(MartsFolder, f).Replace(Path.DirectorySeparatorChar, '/'), File.ReadAllBytes, StringComparer.Ordinal);

    public async Task<IReadOnlyDictionary<string, string>> VersionsAsync()
    {
        var versions = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var item in Store.ListAsync(Containers.Marts))
        {
            versions[item.Name] = item.Version;
        }

        return versions;
    }

    public MartReader OpenReader() => new(MartsFolder);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}

/// <summary>The standard scenario built once for the tests that only read the marts.</summary>
public sealed class BuiltMarts : IAsyncLifetime
{
    public MartScenario Scenario { get; } = new();

    public MartBuildResult Result { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Scenario.SeedAsync();
        Result = await Scenario.BuildAsync();
    }

    public Task DisposeAsync()
    {
        Scenario.Dispose();
        return Task.CompletedTask;
    }
}
