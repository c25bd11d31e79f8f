using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Intake;
using ReportingPipeline.Core.Marts;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Core.Reading;
using ReportingPipeline.Core.Reference;
using ReportingPipeline.Core.Validation;
using ReportingPipeline.Hosting.LocalFolder;
using ReportingPipeline.Storage.LocalFolder;
using ReportingPipeline.Synthetic;

namespace ReportingPipeline.Bench;

/// <summary>
/// The measured jobs, each run alone in a child process (<c>child NAME --option value ...</c>) so that its peak
/// memory is its own. Every scenario ends by printing one <see cref="Measurement"/> line.
/// </summary>
internal static class Scenarios
{
    /// <summary>The builds' logger: nothing, or with <c>--trace</c> every line timed on standard error (<see cref="TraceLogger{T}"/>).</summary>
    private static Microsoft.Extensions.Logging.ILogger<MartBuilder> BuildLogger = NullLogger<MartBuilder>.Instance;

    public static async Task<Measurement> RunAsync(string name, IReadOnlyDictionary<string, string> options)
    {
        if (options.ContainsKey("trace"))
        {
            BuildLogger = new TraceLogger<MartBuilder>();
        }

        return name switch
        {
            "stage" => await StageAsync(options),
            "intake" => await IntakeAsync(options),
            "first-upload" => await FirstUploadAsync(options),
            "build" => await BuildAsync(options),
            "resubmit" => await ResubmitAsync(options),
            "profile" => await ProfileAsync(options),
            "freshness" => await FreshnessScenario.RunAsync(options),
            "functions-freshness" => await FunctionsFreshnessScenario.RunAsync(options),
            "ledger-listing" => await LedgerListingScenario.RunAsync(options),
            "backdate" => Backdate(options["store"]),
            "duckdb-recompress" => await ParquetCodecs.RecompressAsync(options),
            "read-marts" => await ParquetCodecs.ReadMartsAsync(options),
            "duckdb" => await DuckDbMarts.BuildAsync(options["store"], options["out"], int.Parse(options["months"], CultureInfo.InvariantCulture), int.Parse(options["threads"], CultureInfo.InvariantCulture)),
            _ => throw new ArgumentException($"No scenario {name}."),
        };
    }

    private static async Task<Measurement> StageAsync(IReadOnlyDictionary<string, string> options)
    {
        var store = options["store"];
        var scale = Enum.Parse<Scale>(options["scale"], ignoreCase: true);
        var months = int.Parse(options["months"], CultureInfo.InvariantCulture);
        var timed = new Timed();
        var summary = await SyntheticStaging.WriteAsync(new LocalFolderBlobStore(store), new FolderLedger(Path.Combine(store, LocalPipeline.LedgerFolder)),
            SyntheticReference.Generate(scale, Seed), Correction.FirstPeriod, months, Seed);
        Backdate(store);
        return timed.Stop("stage", new()
        {
            ["station_months"] = summary.StationMonths,
            ["staged_files"] = summary.Staged,
            ["staged_mb"] = summary.StagedBytes / 1e6,
        });
    }

    /// <summary>
    /// Gives every ledger file the write time of its entry's last update (the synthetic year's processing time):
    /// a ledger written over a year, as a real one is, not in the minute the generator ran, and every month's folder
    /// the time of its last entry (each write renames a file into it). Mart builds read the ledger's changes since
    /// the previous build by write time, so without this every entry would look new.
    /// </summary>
    private static Measurement Backdate(string store)
    {
        var timed = new Timed();
        var files = 0;
        var months = Directory.EnumerateDirectories(Path.Combine(store, LocalPipeline.LedgerFolder)).Where(d => Period.TryParse(Path.GetFileName(d), out _));
        foreach (var month in months)
        {
            // A month's folder was last written when its last entry was (each write renames a file into it).
            var last = DateTime.MinValue;
            foreach (var file in Directory.EnumerateFiles(month, "*.json"))
            {
                using var document = JsonDocument.Parse(File.ReadAllBytes(file));
                var updated = document.RootElement.GetProperty("updated_at").GetDateTimeOffset().UtcDateTime;
                File.SetLastWriteTimeUtc(file, updated);
                last = updated > last ? updated : last;
                files++;
            }

            if (last > DateTime.MinValue)
            {
                Directory.SetLastWriteTimeUtc(month, last);
            }
        }

        return timed.Stop("backdate", new() { ["files"] = files });
    }

    /// <summary>
    /// A new instance's first upload: in a fresh process, the first upload of one format in a dataset (the README's
    /// sample data: <c>--dataset sample-data --format xlsx</c>) read, validated, staged, recorded and reported, with
    /// the reference loaded on the way, as the Functions app's first blob event on a new instance (here over the local
    /// folder store, so storage's round trips are not in it). The store (a new folder, or one an earlier run made) is
    /// emptied and the dataset imported first, untimed; the clock is the dataset's <c>_now.txt</c>.
    /// </summary>
    private static async Task<Measurement> FirstUploadAsync(IReadOnlyDictionary<string, string> options)
    {
        var storeRoot = options["store"];
        var dataset = options["dataset"];
        var format = options["format"];
        // Emptied only when this scenario made it (its marker file), never a folder named by mistake.
        var marker = Path.Combine(storeRoot, ".first-upload-store");
        if (Directory.Exists(storeRoot) && Directory.EnumerateFileSystemEntries(storeRoot).Any())
        {
            if (!File.Exists(marker))
            {
                throw new ArgumentException($"{storeRoot} is not empty and was not made by first-upload: give a new folder.");
            }

            Directory.Delete(storeRoot, recursive: true);
        }

        Directory.CreateDirectory(storeRoot);
        await File.WriteAllTextAsync(marker, "made by bench child first-upload, emptied by its next run\n");
        var store = new LocalFolderBlobStore(storeRoot);
        await new InputImporter(store, NullLogger<InputImporter>.Instance).ImportAsync(dataset);
        // The earliest upload of the format that is its station-month's first, so that intake has no earlier upload to
        // catch up on and the run times one upload (by name, "x(1).zip", a later copy, sorts before "x.zip").
        var firstOfStationMonth = new Dictionary<string, BlobItem>(StringComparer.Ordinal);
        await foreach (var blob in store.ListAsync(Containers.Submissions))
        {
            var stationMonth = blob.Name[..blob.Name.LastIndexOf('/')];
            if (!firstOfStationMonth.TryGetValue(stationMonth, out var first) || UploadOrder.IsBefore(blob, first))
            {
                firstOfStationMonth[stationMonth] = blob;
            }
        }

        var name = firstOfStationMonth.Values.Where(b => b.Name.EndsWith("." + format, StringComparison.OrdinalIgnoreCase))
            .Order(UploadOrder.Instance).FirstOrDefault()?.Name
            ?? throw new ArgumentException($"No station-month of {dataset} starts with a .{format} upload.");
        var now = DateTimeOffset.Parse(File.ReadAllText(Path.Combine(dataset, SampleData.NowFileName)), CultureInfo.InvariantCulture);
        var ledger = new FolderLedger(Path.Combine(storeRoot, LocalPipeline.LedgerFolder));

        using var profile = JitProfile.StartIf(options);
        var timed = new Timed();
        var ingestor = new SubmissionIngestor(store, ledger, new ReferenceStore(store), new FixedClock(now), IntakeOptions.Default, NullLogger<SubmissionIngestor>.Instance);
        var result = await ingestor.IngestAsync(name);
        if (result.Report.Status is SubmissionStatus.Duplicate)
        {
            throw new InvalidOperationException($"{name} was taken for a duplicate: not a first upload.");
        }

        var measured = timed.Stop("first-upload", new()
        {
            ["bytes"] = result.Report.Bytes,
            ["errors"] = result.Report.Errors,
            ["warnings"] = result.Report.Warnings,
            ["accepted"] = result.Report.Status is SubmissionStatus.Accepted or SubmissionStatus.AcceptedWithWarnings ? 1 : 0,
        });
        profile?.Save();
        return measured;
    }

    /// <summary>Ingests the uploads of one format (or all) of a generated dataset, station-months in parallel, each in upload order; optionally builds the marts after.</summary>
    private static async Task<Measurement> IntakeAsync(IReadOnlyDictionary<string, string> options)
    {
        var storeRoot = options["store"];
        var format = options["format"];
        var parallel = int.Parse(options["dop"], CultureInfo.InvariantCulture);
        var months = int.Parse(options["months"], CultureInfo.InvariantCulture);
        var store = new LocalFolderBlobStore(storeRoot);
        var ledger = new FolderLedger(Path.Combine(storeRoot, LocalPipeline.LedgerFolder));
        await new InputImporter(store, NullLogger<InputImporter>.Instance).ImportAsync(options["dataset"]);
        var groups = new Dictionary<string, List<BlobItem>>(StringComparer.Ordinal);
        await foreach (var blob in store.ListAsync(Containers.Submissions))
        {
            if (format == "all" || blob.Name.EndsWith("." + format, StringComparison.OrdinalIgnoreCase))
            {
                var key = blob.Name[..blob.Name.LastIndexOf('/')];
                (groups.TryGetValue(key, out var list) ? list : groups[key] = []).Add(blob);
            }
        }

        foreach (var list in groups.Values)
        {
            list.Sort(UploadOrder.Instance);
        }

        var now = Correction.NowAfter(months);
        var references = new ReferenceStore(store);
        var reference = await references.GetAsync();
        var ingestor = new SubmissionIngestor(store, ledger, references, new FixedClock(now), IntakeOptions.Default, NullLogger<SubmissionIngestor>.Instance);
        var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
        var files = groups.Values.Sum(g => g.Count);
        var bytes = groups.Values.Sum(g => g.Sum(b => b.Size));

        var timed = new Timed();
        await Parallel.ForEachAsync(groups.Values, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (uploads, ct) =>
        {
            foreach (var upload in uploads)
            {
                var clock = Stopwatch.StartNew();
                await ingestor.IngestAsync(upload.Name, ct);
                latencies.Add(clock.Elapsed.TotalMilliseconds);
            }
        });
        var ingestSeconds = timed.Elapsed;
        double buildSeconds = 0;
        if (options.ContainsKey("build"))
        {
            var build = Stopwatch.StartNew();
            await new MartBuilder(store, ledger, BuildLogger).BuildAsync(reference, now, DeadlinePolicy.Default);
            buildSeconds = build.Elapsed.TotalSeconds;
        }

        var sorted = latencies.Order().ToArray();
        return timed.Stop("intake", new()
        {
            ["files"] = files,
            ["mb"] = bytes / 1e6,
            ["ingest_s"] = ingestSeconds,
            ["build_s"] = buildSeconds,
            ["files_per_s"] = files / ingestSeconds,
            ["mb_per_s"] = bytes / 1e6 / ingestSeconds,
            ["p50_ms"] = Percentile(sorted, 0.50),
            ["p95_ms"] = Percentile(sorted, 0.95),
        });
    }

    /// <summary>A full build: the marts container emptied first; loading the reference is part of it.</summary>
    private static async Task<Measurement> BuildAsync(IReadOnlyDictionary<string, string> options)
    {
        var storeRoot = options["store"];
        var months = int.Parse(options["months"], CultureInfo.InvariantCulture);
        var marts = Path.Combine(storeRoot, Containers.Marts);
        if (Directory.Exists(marts))
        {
            Directory.Delete(marts, recursive: true);
        }

        var store = new LocalFolderBlobStore(storeRoot);
        using var heap = new HeapSampler(options.ContainsKey("gc-trace") ? Console.Error : null);
        var timed = new Timed();
        var result = await Correction.BuildMartsAsync(store, storeRoot, months, BuildLogger, PartStations(options));
        return timed.Stop("build", new()
        {
            ["months_rebuilt"] = result.PeriodsRebuilt.Count,
            ["rows"] = result.RowsByTable.Values.Sum(),
            ["marts_mb"] = DirectoryBytes(marts) / 1e6,
            ["peak_heap_mb"] = heap.PeakHeapBytes / 1048576.0,
            ["peak_committed_mb"] = heap.PeakCommittedBytes / 1048576.0,
        });
    }

    /// <summary>
    /// One station sends a corrected file for one month (a new accepted version, staged and recorded as intake
    /// would), then the marts are rebuilt incrementally. Needs a store whose marts are built.
    /// </summary>
    private static async Task<Measurement> ResubmitAsync(IReadOnlyDictionary<string, string> options)
    {
        var storeRoot = options["store"];
        var months = int.Parse(options["months"], CultureInfo.InvariantCulture);
        var period = Period.Parse(options["period"]);
        var store = new LocalFolderBlobStore(storeRoot);
        var ledger = new FolderLedger(Path.Combine(storeRoot, LocalPipeline.LedgerFolder));

        // Cold: a fresh process (JIT, the reference loaded) as a timer on a new instance. Warm: as a timer on an
        // instance that has built before: one correction built untimed first, the reference kept in memory.
        var warm = options.ContainsKey("warm");
        var partStations = PartStations(options);
        ReferenceData? reference = null;
        if (warm)
        {
            await Correction.CorrectAsync(store, ledger, period, months);
            reference = await new ReferenceStore(store).GetAsync();
            await Correction.Builder(store, ledger, BuildLogger, partStations).BuildAsync(reference, Correction.NowAfter(months), DeadlinePolicy.Default);
        }

        await Correction.CorrectAsync(store, ledger, period, months);
        using var profile = JitProfile.StartIf(options);
        var timed = new Timed();
        BuildLogger.LogInformation("Timed from here");
        var result = reference is null
            ? await Correction.BuildMartsAsync(store, storeRoot, months, BuildLogger, partStations)
            : await Correction.Builder(store, ledger, BuildLogger, partStations).BuildAsync(reference, Correction.NowAfter(months), DeadlinePolicy.Default);
        if (!result.PeriodsRebuilt.Contains(period))
        {
            throw new InvalidOperationException($"The correction of {period} did not rebuild it.");
        }

        var measured = timed.Stop("resubmit", new()
        {
            ["months_rebuilt"] = result.PeriodsRebuilt.Count,
            ["ledger_changes_read"] = result.LedgerChangesRead,
            ["files_written"] = result.FilesWritten.Count,
        });
        profile?.Save();
        return measured;
    }

    /// <summary>Where a full build's time goes: its inputs read alone (reference, ledger, staged JSON), then two builds (cold and warm JIT).</summary>
    private static async Task<Measurement> ProfileAsync(IReadOnlyDictionary<string, string> options)
    {
        var storeRoot = options["store"];
        var months = int.Parse(options["months"], CultureInfo.InvariantCulture);
        var store = new LocalFolderBlobStore(storeRoot);
        var ledger = new FolderLedger(Path.Combine(storeRoot, LocalPipeline.LedgerFolder));
        var figures = new Dictionary<string, double>();
        var timed = new Timed();
        var clock = Stopwatch.StartNew();
        await new ReferenceStore(store).GetAsync();
        figures["reference_s"] = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var current = new List<LedgerEntry>();
        await foreach (var entry in ledger.ListAsync())
        {
            current.Add(entry);
        }

        figures["ledger_list_s"] = clock.Elapsed.TotalSeconds;
        clock.Restart();
        long bytes = 0;
        foreach (var entry in current.Where(e => e.Current is not null))
        {
            await using var stream = await store.OpenReadAsync(Containers.Staging, StagedSubmission.BlobNameFor(entry.Period, entry.StationCode, entry.Current!.Sha256));
            bytes += stream!.Length;
            await JsonSerializer.DeserializeAsync<StagedSubmission>(stream, PipelineJson.Options);
        }

        figures["staged_json_s"] = clock.Elapsed.TotalSeconds;
        figures["staged_mb"] = bytes / 1e6;
        for (var run = 1; run <= 2; run++)
        {
            var marts = Path.Combine(storeRoot, Containers.Marts);
            if (Directory.Exists(marts))
            {
                Directory.Delete(marts, recursive: true);
            }

            clock.Restart();
            await BuildMartsAsync(store, storeRoot, months);
            figures[$"build{run}_s"] = clock.Elapsed.TotalSeconds;
        }

        return timed.Stop("profile", figures);
    }

    /// <summary><c>--part-stations N</c>: build (and correct) with parts of at least N stations instead of the pipeline's default, to measure what other parts cost.</summary>
    private static int PartStations(IReadOnlyDictionary<string, string> options) =>
        options.TryGetValue("part-stations", out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : MartParts.DefaultMinStations;

    private static Task<MartBuildResult> BuildMartsAsync(LocalFolderBlobStore store, string storeRoot, int months) =>
        Correction.BuildMartsAsync(store, storeRoot, months, BuildLogger);

    public const int Seed = 7;

    public static long DirectoryBytes(string path) =>
        Directory.Exists(path) ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) : 0;

    private static double Percentile(double[] sorted, double share) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(share * sorted.Length) - 1)];

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
