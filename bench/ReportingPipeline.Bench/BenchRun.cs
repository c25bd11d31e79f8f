using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using ReportingPipeline.Core.Templates;
using ReportingPipeline.Synthetic;

namespace ReportingPipeline.Bench;

/// <summary>Runs every scenario (each in a fresh child process) and renders the one results table.</summary>
internal static class BenchRun
{
    private static readonly string[] Formats = ["xlsx", "json", "zip"];

    public static async Task<string> RunAsync(BenchSettings settings)
    {
        Directory.CreateDirectory(settings.Work);
        HeapLimitBytes = settings.InstanceMemoryMb * 1024L * 1024 * 3 / 4;
        var rows = new List<Row>();
        var started = DateTimeOffset.Now;
        var loadBefore = LoadAverage();
        var cores = Environment.ProcessorCount;

        if (!settings.SkipIntake)
        {
            var dataset = Path.Combine(settings.Work, $"intake-{settings.IntakeScale}".ToLowerInvariant());
            await EnsureAsync(dataset, () => SyntheticDataset.WriteAsync(dataset, settings.IntakeScale, Correction.FirstPeriod, 1, Scenarios.Seed,
                new SyntheticDatasetOptions { XlsxWriter = (stream, submission) => SubmissionWorkbookWriter.WriteSubmission(stream, submission) }));
            var store = Path.Combine(settings.Work, "intake-store");
            foreach (var format in Formats)
            {
                foreach (var dop in cores > 1 ? new[] { 1, cores } : [1])
                {
                    Reset(store);
                    var m = await ChildAsync("intake", "--dataset", dataset, "--store", store, "--format", format, "--dop", dop.ToString(CultureInfo.InvariantCulture), "--months", "1");
                    rows.Add(new Row("1 intake", $"{format}, {(dop == 1 ? "1 core" : $"{dop} cores")}", settings.IntakeScale.ToString(),
                        Invariant($"{m.Figure("files_per_s"):0.0} files/s, {m.Figure("mb_per_s"):0.00} MB/s, p50 {m.Figure("p50_ms"):0.0} ms, p95 {m.Figure("p95_ms"):0.0} ms"),
                        "", Invariant($"{m.Figure("files"):0} files, {m.Figure("mb"):0.0} MB; peak {Mb(m.PeakWorkingSetBytes)}, {Mb(m.AllocatedBytes)} allocated")));
                }
            }

            Reset(store);
            var month = await ChildAsync("intake", "--dataset", dataset, "--store", store, "--format", "all", "--dop", cores.ToString(CultureInfo.InvariantCulture), "--months", "1", "--build");
            var total = month.Figure("ingest_s") + month.Figure("build_s");
            rows.Add(new Row("1 month", $"all formats, {cores} cores: ingest + marts", settings.IntakeScale.ToString(),
                Invariant($"{total:0.0} s (ingest {month.Figure("ingest_s"):0.0} s + build {month.Figure("build_s"):0.0} s)"),
                settings.IntakeScale == Scale.Guangdong ? Verdict(total < 30, "< 30 s") : "(< 30 s at Guangdong)",
                Invariant($"{month.Figure("files"):0} files, {month.Figure("mb"):0.0} MB; peak {Mb(month.PeakWorkingSetBytes)}")));
        }

        foreach (var scale in settings.BuildScales)
        {
            var store = Path.Combine(settings.Work, scale.ToString().ToLowerInvariant());
            var months = settings.Months.ToString(CultureInfo.InvariantCulture);
            if (!File.Exists(Path.Combine(store, ".staged")))
            {
                Reset(store);
                var staged = await ChildAsync("stage", "--scale", scale.ToString(), "--months", months, "--store", store);
                await File.WriteAllTextAsync(Path.Combine(store, ".staged"), staged.ToLine());
            }

            var stagedInfo = Measurement.Parse(await File.ReadAllTextAsync(Path.Combine(store, ".staged")))!;
            var input = Invariant($"{stagedInfo.Figure("staged_files"):0} staged files, {stagedInfo.Figure("staged_mb"):0} MB of JSON");

            // Ours and DuckDB's full builds alternate (ours, DuckDB, ours, DuckDB) so that both sides see the same
            // machine; every share and ratio below is taken against the faster of each side's builds, which is the
            // one that does not flatter an incremental build. National DuckDB takes most of an hour: once there.
            var duck = Path.Combine(settings.Work, $"duckdb-{scale}".ToLowerInvariant());
            var fulls = new List<Measurement>();
            var duckdbs = new List<Measurement>();
            var loads = new List<string>();
            for (var round = 0; round < 2; round++)
            {
                loads.Add(LoadAverage());
                fulls.Add(await ChildAsync("build", "--store", store, "--months", months));
                if (round == 0 || scale != Scale.National)
                {
                    duckdbs.Add(await DuckDbAsync(settings, store, duck, months, cores, reuse: round == 0 && settings.ReuseDuckDb));
                }
            }

            var full = fulls.MinBy(m => m.Seconds)!;
            var fullCpu = fulls.Min(m => m.CpuSeconds);
            foreach (var (m, i) in fulls.Select((m, i) => (m, i)))
            {
                rows.Add(new Row("2 full build", Invariant($"{settings.Months} months, our MartBuilder, run {i + 1}"), scale.ToString(),
                    Invariant($"{m.Seconds:0.0} s (cpu {m.CpuSeconds:0.0} s), peak {Mb(m.PeakWorkingSetBytes)}"),
                    scale == Scale.National ? Verdict(m.PeakWorkingSetBytes < 2L * 1024 * 1024 * 1024, "peak < 2 GB") : "",
                    Invariant($"{input}; {m.Figure("rows"):0} rows; {Mb(m.AllocatedBytes)} allocated; GC heap at most {m.Figure("peak_heap_mb"):0} MB (committed {m.Figure("peak_committed_mb"):0} MB); load before {loads[i]}")
                    + (HeapLimitBytes > 0 ? Invariant($"; GC heap capped at {HeapLimitBytes / 1024 / 1024} MB as in a {settings.InstanceMemoryMb} MB instance") : "; GC heap not capped")));
            }

            var duckdb = duckdbs.MinBy(m => m.Seconds)!;
            var ratio = full.Seconds / duckdb.Seconds;
            var cpuRatio = fullCpu / duckdbs.Min(m => m.CpuSeconds);
            rows.Add(new Row("4 DuckDB", $"same full build, {cores} threads", scale.ToString(),
                Invariant($"DuckDB {string.Join(" / ", duckdbs.Select(d => $"{d.Seconds:0.0} s (cpu {d.CpuSeconds:0.0} s)"))}, peak {Mb(duckdb.PeakWorkingSetBytes)}; ours {string.Join(" / ", fulls.Select(f => $"{f.Seconds:0.0} s (cpu {f.CpuSeconds:0.0} s)"))}: ratio {ratio:0.00} (cpu {cpuRatio:0.00}), faster against faster"),
                Verdict(ratio <= 0.8, "ratio ≤ 0.8"),
                Invariant($"DuckDB sections: {string.Join(", ", duckdb.Figures.Where(f => f.Key.EndsWith("_s", StringComparison.Ordinal) && f.Key != "reused_from_unix_s").Select(f => $"{f.Key[..^2]} {f.Value:0.0} s"))}")
                + (duckdb.Figures.TryGetValue("reused_from_unix_s", out var at) ? Invariant($"; DuckDB measured earlier, {DateTime.UnixEpoch.AddSeconds(at):yyyy-MM-dd HH:mm} UTC (--reuse-duckdb)") : string.Empty)));

            var last = Correction.FirstPeriod.Add(settings.Months - 1);
            var mid = Correction.FirstPeriod.Add(Math.Min(5, settings.Months - 1));
            foreach (var period in new[] { last, mid }.Distinct())
            {
                foreach (var warm in new[] { false, true })
                {
                    string[] args = warm
                        ? ["resubmit", "--store", store, "--months", months, "--period", period.ToString(), "--warm"]
                        : ["resubmit", "--store", store, "--months", months, "--period", period.ToString()];
                    var load = LoadAverage();
                    if (await TryChildAsync(args) is not { } inc)
                    {
                        rows.Add(new Row("3 incremental", $"one station resubmits {period}, {(warm ? "warm instance" : "cold process")}", scale.ToString(),
                            "**failed** (the child process died: out of memory under the heap cap, see stderr)", Verdict(false, "< 5 %"), ""));
                        continue;
                    }

                    var share = inc.Seconds / full.Seconds;
                    rows.Add(new Row("3 incremental", $"one station resubmits {period}, {(warm ? "warm instance" : "cold process")}", scale.ToString(),
                        Invariant($"{inc.Seconds:0.00} s (cpu {inc.CpuSeconds:0.00} s) = {share:P1} of the faster full build ({full.Seconds:0.0} s; cpu {inc.CpuSeconds / fullCpu:P1})"), Verdict(share <= 0.05, "≤ 5 %"),
                        Invariant($"{inc.Figure("months_rebuilt"):0} month(s) rebuilt, {inc.Figure("files_written"):0} files written, {inc.Figure("ledger_changes_read"):0} ledger changes read; peak {Mb(inc.PeakWorkingSetBytes)}; load before {load}")
                        + (warm ? "; reference in memory and code jitted by an earlier build, as a timer on a running instance" : "; a fresh process: includes loading the reference and JIT")));
                }
            }

            if (settings.FreshnessUploads > 0)
            {
                // Freshness: a burst of uploads for the next two months through pipeline host's own composition on a
                // copy of this store (marts built), each upload timed from its write to the end of the first build
                // that started after it was recorded. Nationally the two months are 76,000 files: only the burst's
                // first uploads by upload time are written, the same files the whole dataset holds.
                var national = scale == Scale.National;
                var burst = Path.Combine(settings.Work, national
                    ? Invariant($"freshness-{scale}-first{settings.FreshnessUploads}").ToLowerInvariant()
                    : $"freshness-{scale}".ToLowerInvariant());
                await EnsureAsync(burst, () => SyntheticDataset.WriteAsync(burst, scale, new(2026, 1), 2, Scenarios.Seed,
                    new SyntheticDatasetOptions
                    {
                        XlsxWriter = (stream, submission) => SubmissionWorkbookWriter.WriteSubmission(stream, submission),
                        FirstUploads = national ? settings.FreshnessUploads : null,
                    }));
                var copy = store + "-freshness";
                Reset(copy);
                CopyStore(store, copy);
                var load = LoadAverage();
                var f = await TryChildAsync(["freshness", "--store", copy, "--dataset", burst, "--uploads", settings.FreshnessUploads.ToString(CultureInfo.InvariantCulture)]);
                Directory.Delete(copy, recursive: true);
                rows.Add(FreshnessRow(f, "pipeline host", scale, settings.FreshnessUploads, f is null ? "" :
                    Invariant($"debounce windows {f.Figure("quiet_s"):0} s quiet, {f.Figure("max_delay_s"):0} s at most; watcher polling every {f.Figure("poll_s"):0} s; timers off; load before {load}")));

                // The same burst through the Functions app's function classes on Azurite, with a year of marts staged and
                // built there first (functions-freshness). Nationally the year is staged for the burst's stations only:
                // a whole national year is 450,000 ledger entries and staged files, more than Azurite (one Node.js
                // process keeping its tables in memory) is meant to hold, while an upload's intake reads only its own
                // station's months and the burst's builds build its two months for every region and expected station.
                load = LoadAverage();
                var af = await TryChildAsync(["functions-freshness", "--dataset", burst, "--scale", scale.ToString(), "--months", months,
                    "--uploads", settings.FreshnessUploads.ToString(CultureInfo.InvariantCulture), "--history", national ? "burst" : "all"]);
                rows.Add(FreshnessRow(af, "Functions app on Azurite", scale, settings.FreshnessUploads, af is null ? "" :
                    Invariant($"{af.Figure("concurrency"):0} ingests at a time (host.json, one instance), queue polled up to every {af.Figure("max_polling_s"):0} s, requests delayed {af.Figure("request_delay_s"):0} s, timers not invoked; ")
                    + Invariant($"cpu while ingesting: ours {af.Figure("cpu_intake_s"):0.0} s, Azurite's {af.Figure("azurite_cpu_intake_s"):0.0} s; Azurite's cpu to settled {af.Figure("azurite_cpu_s"):0.0} s; ")
                    + (af.Figure("history_of_burst_only") > 0 ? Invariant($"a year staged for the burst's stations only ({af.Figure("staged_station_months"):0} station-months, {af.Figure("staged_files"):0} files); ") : "")
                    + Invariant($"staged in {af.Figure("staged_s"):0} s, first build {af.Figure("first_build_s"):0.0} s; load before {load}")));
            }

            if (scale != Scale.National && settings.HistoryMonths > settings.Months)
            {
                // Memory that does not grow with history: the same province over many more months, built whole.
                var history = Path.Combine(settings.Work, Invariant($"{scale}-{settings.HistoryMonths}m").ToLowerInvariant());
                var historyMonths = settings.HistoryMonths.ToString(CultureInfo.InvariantCulture);
                if (!File.Exists(Path.Combine(history, ".staged")))
                {
                    Reset(history);
                    var staged = await ChildAsync("stage", "--scale", scale.ToString(), "--months", historyMonths, "--store", history);
                    await File.WriteAllTextAsync(Path.Combine(history, ".staged"), staged.ToLine());
                }

                // Built as many times as the one-year build, and the lower peak of each compared: a peak is the highest
                // point over a build's garbage collections, and one build's differs from the next by 10-15 %.
                var load = LoadAverage();
                var longBuilds = new List<Measurement>();
                foreach (var _ in fulls)
                {
                    longBuilds.Add(await ChildAsync("build", "--store", history, "--months", historyMonths));
                }

                var longBuild = longBuilds.MinBy(m => m.PeakWorkingSetBytes)!;
                var oneYearPeak = fulls.Min(m => m.PeakWorkingSetBytes);
                var growth = (double)longBuild.PeakWorkingSetBytes / oneYearPeak - 1;
                rows.Add(new Row("6 memory with history", Invariant($"{settings.HistoryMonths} months against {settings.Months}, full build"), scale.ToString(),
                    Invariant($"peaks {string.Join(" / ", longBuilds.Select(m => Mb(m.PeakWorkingSetBytes)))} against {string.Join(" / ", fulls.Select(m => Mb(m.PeakWorkingSetBytes)))}, the lower against the lower: {growth:+0.0 %;-0.0 %}; {string.Join(" / ", longBuilds.Select(m => $"{m.Seconds:0.0} s (cpu {m.CpuSeconds:0.0} s)"))}"),
                    Verdict(growth <= 0.10, "within 10 %"),
                    Invariant($"{longBuild.Figure("rows"):0} rows; {Mb(longBuild.AllocatedBytes)} allocated; GC heap at most {string.Join(" / ", longBuilds.Select(m => $"{m.Figure("peak_heap_mb"):0}"))} MB against {string.Join(" / ", fulls.Select(m => $"{m.Figure("peak_heap_mb"):0}"))} MB (committed {string.Join(" / ", longBuilds.Select(m => $"{m.Figure("peak_committed_mb"):0}"))} against {string.Join(" / ", fulls.Select(m => $"{m.Figure("peak_committed_mb"):0}"))} MB); load before {load}")));
            }

            var martsRoot = Path.Combine(store, "marts");
            long oursTotal = 0, duckTotal = 0;
            var perTable = new List<string>();
            foreach (var table in DuckDbMarts.Tables)
            {
                var o = Scenarios.DirectoryBytes(Path.Combine(martsRoot, table)) + FileBytes(Path.Combine(martsRoot, table + ".parquet"));
                var d = Scenarios.DirectoryBytes(Path.Combine(duck, table)) + FileBytes(Path.Combine(duck, table + ".parquet"));
                oursTotal += o;
                duckTotal += d;
                perTable.Add(Invariant($"{table} {o / 1e6:0.0}/{d / 1e6:0.0}"));
            }

            var sizeRatio = (double)oursTotal / duckTotal;
            rows.Add(new Row("5 Parquet size", "our marts / DuckDB's, same tables", scale.ToString(),
                Invariant($"{oursTotal / 1e6:0.0} MB / {duckTotal / 1e6:0.0} MB = {sizeRatio:0.00}"), Verdict(sizeRatio <= 1.10, "within 10 %"),
                "MB ours/DuckDB: " + string.Join(", ", perTable)));
        }

        if (settings.Micro)
        {
            foreach (var row in ReadBenchmarks.Run(settings.Quick))
            {
                rows.Add(new Row("micro", row.Name, "one file", row.Value, "", "BenchmarkDotNet, median"));
            }
        }

        var text = new StringBuilder();
        text.AppendLine(Invariant($"Run {started:yyyy-MM-dd HH:mm} on {cores} cores, {Environment.OSVersion}, .NET {Environment.Version}; load average before {loadBefore}, after {LoadAverage()}; anything else running on the machine slows every figure.{(settings.Quick ? " Quick mode (small scale): not the real numbers." : string.Empty)}"));
        text.AppendLine();
        text.AppendLine("| # | measure | scale | result | target | notes |");
        text.AppendLine("|---|---|---|---|---|---|");
        foreach (var row in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {row.Number} | {row.Measure} | {row.Scale} | {row.Result} | {row.Target} | {row.Notes} |");
        }

        return text.ToString();
    }

    /// <summary>
    /// DuckDB's build of the same store. With <c>--reuse-duckdb</c> a measurement kept beside its output from an
    /// earlier run on the same dataset is used instead (the national one takes most of an hour); the table then
    /// says when it was taken.
    /// </summary>
    private static async Task<Measurement> DuckDbAsync(BenchSettings settings, string store, string duck, string months, int cores, bool reuse)
    {
        var kept = Path.Combine(duck, ".measurement");
        if (reuse && File.Exists(kept) && File.GetLastWriteTimeUtc(kept) > File.GetLastWriteTimeUtc(Path.Combine(store, ".staged"))
            && Measurement.Parse(await File.ReadAllTextAsync(kept)) is { } earlier)
        {
            return earlier with { Figures = new Dictionary<string, double>(earlier.Figures) { ["reused_from_unix_s"] = File.GetLastWriteTimeUtc(kept).Subtract(DateTime.UnixEpoch).TotalSeconds } };
        }

        var measured = await ChildAsync("duckdb", "--store", store, "--out", duck, "--months", months, "--threads", cores.ToString(CultureInfo.InvariantCulture));
        await File.WriteAllTextAsync(kept, measured.ToLine());
        return measured;
    }

    private const string Begin = "<!-- bench:results -->";
    private const string End = "<!-- /bench:results -->";

    /// <summary>Puts the table between the result markers of an existing page (the prose around it stays), or makes a page of it.</summary>
    public static string Merge(string? page, string table)
    {
        var block = Begin + "\n" + table + End;
        var start = page?.IndexOf(Begin, StringComparison.Ordinal) ?? -1;
        var end = page?.IndexOf(End, StringComparison.Ordinal) ?? -1;
        if (page is null || start < 0 || end < start)
        {
            return "# Benchmarks\n\n" + block + "\n";
        }

        return page[..start] + block + page[(end + End.Length)..];
    }

    /// <summary>
    /// The GC heap cap our scenarios run under: what .NET sets by itself in a container with a memory limit
    /// (75 % of it), here for the Flex Consumption instance size (<c>--instance-memory-mb</c>, 2048 by default;
    /// 0 for none). DuckDB's native memory is not the GC's, so its child runs without it.
    /// </summary>
    internal static long HeapLimitBytes { get; set; }

    /// <summary>A scenario whose failure is a result to report (a row saying so), not the end of the run.</summary>
    private static async Task<Measurement?> TryChildAsync(string[] args)
    {
        try
        {
            return await ChildAsync(args);
        }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine("    " + e.Message);
            return null;
        }
    }

    internal static async Task<Measurement> ChildAsync(params string[] args)
    {
        var host = Environment.ProcessPath!;
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.ArgumentList.Add(Assembly.GetExecutingAssembly().Location);
        }

        if (HeapLimitBytes > 0 && args[0] is not ("duckdb" or "stage"))
        {
            start.Environment["DOTNET_GCHeapHardLimit"] = "0x" + HeapLimitBytes.ToString("X", CultureInfo.InvariantCulture);
        }

        start.ArgumentList.Add("child");
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        Console.Error.WriteLine($"  child {string.Join(' ', args)}");
        using var process = Process.Start(start)!;
        Measurement? result = null;
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            result = Measurement.Parse(line) ?? result;
        }

        await process.WaitForExitAsync();
        if (process.ExitCode != 0 || result is null)
        {
            throw new InvalidOperationException($"Scenario {string.Join(' ', args)} failed (exit {process.ExitCode}).");
        }

        Console.Error.WriteLine(Invariant($"    {result.Seconds:0.00} s, cpu {result.CpuSeconds:0.00} s, peak {Mb(result.PeakWorkingSetBytes)}"));
        return result;
    }

    private static async Task EnsureAsync(string folder, Func<Task> create)
    {
        var marker = Path.Combine(folder, ".complete");
        if (File.Exists(marker))
        {
            return;
        }

        Reset(folder);
        await create();
        await File.WriteAllTextAsync(marker, string.Empty);
    }

    private static void Reset(string folder)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(folder);
    }

    /// <summary>A freshness scenario's row: p50/p95/max from upload to marts, the builds, and the check of the marts.</summary>
    private static Row FreshnessRow(Measurement? f, string where, Scale scale, int uploads, string conditions) =>
        f is null
            ? new Row("1 freshness", Invariant($"burst of {uploads} uploads, {where}"), scale.ToString(), "**failed** (see stderr)", Verdict(false, "≤ 2 min"), "")
            : new Row("1 freshness", Invariant($"burst of {f.Figure("uploads"):0} uploads, {where}: upload to marts and Power BI refresh requested"), scale.ToString(),
                Invariant($"p50 {f.Figure("p50_s"):0.0} s, p95 {f.Figure("p95_s"):0.0} s, max {f.Figure("max_s"):0.0} s; {f.Figure("builds"):0} builds (mean {f.Figure("build_mean_s"):0.0} s), {f.Figure("refreshes"):0} refreshes requested"),
                Verdict(f.Figure("max_s") <= 120, "every upload ≤ 2 min"),
                Invariant($"all {f.Figure("uploads"):0} written in {f.Figure("write_s"):0.0} s, ingested in {f.Figure("ingested_s"):0.0} s, settled after {f.Figure("settled_s"):0.0} s (cpu {f.CpuSeconds:0.0} s); {f.Figure("accepted"):0} accepted, all in fct_submission at their latest version; {conditions}"));

    /// <summary>A copy of a store's folders (<c>cp -a</c> without a shell): the freshness run writes into its copy.</summary>
    private static void CopyStore(string from, string to)
    {
        foreach (var directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        }

        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            File.Copy(file, target);
            File.SetLastWriteTimeUtc(target, File.GetLastWriteTimeUtc(file));
        }
    }

    private static long FileBytes(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;

    private static string Mb(long bytes) => Invariant($"{bytes / 1024.0 / 1024.0:0} MB");

    private static string Verdict(bool met, string target) => (met ? "met: " : "**missed**: ") + target;

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record Row(string Number, string Measure, string Scale, string Result, string Target, string Notes);
}
