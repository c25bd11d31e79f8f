using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Parquet;
using Parquet.Schema;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Intake;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Core.Reference;
using ReportingPipeline.Core.Validation;

namespace ReportingPipeline.Core.Marts;

/// <summary>What a mart build did.</summary>
public sealed record MartBuildResult(string BuildId, IReadOnlyList<Period> PeriodsRebuilt, IReadOnlyList<Period> PeriodsUnchanged, IReadOnlyDictionary<string, long> RowsByTable, bool ReferenceRebuilt)
{
    /// <summary>Blob names (in <c>marts</c>) this build wrote, the manifest excluded.</summary>
    public IReadOnlyList<string> FilesWritten { get; init; } = [];

    /// <summary>Blob names this build deleted: partitions of months no longer covered.</summary>
    public IReadOnlyList<string> FilesDeleted { get; init; } = [];

    /// <summary>False when nothing changed: the previous manifest still describes the marts exactly.</summary>
    public bool ManifestWritten { get; init; }

    /// <summary>The months covered, first to last; empty when there is nothing to report on yet.</summary>
    public IReadOnlyList<Period> Periods { get; init; } = [];

    /// <summary>True when the build read the whole ledger; false when it read only what changed since the previous build.</summary>
    public bool LedgerFullScan { get; init; }

    /// <summary>Ledger entries the build read to learn what changed (months it rebuilt are listed on top of these).</summary>
    public int LedgerEntriesRead { get; init; }
}

/// <summary>
/// Builds the Parquet star schema in <c>marts</c> from the ledger and the staged submissions, month by
/// month, rewriting only the partitions whose inputs changed (see <see cref="MartManifest"/>) and writing
/// the manifest last.
/// </summary>
public sealed class MartBuilder(IBlobStore store, ISubmissionLedger ledger, ILogger<MartBuilder> logger)
{
    private const string ParquetContentType = "application/vnd.apache.parquet";

    /// <summary>Stations whose staged files are read ahead at once: enough to keep every core busy, few enough to bound memory.</summary>
    private const int StagedBatch = 256;

    private readonly IBlobStore _store = store;
    private readonly ISubmissionLedger _ledger = ledger;
    private readonly ILogger<MartBuilder> _logger = logger;

    public async Task<MartBuildResult> BuildAsync(ReferenceData reference, DateTimeOffset now, DeadlinePolicy deadline, CancellationToken cancellationToken = default)
    {
        var build = new Build(
            string.Create(CultureInfo.InvariantCulture, $"{now.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-{Guid.NewGuid():N}")[..25],
            now,
            await ReadManifestAsync(cancellationToken),
            await ListExistingAsync(cancellationToken));
        var plan = await LedgerPlan.CreateAsync(_ledger, reference, build.Previous, now, deadline, _logger, cancellationToken);
        var periods = plan.Periods;
        _logger.LogInformation("Mart build {BuildId}: {PeriodCount} months from {FirstPeriod} to {LastPeriod}; {EntriesRead} ledger entries read ({LedgerRead})",
            build.Id, periods.Count, periods.Count > 0 ? periods[0] : null, periods.Count > 0 ? periods[^1] : null, plan.EntriesRead,
            plan.FullScan ? "the whole ledger" : "changes since the last build");

        // Dimensions: dim_region and dim_station come from the reference alone; dim_period from the months
        // covered, their deadlines and which of them are closed.
        var referenceInputs = MartFingerprint.Of(MartFingerprint.Tables, reference.Fingerprint);
        var periodInputs = MartFingerprint.Of(
            MartFingerprint.Tables,
            string.Create(CultureInfo.InvariantCulture, $"{deadline.DayOfFollowingMonth}|{deadline.TimeOfDay:HH':'mm':'ss}|{deadline.UtcOffset}"),
            string.Join(',', periods.Select(p => deadline.IsClosed(p, now) ? p + "c" : p.ToString())));
        var referenceRebuilt = false;
        foreach (var table in MartTables.Dimensions)
        {
            var inputs = table == MartTables.DimPeriod ? periodInputs : referenceInputs;
            if (!build.Reuse(table.FileName(), inputs))
            {
                await WriteDimensionAsync(build, table, reference, periods, now, deadline, inputs, cancellationToken);
                referenceRebuilt |= table != MartTables.DimPeriod;
            }
        }

        var rollup = new RegionRollup(reference);
        var manifestPeriods = new List<ManifestPeriod>(periods.Count);
        var yearInputs = new List<(Period Period, string Fingerprint)>();
        RegionRollup.Totals? yearToDate = null;
        var rebuilt = new List<Period>();
        var unchanged = new List<Period>();
        foreach (var period in periods)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (period == periods[0] || period.Month == 1)
            {
                yearInputs.Clear();
                yearToDate = null;
            }

            var closed = deadline.IsClosed(period, now);
            var month = plan.Month(period, closed, out var complete);
            yearInputs.Add((period, month.Manifest.InputFingerprint));
            var (factInputs, aggInputs, factsCurrent, aggCurrent) = Check(month);
            if (!complete && !(factsCurrent && aggCurrent))
            {
                // An unchanged month whose files are missing or stale after all: it needs its entries.
                month = await plan.CompleteAsync(period, closed, cancellationToken);
                yearInputs[^1] = (period, month.Manifest.InputFingerprint);
                (factInputs, aggInputs, factsCurrent, aggCurrent) = Check(month);
            }

            manifestPeriods.Add(month.Manifest);
            if (factsCurrent && aggCurrent)
            {
                // The running year-to-date is only carried across consecutive rebuilt months; a later
                // rebuild in this year reloads it from this month's file.
                yearToDate = null;
                unchanged.Add(period);
                continue;
            }

            rebuilt.Add(period);
            RegionRollup.Totals? totals = null;
            if (!aggCurrent)
            {
                yearToDate ??= yearInputs.Count > 1
                    ? await ReadYearToDateAsync(rollup, period.Previous, cancellationToken)
                    : rollup.NewYearToDate();
                totals = rollup.NewTotals();
            }
            else
            {
                yearToDate = null;
            }

            await BuildMonthAsync(build, reference, rollup, month, factsCurrent ? null : factInputs, totals, cancellationToken);
            if (totals is not null && yearToDate is not null)
            {
                totals.RollUp();
                yearToDate.Accumulate(totals);
                await using var agg = await MartFileWriter.CreateAsync(MartTables.AggRegionMonth, cancellationToken);
                await rollup.WriteAsync(agg, period, totals, yearToDate, cancellationToken);
                await WriteFileAsync(build, agg, period, [.. yearInputs.Select(y => y.Period)], aggInputs, cancellationToken);
            }
        }

        var result = await FinishAsync(build, reference, plan.State, periods, manifestPeriods, rebuilt, unchanged, referenceRebuilt, cancellationToken);
        return result with { LedgerFullScan = plan.FullScan, LedgerEntriesRead = plan.EntriesRead };

        (string Facts, string Agg, bool FactsCurrent, bool AggCurrent) Check(MonthInputs month)
        {
            var factInputs = MartFingerprint.Of(MartFingerprint.Tables, reference.Fingerprint, month.Period.ToString(), month.Manifest.InputFingerprint);
            var aggInputs = MartFingerprint.Of([MartFingerprint.Tables, reference.Fingerprint, .. yearInputs.Select(y => $"{y.Period}={y.Fingerprint}")]);
            return (factInputs, aggInputs,
                MartTables.Facts.All(t => build.Reuse(t.FileName(month.Period), factInputs)),
                build.Reuse(MartTables.AggRegionMonth.FileName(month.Period), aggInputs));
        }
    }

    /// <summary>
    /// Streams one month, station by station: each staged submission is read, its rows appended to the
    /// fact files (when <paramref name="factInputs"/> says they are rebuilt) and its figures added to
    /// <paramref name="totals"/> (when the rollup is rebuilt), then dropped.
    /// </summary>
    private async Task BuildMonthAsync(Build build, ReferenceData reference, RegionRollup rollup, MonthInputs month, string? factInputs, RegionRollup.Totals? totals, CancellationToken cancellationToken)
    {
        var facts = factInputs is null ? null : await FactFiles.CreateAsync(cancellationToken);
        var sums = new SectionSums();
        var stationsExpected = RegionRollup.Measure("stations_expected");
        var stationsReported = RegionRollup.Measure("stations_reported");
        var stationsOnTime = RegionRollup.Measure("stations_on_time");
        var villagesExpected = RegionRollup.Measure("villages_expected");
        var villagesVisited = RegionRollup.Measure("villages_visited");
        try
        {
            // Parsing staged JSON dominates a build: the next batch is read on every core while this one is added up.
            Task<StagedSubmission?[]>? next = ReadBatchAsync(month, 0, cancellationToken);
            for (var start = 0; start < month.Expected.Count; start += StagedBatch)
            {
                var batch = await next!;
                next = start + StagedBatch < month.Expected.Count ? ReadBatchAsync(month, start + StagedBatch, cancellationToken) : null;
                for (var b = 0; b < batch.Length; b++)
                {
                    var station = month.Expected[start + b];
                    var code = station.StationCode;
                    var entry = month.Entries.GetValueOrDefault(code);
                    var current = entry?.Current;
                    var rejected = current is null && entry is not null ? LatestRejected(entry) ?? (entry.Uploads.Count > 0 ? entry.Uploads[^1] : null) : null;
                    var source = current ?? rejected;
                    var staged = batch[b];
                    var submission = current is null ? null : staged?.Submission
                        ?? throw new InvalidDataException($"The accepted version {current.Version} of {code} for {month.Period} has no staged submission ({StagedSubmission.BlobNameFor(month.Period, code, current.Sha256)}).");
                    if (source is not null && staged is null)
                    {
                        _logger.LogWarning("{Period} {StationCode}: no staged file for upload {Sha256}; its issues are left out", month.Period, code, source.Sha256);
                    }

                    var onTime = current is not null
                        ? entry!.Uploads.Any(u => u.OnTime && u.Status is SubmissionStatus.Accepted or SubmissionStatus.AcceptedWithWarnings)
                        : month.Closed ? false : (bool?)null;
                    var villages = reference.VillagesOf(code);
                    var visited = new HashSet<string>(StringComparer.Ordinal);
                    if (submission is not null)
                    {
                        foreach (var visit in submission.Visits)
                        {
                            if ((visit.ResidentVisits ?? 0) > 0 || (visit.ClientVisits ?? 0) > 0)
                            {
                                visited.Add(visit.VillageCode);
                            }
                        }
                    }

                    if (facts is not null)
                    {
                        await facts.AppendAsync(month, station, entry, current, rejected ?? current, onTime, staged, submission, IsVillageOf, cancellationToken);
                    }

                    if (totals is not null)
                    {
                        var town = rollup.IndexOf(code);
                        totals.Add(town, stationsExpected, 1);
                        foreach (var village in villages)
                        {
                            var index = rollup.IndexOf(village.Code);
                            totals.Add(index, villagesExpected, 1);
                            totals.Add(index, villagesVisited, visited.Contains(village.Code) ? 1 : 0);
                        }

                        if (submission is not null)
                        {
                            totals.Add(town, stationsReported, 1);
                            totals.Add(town, stationsOnTime, onTime == true ? 1 : 0);
                            sums.Add(totals, town, submission, v => IsVillageOf(v, code) ? rollup.IndexOf(v) : -1);
                        }
                    }
                }
            }

            if (facts is not null)
            {
                foreach (var file in facts.Files)
                {
                    await WriteFileAsync(build, file, month.Period, [month.Period], factInputs!, cancellationToken);
                }
            }
        }
        finally
        {
            if (facts is not null)
            {
                await facts.DisposeAsync();
            }
        }

        // A village row of a station's submission counts only when the reference still places it in the
        // station's town (validation checked it; a later reference may have moved it): every fact key
        // then exists in dim_region.
        bool IsVillageOf(string villageCode, string townCode) =>
            reference.FindRegion(villageCode) is { Level: RegionLevel.Village } village && village.ParentCode == townCode;
    }

    private async Task<MartBuildResult> FinishAsync(
        Build build,
        ReferenceData reference,
        LedgerState ledgerState,
        IReadOnlyList<Period> periods,
        List<ManifestPeriod> manifestPeriods,
        List<Period> rebuilt,
        List<Period> unchanged,
        bool referenceRebuilt,
        CancellationToken cancellationToken)
    {
        var tables = MartTables.All.Select(t =>
        {
            var files = build.Files.Values.Where(f => f.Name.StartsWith(t.Name + "/", StringComparison.Ordinal)).OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
            return new ManifestTable(t.Name, t.Grain, t.IsPartitioned, files.Sum(f => f.Rows), files);
        }).ToList();
        var manifest = new MartManifest(
            MartManifest.SchemaId, build.Id, build.Now, reference.Fingerprint, MartFingerprint.Tables,
            periods.Count > 0 ? periods[0] : null, periods.Count > 0 ? periods[^1] : null, manifestPeriods, tables)
        {
            LedgerWatermark = ledgerState.Watermark,
            LedgerPeriods = ledgerState.Periods,
            LedgerScannedAt = ledgerState.ScannedAt,
        };

        var stale = build.Existing.Where(name => MartTables.All.Any(t => name.StartsWith(t.Name + "/", StringComparison.Ordinal)) && !build.Files.ContainsKey(name)).ToList();
        var manifestWritten = false;
        if (build.Written.Count > 0 || stale.Count > 0 || build.Previous is null || !SameContent(build.Previous, manifest))
        {
            using var content = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(manifest, PipelineJson.Options));
            await _store.WriteAsync(Containers.Marts, MartManifest.BlobName, content, "application/json", cancellationToken);
            manifestWritten = true;
        }

        // After the manifest: it no longer names them, and no reader should start on them now.
        foreach (var name in stale)
        {
            await _store.DeleteAsync(Containers.Marts, name, cancellationToken);
        }

        _logger.LogInformation("Mart build {BuildId}: {RebuiltCount} months rebuilt, {UnchangedCount} unchanged, {FileCount} files written, {DeletedCount} deleted",
            build.Id, rebuilt.Count, unchanged.Count, build.Written.Count, stale.Count);
        return new MartBuildResult(build.Id, rebuilt, unchanged, tables.ToDictionary(t => t.Name, t => t.Rows), referenceRebuilt)
        {
            FilesWritten = build.Written,
            FilesDeleted = stale,
            ManifestWritten = manifestWritten,
            Periods = periods,
        };
    }

    private static bool SameContent(MartManifest previous, MartManifest next)
    {
        static string Canonical(MartManifest m) =>
            JsonSerializer.Serialize(m with { BuildId = string.Empty, BuiltAt = default }, PipelineJson.Compact);
        return Canonical(previous) == Canonical(next);
    }

    private async Task WriteDimensionAsync(Build build, MartTable table, ReferenceData reference, IReadOnlyList<Period> periods, DateTimeOffset now, DeadlinePolicy deadline, string inputs, CancellationToken cancellationToken)
    {
        await using var file = await MartFileWriter.CreateAsync(table, cancellationToken);
        if (table == MartTables.DimRegion)
        {
            foreach (var village in reference.Regions.Where(r => r.Level == RegionLevel.Village))
            {
                var line = Hierarchy(reference, village.Code);
                if (line is null)
                {
                    _logger.LogWarning("Village {VillageCode} has no complete line up to the province; dim_region leaves it out", village.Code);
                    continue;
                }

                foreach (var level in line)
                {
                    var name = MartTables.Levels[(int)level.Level];
                    file.Strings(name + "_code").Add(level.Code);
                    file.Strings(name + "_name").Add(level.Name);
                }

                await file.EndRowAsync(cancellationToken);
            }
        }
        else if (table == MartTables.DimStation)
        {
            foreach (var station in reference.Stations)
            {
                var line = Hierarchy(reference, station.StationCode);
                if (line is null)
                {
                    _logger.LogWarning("Station {StationCode} has no town with a complete line up to the province; dim_station leaves it out", station.StationCode);
                    continue;
                }

                file.Strings(MartTables.StationColumn).Add(station.StationCode);
                file.Strings("station_name").Add(station.Name);
                file.Strings("operator").Add(station.Operator);
                foreach (var level in line)
                {
                    var name = MartTables.Levels[(int)level.Level];
                    file.Strings(name + "_code").Add(level.Code);
                    file.Strings(name + "_name").Add(level.Name);
                }

                file.Dates("opened_on").Add(station.OpenedOn);
                file.Dates("closed_on").Add(station.ClosedOn);
                file.Int64s("villages").Add(reference.VillagesOf(station.StationCode).Count(v => v.Level == RegionLevel.Village));
                await file.EndRowAsync(cancellationToken);
            }
        }
        else
        {
            foreach (var period in periods)
            {
                file.Dates("date").Add(period.FirstDay);
                file.Int32s("period_key").Add(period.Key);
                file.Int32s("year").Add(period.Year);
                file.Int32s("quarter").Add(((period.Month - 1) / 3) + 1);
                file.Int32s("month").Add(period.Month);
                file.Strings("label").Add(period.ToString());
                file.Strings("label_zh").Add(string.Create(CultureInfo.InvariantCulture, $"{period.Year}年{period.Month}月"));
                file.Timestamps("deadline").Add(deadline.DeadlineOf(period));
                file.Booleans("closed").Add(deadline.IsClosed(period, now));
                await file.EndRowAsync(cancellationToken);
            }
        }

        await WriteFileAsync(build, file, null, [], inputs, cancellationToken);
    }

    /// <summary>A region and its ancestors, province first; null when a level is missing.</summary>
    private static List<Region>? Hierarchy(ReferenceData reference, string code)
    {
        var line = reference.Lineage(code).Reverse().ToList();
        var levels = line.Select(r => r.Level).ToList();
        var expected = Enumerable.Range(0, line.Count).Select(i => (RegionLevel)i).ToList();
        return line.Count > 0 && levels.SequenceEqual(expected) ? line : null;
    }

    private async Task WriteFileAsync(Build build, MartFileWriter file, Period? period, IReadOnlyList<Period> inputPeriods, string inputs, CancellationToken cancellationToken)
    {
        var name = file.Table.FileName(period);
        var rows = file.Rows;
        using var content = await file.FinishAsync(cancellationToken);
        var bytes = content.Length;
        await _store.WriteAsync(Containers.Marts, name, content, ParquetContentType, cancellationToken);
        build.Files[name] = new ManifestFile(name, period, rows, bytes, inputPeriods, inputs, build.Id, build.Now);
        build.Written.Add(name);
    }

    /// <summary>The year-to-date sums as of <paramref name="period"/>, from its agg_region_month file.</summary>
    private async Task<RegionRollup.Totals> ReadYearToDateAsync(RegionRollup rollup, Period period, CancellationToken cancellationToken)
    {
        var yearToDate = rollup.NewYearToDate();
        var name = MartTables.AggRegionMonth.FileName(period);
        await using var blob = await _store.OpenReadAsync(Containers.Marts, name, cancellationToken)
            ?? throw new InvalidOperationException($"marts/{name} is in the manifest but not in the store.");
        using var buffer = new MemoryStream();
        await blob.CopyToAsync(buffer, cancellationToken);
        buffer.Position = 0;
        await using var reader = await ParquetReader.CreateAsync(buffer, cancellationToken: cancellationToken);
        var ytdMeasures = MartTables.AggregateMeasures
            .Where(m => m.YearToDate && m.Kind != AggregateKind.Ratio)
            .Select(m => (Measure: RegionRollup.Measure(m.Name), Column: MartTables.AggRegionMonth[m.YearToDateName]))
            .ToList();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var rows = checked((int)group.RowCount);
            var codes = new string?[rows];
            await group.ReadAsync(reader.Schema.FindDataField("region_code"), codes.AsMemory(), cancellationToken: cancellationToken);
            var regions = codes.Select(c => c is null ? -1 : rollup.IndexOf(c)).ToArray();
            foreach (var (measure, column) in ytdMeasures)
            {
                var field = reader.Schema.FindDataField(column.Name);
                if (column.Type is MartColumnType.Int64)
                {
                    var values = new long?[rows];
                    await group.ReadAsync<long>(field, values.AsMemory(), cancellationToken: cancellationToken);
                    for (var r = 0; r < rows; r++)
                    {
                        yearToDate.Set(regions[r], measure, values[r] ?? 0);
                    }
                }
                else
                {
                    var values = new decimal?[rows];
                    await group.ReadAsync<decimal>(field, values.AsMemory(), cancellationToken: cancellationToken);
                    for (var r = 0; r < rows; r++)
                    {
                        yearToDate.Set(regions[r], measure, values[r] ?? 0);
                    }
                }
            }
        }

        return yearToDate;
    }

    /// <summary>The staged files of up to <see cref="StagedBatch"/> expected stations from <paramref name="start"/>, read in parallel.</summary>
    private async Task<StagedSubmission?[]> ReadBatchAsync(MonthInputs month, int start, CancellationToken cancellationToken)
    {
        var staged = new StagedSubmission?[Math.Min(StagedBatch, month.Expected.Count - start)];
        await Parallel.ForAsync(0, staged.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var code = month.Expected[start + i].StationCode;
            if (month.Entries.GetValueOrDefault(code) is { } entry
                && (entry.Current ?? LatestRejected(entry) ?? (entry.Uploads.Count > 0 ? entry.Uploads[^1] : null)) is { } source)
            {
                staged[i] = await ReadStagedAsync(month.Period, code, source.Sha256, ct);
            }
        });
        return staged;
    }

    private async Task<StagedSubmission?> ReadStagedAsync(Period period, string stationCode, string sha256, CancellationToken cancellationToken)
    {
        await using var stream = await _store.OpenReadAsync(Containers.Staging, StagedSubmission.BlobNameFor(period, stationCode, sha256), cancellationToken);
        return stream is null ? null : await JsonSerializer.DeserializeAsync<StagedSubmission>(stream, PipelineJson.Options, cancellationToken);
    }

    private async Task<MartManifest?> ReadManifestAsync(CancellationToken cancellationToken)
    {
        await using var stream = await _store.OpenReadAsync(Containers.Marts, MartManifest.BlobName, cancellationToken);
        if (stream is null)
        {
            return null;
        }

        try
        {
            var manifest = await JsonSerializer.DeserializeAsync<MartManifest>(stream, PipelineJson.Options, cancellationToken);
            return manifest?.Schema == MartManifest.SchemaId ? manifest : null;
        }
        catch (JsonException e)
        {
            // An unreadable manifest only costs a full rebuild.
            _logger.LogWarning(e, "marts/{ManifestName} is unreadable; rebuilding every table", MartManifest.BlobName);
            return null;
        }
    }

    private async Task<HashSet<string>> ListExistingAsync(CancellationToken cancellationToken)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var item in _store.ListAsync(Containers.Marts, cancellationToken: cancellationToken))
        {
            names.Add(item.Name);
        }

        return names;
    }

    private static UploadRecord? LatestRejected(LedgerEntry entry) => LedgerPlan.LatestRejected(entry);

    /// <summary>One build's state: what the previous manifest said, what exists, what was written.</summary>
    private sealed class Build(string id, DateTimeOffset now, MartManifest? previous, HashSet<string> existing)
    {
        public string Id { get; } = id;

        public DateTimeOffset Now { get; } = now;

        public MartManifest? Previous { get; } = previous;

        public HashSet<string> Existing { get; } = existing;

        public Dictionary<string, ManifestFile> Files { get; } = new(StringComparer.Ordinal);

        public List<string> Written { get; } = [];

        /// <summary>Keeps a file the previous build made from the same inputs; false when it must be written.</summary>
        public bool Reuse(string name, string inputs)
        {
            if (Previous?.FindFile(name) is { } file && file.InputFingerprint == inputs && Existing.Contains(name))
            {
                Files[name] = file;
                return true;
            }

            return false;
        }
    }
}
