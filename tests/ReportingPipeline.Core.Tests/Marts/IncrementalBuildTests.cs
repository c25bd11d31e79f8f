using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Intake;
using ReportingPipeline.Core.Marts;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Testing;
using static ReportingPipeline.Testing.MartScenario;

namespace ReportingPipeline.Core.Tests.Marts;

/// <summary>
/// A month rebuilt after a few stations changed is copied forward from its previous files, and a month whose
/// only change is its year to date takes its totals from its previous agg_region_month: neither parses the
/// unchanged stations' staged JSON, and both give exactly what a build from scratch gives. Each test builds
/// the standard scenario, changes the ledger, builds again (counting the staged files read), then empties the
/// marts, builds from scratch and compares every table row for row, and every file byte for byte.
/// </summary>
public sealed class IncrementalBuildTests
{
    private const string A = SmallReference.Liwan1, B = SmallReference.Liwan2Late, C = SmallReference.YuexiuClosed, D = SmallReference.Yuncheng;

    /// <summary>The part (city) of A, B and C's rows.</summary>
    private const string Guangzhou = "4401";

    [Fact]
    public async Task BuildAsync_StationResubmitsWithOtherFigures_CopiesTheMonthForwardAndEqualsAFullBuild()
    {
        using var scenario = await SeededAsync();
        var before = await StagedNameAsync(scenario, P(2022, 4), A);

        var reads = await BuildIncrementallyAsync(scenario, () => scenario.AcceptAsync(P(2022, 4), A, 31, At(2022, 5, 19)), [P(2022, 4), P(2022, 5)]);

        // April: A's new version and the one it replaces; May's totals come from its file.
        string[] expected = [before, await StagedNameAsync(scenario, P(2022, 4), A)];
        Assert.Equal(expected.Order(StringComparer.Ordinal), reads.Order(StringComparer.Ordinal));
        await AssertSameAsFullBuildAsync(scenario);
    }

    [Fact]
    public async Task BuildAsync_StationWithoutUploadUploads_CopiesTheMonthForwardAndEqualsAFullBuild()
    {
        using var scenario = await SeededAsync();

        // Yuncheng sent nothing for April: it counted as expected and missing.
        var reads = await BuildIncrementallyAsync(scenario, () => scenario.AcceptAsync(P(2022, 4), D, 32, At(2022, 5, 19)), [P(2022, 4), P(2022, 5)]);

        Assert.Equal([await StagedNameAsync(scenario, P(2022, 4), D)], reads);
        await AssertSameAsFullBuildAsync(scenario);
    }

    [Fact]
    public async Task BuildAsync_RejectedUploadAfterAcceptedOne_CopiesTheMonthForwardAndEqualsAFullBuild()
    {
        using var scenario = await SeededAsync();

        // The accepted version stays current; only the upload count (and nothing else) changes.
        var reads = await BuildIncrementallyAsync(scenario, () => scenario.RejectAsync(P(2022, 4), B, At(2022, 5, 19), errors: 2), [P(2022, 4), P(2022, 5)]);

        Assert.Equal([await StagedNameAsync(scenario, P(2022, 4), B)], reads.Distinct());
        await AssertSameAsFullBuildAsync(scenario);
        using var marts = scenario.OpenReader();
        Assert.Equal(2L, marts.Scalar<long>($"SELECT uploads FROM fct_submission WHERE period = DATE '2022-04-01' AND station_code = '{B}'"));
    }

    [Fact]
    public async Task BuildAsync_ResubmissionEarlierInTheYear_LaterMonthsCarryTheYearToDateWithoutReadingJson()
    {
        using var scenario = await SeededAsync();
        var before = await StagedNameAsync(scenario, P(2022, 2), D);

        var reads = await BuildIncrementallyAsync(scenario, () => scenario.AcceptAsync(P(2022, 2), D, 33, At(2022, 5, 19)), [.. Period.Range(P(2022, 2), P(2022, 5))]);

        string[] expected = [before, await StagedNameAsync(scenario, P(2022, 2), D)];
        Assert.Equal(expected.Order(StringComparer.Ordinal), reads.Order(StringComparer.Ordinal));
        await AssertSameAsFullBuildAsync(scenario);
    }

    [Fact]
    public async Task BuildAsync_ResubmissionEarlierInTheYearBuiltMonthByMonth_EqualsAFullBuild()
    {
        using var scenario = await SeededAsync();

        // As a country-sized build runs: each month's agg_region_month written before the next month starts.
        await BuildIncrementallyAsync(scenario, () => scenario.AcceptAsync(P(2022, 2), D, 34, At(2022, 5, 19)), [.. Period.Range(P(2022, 2), P(2022, 5))], overlap: false);

        await AssertSameAsFullBuildAsync(scenario);
    }

    [Fact]
    public async Task BuildAsync_ResubmissionEarlierInTheYearWithSlowWrites_EqualsAFullBuild()
    {
        using var scenario = await SeededAsync();

        // A slow store keeps two months' agg_region_month parts in writing while the next month's are read back and
        // added to the year to date: a part written from sums a later month had already changed would differ.
        await BuildIncrementallyAsync(scenario, () => scenario.AcceptAsync(P(2022, 2), D, 35, At(2022, 5, 19)), [.. Period.Range(P(2022, 2), P(2022, 5))],
            beforeWrite: SlowAggregateWrites);

        await AssertSameAsFullBuildAsync(scenario);
    }

    [Fact]
    public async Task BuildAsync_AggregatesWrittenWhileTheNextMonthIsBuilt_WritesWhatAMonthByMonthBuildWrites()
    {
        using var scenario = new MartScenario();
        await scenario.SeedAsync();

        // A slow store keeps each month's later agg_region_month parts waiting for the earlier ones while the next
        // month is built: a part filled from a year to date the next month already added to would differ.
        var slow = new RecordingBlobStore(scenario.Store)
        {
            BeforeWrite = SlowAggregateWrites,
        };
        await new MartBuilder(slow, scenario.Ledger, NullLogger<MartBuilder>.Instance) { MinPartStations = MartScenario.PartStations }
            .BuildAsync(scenario.Reference, Now, DeadlinePolicy.Default);
        var overlapped = scenario.Snapshot();
        var overlappedManifest = Canonical(await scenario.ReadManifestAsync());
        Directory.Delete(scenario.MartsFolder, recursive: true);

        await new MartBuilder(scenario.Store, scenario.Ledger, NullLogger<MartBuilder>.Instance) { MinPartStations = MartScenario.PartStations, OverlapAggregates = false }
            .BuildAsync(scenario.Reference, Now, DeadlinePolicy.Default);

        var monthByMonth = scenario.Snapshot();
        Assert.Equal(monthByMonth.Keys.Order(StringComparer.Ordinal), overlapped.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, bytes) in monthByMonth.Where(f => !NamesItsBuild(f.Key)))
        {
            Assert.True(bytes.AsSpan().SequenceEqual(overlapped[name]), $"{name} differs in bytes");
        }

        Assert.Equal(Canonical(await scenario.ReadManifestAsync()), overlappedManifest);
    }

    [Fact]
    public async Task BuildAsync_SeveralStationsAndMonthsChange_EqualsAFullBuild()
    {
        using var scenario = await SeededAsync();

        await BuildIncrementallyAsync(scenario, async () =>
        {
            await scenario.AcceptAsync(P(2022, 1), A, 41, At(2022, 5, 19));
            await scenario.AcceptAsync(P(2022, 1), D, 42, At(2022, 5, 19), warnings: 1);
            await scenario.AcceptAsync(P(2022, 3), B, 43, At(2022, 5, 19)); // accepted after two rejections
            await scenario.AcceptAsync(P(2022, 5), B, 44, At(2022, 5, 19)); // the open month
        }, [.. Period.Range(P(2022, 1), P(2022, 5))]);

        await AssertSameAsFullBuildAsync(scenario);
    }

    [Fact]
    public async Task BuildAsync_PreviousFactFileMissing_RebuildsTheMonthFromJson()
    {
        using var scenario = await SeededAsync();
        File.Delete(Path.Combine(scenario.MartsFolder, MartTables.FctVisits.FileName(P(2022, 4), Guangzhou)));

        var reads = await BuildIncrementallyAsync(scenario, () => scenario.AcceptAsync(P(2022, 4), A, 34, At(2022, 5, 19)), [P(2022, 4), P(2022, 5)]);

        // Every April upload is read again: A's and B's.
        Assert.Equal(2, reads.Count);
        await AssertSameAsFullBuildAsync(scenario);
    }

    [Fact]
    public async Task BuildAsync_PreviousAggregateUnreadable_TakesTheMonthTotalsFromJson()
    {
        using var scenario = await SeededAsync();
        await File.WriteAllTextAsync(Path.Combine(scenario.MartsFolder, MartTables.AggRegionMonth.FileName(P(2022, 5), Guangzhou)), "not parquet");

        var reads = await BuildIncrementallyAsync(scenario, () => scenario.AcceptAsync(P(2022, 4), A, 35, At(2022, 5, 19)), [P(2022, 4), P(2022, 5)]);

        // April is copied forward (A's two versions); May's only upload (A's) is read for its totals.
        Assert.Equal(3, reads.Count);
        Assert.Contains(await StagedNameAsync(scenario, P(2022, 5), A), reads);
        await AssertSameAsFullBuildAsync(scenario);
    }

    [Fact]
    public async Task BuildAsync_MoreStationsChangedThanTheShare_ReadsEveryStagedFileOfTheMonth()
    {
        using var scenario = await SeededAsync();

        // One of April's three expected stations is a third of them, over the default 10 %.
        var reads = await BuildIncrementallyAsync(scenario, () => scenario.AcceptAsync(P(2022, 4), A, 36, At(2022, 5, 19)), [P(2022, 4), P(2022, 5)],
            MonthCopy.DefaultMaxChangedShare);

        Assert.Equal(2, reads.Count);
        await AssertSameAsFullBuildAsync(scenario);
    }

    [Fact]
    public async Task BuildAsync_AfterABuildKilledBeforeItsManifest_TakesNoneOfItsFilesForThePreviousOnes()
    {
        using var scenario = await SeededAsync();
        var manifestPath = Path.Combine(scenario.MartsFolder, MartManifest.BlobName);
        var manifestBefore = await File.ReadAllBytesAsync(manifestPath);

        // A build writes April's and May's files from A's second version of April, then dies before its manifest.
        await scenario.AcceptAsync(P(2022, 4), A, 37, At(2022, 5, 19));
        await scenario.BuildAsync();
        await File.WriteAllBytesAsync(manifestPath, manifestBefore);

        // The files now in the store are not the ones the manifest describes: copying them forward would
        // subtract the first version from totals that already hold the second.
        var reads = await BuildIncrementallyAsync(scenario, () => scenario.AcceptAsync(P(2022, 4), A, 38, At(2022, 5, 19, 13)), [P(2022, 4), P(2022, 5)]);

        Assert.Contains(await StagedNameAsync(scenario, P(2022, 4), B), reads); // April was read whole, not copied forward
        await AssertSameAsFullBuildAsync(scenario);
    }

    [Fact]
    public async Task BuildAsync_StationResubmits_ReadsOnlyThatMonthsInputsAndWritesOnlyThatMonthsInputsFile()
    {
        using var scenario = await SeededAsync();
        var manifestBytes = await File.ReadAllBytesAsync(Path.Combine(scenario.MartsFolder, MartManifest.BlobName));
        // Entries written within LedgerPlan.Overlap of the previous build are listed again, and their months'
        // inputs read again: seeded an hour ago, only the correction is.
        scenario.BackdateLedger(TimeSpan.FromHours(1));
        await scenario.AcceptAsync(P(2022, 4), A, 39, At(2022, 5, 19));

        var store = new RecordingBlobStore(scenario.Store);
        var result = await new MartBuilder(store, scenario.Ledger, NullLogger<MartBuilder>.Instance) { MaxChangedShare = 1, MinPartStations = MartScenario.PartStations }
            .BuildAsync(scenario.Reference, Now, DeadlinePolicy.Default);

        // The manifest names no station: each month's versions are in its own file, and only the month copied
        // forward has its previous inputs read; only its inputs file is rewritten. The ledger's recent changes
        // (the previous build's, none within its overlap here) are read once.
        Assert.DoesNotContain("\"station_code\"", System.Text.Encoding.UTF8.GetString(manifestBytes), StringComparison.Ordinal);
        Assert.Equal([MartManifest.BlobName, LedgerRecentChanges.BlobName, ManifestMonthInputs.BlobNameFor(P(2022, 4))],
            store.OpenedIn(Containers.Marts).Where(n => !n.EndsWith(".parquet", StringComparison.Ordinal)));
        Assert.Equal([ManifestMonthInputs.BlobNameFor(P(2022, 4))], result.FilesWritten.Where(n => ManifestMonthInputs.PeriodOf(n) is not null));
        await AssertSameAsFullBuildAsync(scenario);
    }

    [Fact]
    public async Task BuildAsync_StationResubmits_ReadsOnlyItsLedgerEntryNotTheMonthsListing()
    {
        using var scenario = await SeededAsync();
        scenario.BackdateLedger(TimeSpan.FromHours(1));
        await scenario.AcceptAsync(P(2022, 4), A, 42, At(2022, 5, 19));

        var watermark = (await scenario.ReadManifestAsync()).LedgerWatermark!.Value;
        var ledger = new RecordingLedger(scenario.Ledger);
        var result = await BuildWithAsync(scenario, ledger);

        // April's inputs are the previous build's with A's entry read anew: no month is listed whole.
        Assert.Equal([P(2022, 4), P(2022, 5)], result.PeriodsRebuilt);
        Assert.Empty(ledger.MonthsListed);
        Assert.Equal([(P(2022, 4), A)], ledger.EntriesRead);
        // The changes were listed from the previous watermark less the overlap: the store may drop those a day older.
        Assert.Equal([watermark - LedgerPlan.Overlap - LedgerPlan.ChangesKeptFor], ledger.ChangesForgotten);
        await AssertSameAsFullBuildAsync(scenario);
    }

    [Fact]
    public async Task BuildAsync_ChangesListedAgainWithinTheOverlap_ReadsOnlyThoseTheLastBuildDidNotSee()
    {
        using var scenario = await SeededAsync();
        scenario.BackdateLedger(TimeSpan.FromHours(1));
        await scenario.AcceptAsync(P(2022, 4), A, 42, At(2022, 5, 19));
        await scenario.AcceptAsync(P(2022, 4), B, 17, At(2022, 5, 19));
        await scenario.AcceptAsync(P(2022, 3), D, 9, At(2022, 5, 19));
        // A and B written three and two minutes ago, D now: all three within the overlap of the watermark (D's time).
        scenario.BackdateLedger(TimeSpan.FromMinutes(3), P(2022, 4), A);
        scenario.BackdateLedger(TimeSpan.FromMinutes(2), P(2022, 4), B);
        var first = new RecordingLedger(scenario.Ledger);
        await BuildWithAsync(scenario, first);
        Assert.Equal([(P(2022, 3), D), (P(2022, 4), A), (P(2022, 4), B)], first.EntriesRead.Order());

        // The next build lists the three again; it saw A's and B's writes, and reads only D's (written within a
        // second of the watermark, where a later write could carry the same time). Nothing changed: nothing rebuilt.
        var second = new RecordingLedger(scenario.Ledger);
        var again = await BuildWithAsync(scenario, second);
        Assert.Equal(3, again.LedgerChangesRead);
        Assert.Equal([(P(2022, 3), D)], second.EntriesRead);
        Assert.Empty(again.PeriodsRebuilt);

        // A written again is a change, though within the overlap.
        await scenario.AcceptAsync(P(2022, 4), A, 43, At(2022, 5, 19));
        var third = new RecordingLedger(scenario.Ledger);
        var corrected = await BuildWithAsync(scenario, third);
        Assert.Contains((P(2022, 4), A), third.EntriesRead);
        Assert.DoesNotContain((P(2022, 4), B), third.EntriesRead);
        Assert.Equal([P(2022, 4), P(2022, 5)], corrected.PeriodsRebuilt);
        await AssertSameAsFullBuildAsync(scenario);
    }

    [Fact]
    public async Task BuildAsync_RecentChangesOfABuildWithoutItsManifest_ReadsThemAgain()
    {
        using var scenario = await SeededAsync();
        scenario.BackdateLedger(TimeSpan.FromHours(1));
        await scenario.AcceptAsync(P(2022, 4), A, 42, At(2022, 5, 19));
        await scenario.AcceptAsync(P(2022, 3), D, 9, At(2022, 5, 19));
        scenario.BackdateLedger(TimeSpan.FromMinutes(3), P(2022, 4), A);
        await BuildWithAsync(scenario, scenario.Ledger);

        // A build killed between the two writes leaves a file its manifest does not name: it is not trusted.
        var path = Path.Combine(scenario.MartsFolder, LedgerRecentChanges.BlobName);
        await File.WriteAllTextAsync(path, (await File.ReadAllTextAsync(path)).Replace((await scenario.ReadManifestAsync()).BuildId, "20220520T000000Z-killed", StringComparison.Ordinal));
        var ledger = new RecordingLedger(scenario.Ledger);
        var again = await BuildWithAsync(scenario, ledger);
        Assert.Equal([(P(2022, 3), D), (P(2022, 4), A)], ledger.EntriesRead.Order());
        Assert.Empty(again.PeriodsRebuilt);
        await AssertSameAsFullBuildAsync(scenario);
    }

    private static Task<MartBuildResult> BuildWithAsync(MartScenario scenario, ISubmissionLedger ledger) =>
        new MartBuilder(scenario.Store, ledger, NullLogger<MartBuilder>.Instance) { MaxChangedShare = 1, MinPartStations = MartScenario.PartStations }
            .BuildAsync(scenario.Reference, Now, DeadlinePolicy.Default);

    [Fact]
    public async Task BuildAsync_MoreStationsChangedThanTheShare_ListsTheMonthWhole()
    {
        using var scenario = await SeededAsync();
        scenario.BackdateLedger(TimeSpan.FromHours(1));
        await scenario.AcceptAsync(P(2022, 4), A, 43, At(2022, 5, 19));
        await scenario.AcceptAsync(P(2022, 4), D, 44, At(2022, 5, 19));

        var ledger = new RecordingLedger(scenario.Ledger);
        await new MartBuilder(scenario.Store, ledger, NullLogger<MartBuilder>.Instance) { MaxChangedShare = 0.01, MinPartStations = MartScenario.PartStations }
            .BuildAsync(scenario.Reference, Now, DeadlinePolicy.Default);

        Assert.Equal([P(2022, 4)], ledger.MonthsListed);
        Assert.Empty(ledger.EntriesRead);
        await AssertSameAsFullBuildAsync(scenario);
    }

    [Fact]
    public async Task BuildAsync_MonthsInputsFileMissingOrNotTheManifests_ReadsTheMonthWholeAndEqualsAFullBuild()
    {
        using var scenario = await SeededAsync();
        var april = Path.Combine(scenario.MartsFolder, ManifestMonthInputs.BlobNameFor(P(2022, 4)));
        var inputs = JsonSerializer.Deserialize<ManifestMonthInputs>(await File.ReadAllBytesAsync(april), PipelineJson.Options)!;

        // A's April version recorded as another upload than the one the previous build used: the file no longer
        // hashes to the manifest's fingerprint, so nothing is subtracted on its word.
        await File.WriteAllBytesAsync(april, JsonSerializer.SerializeToUtf8Bytes(
            inputs with { Inputs = [.. inputs.Inputs.Select(i => i.StationCode == A ? i with { Sha256 = new string('0', 64) } : i)] }, PipelineJson.Compact));
        var reads = await BuildIncrementallyAsync(scenario, () => scenario.AcceptAsync(P(2022, 4), A, 40, At(2022, 5, 19)), [P(2022, 4), P(2022, 5)]);
        Assert.Contains(await StagedNameAsync(scenario, P(2022, 4), B), reads); // April was read whole, not copied forward
        await AssertSameAsFullBuildAsync(scenario);

        File.Delete(april);
        Directory.Delete(Path.Combine(scenario.Root, "marts-incremental"), recursive: true);
        reads = await BuildIncrementallyAsync(scenario, () => scenario.AcceptAsync(P(2022, 4), A, 41, At(2022, 5, 19, 14)), [P(2022, 4), P(2022, 5)]);
        Assert.Contains(await StagedNameAsync(scenario, P(2022, 4), B), reads);
        Assert.True(File.Exists(april));
        await AssertSameAsFullBuildAsync(scenario);
    }

    [Theory]
    [InlineData(MartScenario.PartStations, 1000)] // a part per city, then every city in one part
    [InlineData(1000, MartScenario.PartStations)] // and the other way
    public async Task BuildAsync_PartsLaidOutAnew_RebuildsEveryMonthAndEqualsAFullBuild(int before, int after)
    {
        // A release that lays the parts out anew (MinPartStations, or how cities are grouped) over the same reference
        // and ledger: a file of the old layout named as a part of the new holds other stations' rows, so none may be
        // kept, and nothing the old layout wrote may stay beside the new.
        using var scenario = new MartScenario();
        await scenario.SeedAsync();
        var first = await scenario.NewBuilder(before).BuildAsync(scenario.Reference, Now, DeadlinePolicy.Default);

        var result = await scenario.NewBuilder(after).BuildAsync(scenario.Reference, Now, DeadlinePolicy.Default);

        Assert.Equal(first.PeriodsRebuilt, result.PeriodsRebuilt);
        await AssertSameAsFullBuildAsync(scenario, after);
    }

    /// <summary>A store's write delayed for every agg_region_month file: what runs meanwhile runs while its parts are in writing.</summary>
    private static Task SlowAggregateWrites(string container, string name, CancellationToken cancellationToken) =>
        name.StartsWith(MartTables.AggRegionMonth.Name + "/", StringComparison.Ordinal) ? Task.Delay(100, cancellationToken) : Task.CompletedTask;

    private static async Task<MartScenario> SeededAsync()
    {
        var scenario = new MartScenario();
        await scenario.SeedAsync();
        await scenario.BuildAsync();
        return scenario;
    }

    /// <summary>Applies <paramref name="change"/> to the ledger, builds again, and returns the staged blobs the build read.</summary>
    private static async Task<IReadOnlyList<string>> BuildIncrementallyAsync(
        MartScenario scenario, Func<Task> change, IReadOnlyList<Period> rebuilt, double maxChangedShare = 1, bool overlap = true, Func<string, string, CancellationToken, Task>? beforeWrite = null)
    {
        await change();
        // The incremental builds must leave unchanged stations' staged JSON unread.
        var store = new RecordingBlobStore(scenario.Store) { BeforeWrite = beforeWrite };
        var result = await new MartBuilder(store, scenario.Ledger, NullLogger<MartBuilder>.Instance) { MaxChangedShare = maxChangedShare, MinPartStations = MartScenario.PartStations, OverlapAggregates = overlap }
            .BuildAsync(scenario.Reference, Now, DeadlinePolicy.Default);
        Assert.Equal(rebuilt, result.PeriodsRebuilt);
        return store.OpenedIn(Containers.Staging);
    }

    private static async Task<string> StagedNameAsync(MartScenario scenario, Period period, string station)
    {
        var entry = (await scenario.Ledger.GetAsync(period, station))!.Entry;
        return StagedSubmission.BlobNameFor(period, station, (entry.Current ?? entry.Uploads[^1]).Sha256);
    }

    /// <summary>
    /// Keeps the marts as built, empties them, builds from scratch (in parts of <paramref name="partStations"/>), and compares: the same files, every
    /// table's rows as sorted sets (all columns, with DuckDB), every Parquet file's bytes, and the manifest
    /// but for who built what when.
    /// </summary>
    private static async Task AssertSameAsFullBuildAsync(MartScenario scenario, int partStations = MartScenario.PartStations)
    {
        var incremental = Path.Combine(scenario.Root, "marts-incremental");
        CopyFolder(scenario.MartsFolder, incremental);
        var incrementalBytes = scenario.Snapshot();
        var incrementalManifest = await scenario.ReadManifestAsync();
        Directory.Delete(scenario.MartsFolder, recursive: true);

        await scenario.NewBuilder(partStations).BuildAsync(scenario.Reference, Now, DeadlinePolicy.Default);

        var fullBytes = scenario.Snapshot();
        Assert.Equal(fullBytes.Keys.Order(StringComparer.Ordinal), incrementalBytes.Keys.Order(StringComparer.Ordinal));
        using (var marts = scenario.OpenReader())
        {
            foreach (var table in MartTables.All)
            {
                var copy = $"read_parquet('{Path.Combine(incremental, table.Name).Replace('\\', '/')}/**/*.parquet', hive_partitioning = false)";
                var missing = marts.Rows($"SELECT * FROM {table.Name} EXCEPT ALL SELECT * FROM {copy} LIMIT 3");
                var extra = marts.Rows($"SELECT * FROM {copy} EXCEPT ALL SELECT * FROM {table.Name} LIMIT 3");
                Assert.True(missing.Count == 0 && extra.Count == 0,
                    $"{table.Name} differs from a full build.\nOnly in the full build:\n{Describe(missing)}\nOnly in the incremental build:\n{Describe(extra)}");
                Assert.Equal(marts.Scalar<long>($"SELECT count(*) FROM {table.Name}"), marts.Scalar<long>($"SELECT count(*) FROM {copy}"));
            }
        }

        foreach (var (name, bytes) in fullBytes.Where(f => !NamesItsBuild(f.Key)))
        {
            Assert.True(bytes.AsSpan().SequenceEqual(incrementalBytes[name]), $"{name} differs in bytes from a full build's");
        }

        var fullManifest = await scenario.ReadManifestAsync();
        Assert.Equal(Canonical(fullManifest), Canonical(incrementalManifest));
    }

    /// <summary>The manifest (compared without who built what when) and the ledger's recent changes name the build that wrote them.</summary>
    private static bool NamesItsBuild(string name) => name is MartManifest.BlobName or LedgerRecentChanges.BlobName;

    private static string Canonical(MartManifest manifest) => JsonSerializer.Serialize(
        manifest with
        {
            BuildId = string.Empty,
            BuiltAt = default,
            Tables = [.. manifest.Tables.Select(t => t with { Files = [.. t.Files.Select(f => f with { BuildId = string.Empty, BuiltAt = default })] })],
        },
        PipelineJson.Options);


    private static string Describe(IEnumerable<IReadOnlyDictionary<string, object?>> rows) =>
        string.Join('\n', rows.Select(r => string.Join(", ", r.Select(kv => $"{kv.Key}={kv.Value}"))));

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
