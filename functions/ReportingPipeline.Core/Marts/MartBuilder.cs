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

    /// <summary>Ledger changes (keys and write times) the build listed to learn which months changed; the months it builds are listed on top.</summary>
    public int LedgerChangesRead { get; init; }
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

    /// <summary>
    /// The share of a month's expected stations that may have changed for the month to be copied forward
    /// from its previous files (see <see cref="MonthCopy"/>) rather than rebuilt from every staged file.
    /// Tests of a handful of stations raise it to exercise the copy.
    /// </summary>
    internal double MaxChangedShare { get; init; } = MonthCopy.DefaultMaxChangedShare;

    public async Task<MartBuildResult> BuildAsync(ReferenceData reference, DateTimeOffset now, DeadlinePolicy deadline, CancellationToken cancellationToken = default)
    {
        var build = new Build(
            string.Create(CultureInfo.InvariantCulture, $"{now.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-{Guid.NewGuid():N}")[..25],
            now,
            await ReadManifestAsync(cancellationToken),
            await ListExistingAsync(cancellationToken));
        var plan = await LedgerPlan.CreateAsync(_ledger, reference, build.Previous, now, deadline, _logger, cancellationToken);
        var periods = plan.Periods;
        _logger.LogInformation("Mart build {BuildId}: {PeriodCount} months from {FirstPeriod} to {LastPeriod}; {ChangesRead} ledger changes listed ({LedgerRead})",
            build.Id, periods.Count, periods.Count > 0 ? periods[0] : null, periods.Count > 0 ? periods[^1] : null, plan.ChangesRead,
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
        var shares = new StationShares(reference, rollup);
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
            var (month, complete) = await plan.MonthAsync(period, closed, cancellationToken);
            yearInputs.Add((period, month.Manifest.InputFingerprint));
            var (factInputs, aggInputs, factsCurrent, aggCurrent) = Check(month);
            if (!complete && !factsCurrent)
            {
                // An unchanged month whose fact files are missing or stale after all: it needs its entries.
                month = await plan.CompleteAsync(period, closed, cancellationToken);
                complete = true;
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
            if (aggCurrent)
            {
                yearToDate = null;
            }
            else
            {
                yearToDate ??= yearInputs.Count > 1
                    ? await ReadYearToDateAsync(rollup, period.Previous, cancellationToken)
                    : rollup.NewYearToDate();
            }

            // The month's rolled-up totals (when its agg_region_month is rewritten), from the cheapest source
            // that is sure to give what reading every staged file would: its previous agg_region_month when
            // only the year to date moved; its previous files and the changed stations' JSON when a few
            // stations changed; else every station's staged JSON.
            RegionRollup.Totals? totals = null;
            var done = false;
            if (factsCurrent)
            {
                totals = await ReadMonthTotalsAsync(build, rollup, reference.Fingerprint, month, cancellationToken);
                done = totals is not null;
            }
            else if (await CopyMonthForwardAsync(build, reference, rollup, shares, month, factInputs, withTotals: !aggCurrent, cancellationToken) is { } copied)
            {
                totals = copied.Totals;
                done = true;
            }

            if (!done)
            {
                if (!complete)
                {
                    // Its previous agg_region_month could not give the totals: every staged file is read, which needs the entries.
                    month = await plan.CompleteAsync(period, closed, cancellationToken);
                }

                totals = aggCurrent ? null : rollup.NewTotals();
                await BuildMonthAsync(build, shares, month, factsCurrent ? null : factInputs, totals, cancellationToken);
                totals?.RollUp();
            }

            if (totals is not null && yearToDate is not null)
            {
                yearToDate.Accumulate(totals);
                await using var agg = await MartFileWriter.CreateAsync(MartTables.AggRegionMonth, cancellationToken);
                await rollup.WriteAsync(agg, period, totals, yearToDate, cancellationToken);
                await WriteFileAsync(build, agg, period, [.. yearInputs.Select(y => y.Period)], aggInputs, cancellationToken);
            }
        }

        var result = await FinishAsync(build, reference, plan.State, periods, manifestPeriods, rebuilt, unchanged, referenceRebuilt, cancellationToken);

        // A build leaves the large-object heap full of freed region-total and column arrays; an instance that
        // builds again (a timer on a running instance) would otherwise start the next build on a fragmented heap
        // under the instance's memory cap. The next full collection compacts it, once.
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        return result with { LedgerFullScan = plan.FullScan, LedgerChangesRead = plan.ChangesRead };

        (string Facts, string Agg, bool FactsCurrent, bool AggCurrent) Check(MonthInputs month)
        {
            var factInputs = MartFingerprint.OfFacts(reference.Fingerprint, month.Period, month.Manifest.InputFingerprint);
            var aggInputs = MartFingerprint.OfAggregate(reference.Fingerprint, yearInputs);
            return (factInputs, aggInputs,
                MartTables.Facts.All(t => build.Reuse(t.FileName(month.Period), factInputs)),
                build.Reuse(MartTables.AggRegionMonth.FileName(month.Period), aggInputs));
        }
    }

    /// <summary>
    /// Streams one month, station by station: each staged submission is read, its rows appended to the
    /// fact files (when <paramref name="factInputs"/> says they are rebuilt) and its figures added to
    /// <paramref name="totals"/> (when the rollup is rebuilt; left unrolled), then dropped.
    /// </summary>
    private async Task BuildMonthAsync(Build build, StationShares shares, MonthInputs month, string? factInputs, RegionRollup.Totals? totals, CancellationToken cancellationToken)
    {
        var facts = factInputs is null ? null : await FactFiles.CreateAsync(cancellationToken);
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
                    var state = StationState.Of(month.Entries.GetValueOrDefault(station.StationCode), month.Closed);
                    var staged = batch[b];
                    var submission = SubmissionOf(month.Period, station.StationCode, state, staged);
                    if (facts is not null)
                    {
                        await facts.AppendAsync(month, station, state.Entry, state.Current, state.Source, state.OnTime, staged, submission, shares.IsVillageOf, cancellationToken);
                    }

                    if (totals is not null)
                    {
                        shares.Add(totals, station.StationCode, submission, state.OnTime, 1);
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
    }

    /// <summary>
    /// The submission of a station's current accepted version, from its staged file; null without an accepted
    /// version. An accepted version must have its staged file; a rejected upload without one only loses its issues.
    /// </summary>
    private Submission? SubmissionOf(Period period, string stationCode, StationState state, StagedSubmission? staged)
    {
        if (state.Source is { } source && staged is null)
        {
            _logger.LogWarning("{Period} {StationCode}: no staged file for upload {Sha256}; its issues are left out", period, stationCode, source.Sha256);
        }

        return state.Current is not { } current ? null : staged?.Submission
            ?? throw new InvalidDataException($"The accepted version {current.Version} of {stationCode} for {period} has no staged submission ({StagedSubmission.BlobNameFor(period, stationCode, current.Sha256)}).");
    }

    /// <summary>
    /// A month whose facts are current and whose <c>agg_region_month</c> is rewritten only because the year to
    /// date before it changed: its own totals are the month columns of its previous file, already rolled up, so
    /// no staged file is read. Null when that file is missing, was built from other inputs, or is unreadable.
    /// </summary>
    private async Task<RegionRollup.Totals?> ReadMonthTotalsAsync(Build build, RegionRollup rollup, string referenceFingerprint, MonthInputs month, CancellationToken cancellationToken)
    {
        if (MonthCopy.PreviousAggregate(build.Previous, build.Existing, referenceFingerprint, month.Period, month.Manifest.InputFingerprint) is not { } file)
        {
            _logger.LogInformation("{Period}: the previous agg_region_month is not of the month's inputs; reading the staged files", month.Period);
            return null;
        }

        try
        {
            var totals = await ReadTotalsAsync(rollup, file.Name, yearToDate: false, cancellationToken, builtFrom: file.InputFingerprint);
            if (totals is null)
            {
                _logger.LogWarning("{Period}: marts/{FileName} is missing, not the file the manifest describes, or does not have one row per region; reading the staged files", month.Period, file.Name);
            }

            return totals;
        }
        catch (Exception e) when (IsUnreadable(e))
        {
            _logger.LogWarning(e, "{Period}: marts/{FileName} is unreadable; reading the staged files", month.Period, file.Name);
            return null;
        }
    }

    /// <summary>
    /// Rebuilds a month in which few stations changed (see <see cref="MonthCopy"/>) from its previous files:
    /// every fact row of an unchanged station is copied, the changed stations' rows are made from their new
    /// staged files by <see cref="FactFiles"/>, in the same station order as a full build; and the month's totals
    /// are its previous <c>agg_region_month</c>'s, less the changed stations' previous shares (from their
    /// previous staged files), plus their new ones. Only the changed stations' JSON is parsed. Null, having
    /// written nothing, whenever anything is in doubt: the caller then reads every staged file.
    /// </summary>
    private async Task<CopiedMonth?> CopyMonthForwardAsync(Build build, ReferenceData reference, RegionRollup rollup, StationShares shares, MonthInputs month, string factInputs, bool withTotals, CancellationToken cancellationToken)
    {
        if (MonthCopy.Plan(build.Previous, build.Existing, reference.Fingerprint, month, withTotals, MaxChangedShare, out var reason) is not { } plan)
        {
            _logger.LogInformation("{Period}: reading every staged file ({Reason})", month.Period, reason);
            return null;
        }

        // Each changed station as it is now and as the previous build saw it.
        var now = new Dictionary<string, StationState>(StringComparer.Ordinal);
        var before = new Dictionary<string, StationState>(StringComparer.Ordinal);
        foreach (var (code, previousInput) in plan.Changed)
        {
            now[code] = StationState.Of(month.Entries.GetValueOrDefault(code), month.Closed);
            if (previousInput is null)
            {
                before[code] = StationState.Of(null, month.Closed);
            }
            else if (MonthCopy.PreviousState(month.Entries.GetValueOrDefault(code), previousInput, month.Closed) is { } state)
            {
                before[code] = state;
            }
            else
            {
                _logger.LogWarning("{Period} {StationCode}: the ledger entry does not show the upload the previous build used; reading every staged file", month.Period, code);
                return null;
            }
        }

        // Their staged files: the new source of each (facts and totals), the previous accepted version (totals only).
        var reads = new List<(string Code, string Sha256, bool Before)>();
        foreach (var code in plan.Changed.Keys.Order(StringComparer.Ordinal))
        {
            if (now[code].Source is { } source)
            {
                reads.Add((code, source.Sha256, false));
            }

            if (withTotals && before[code].Current is { } previous)
            {
                reads.Add((code, previous.Sha256, true));
            }
        }

        var staged = new StagedSubmission?[reads.Count];
        await Parallel.ForAsync(0, reads.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken }, async (i, ct) =>
            staged[i] = await ReadStagedAsync(month.Period, reads[i].Code, reads[i].Sha256, ct));
        var stagedNow = new Dictionary<string, StagedSubmission?>(StringComparer.Ordinal);
        var submissionsBefore = new Dictionary<string, Submission?>(StringComparer.Ordinal);
        for (var i = 0; i < reads.Count; i++)
        {
            if (!reads[i].Before)
            {
                stagedNow[reads[i].Code] = staged[i];
            }
            else if (staged[i]?.Submission is { } submission)
            {
                submissionsBefore[reads[i].Code] = submission;
            }
            else
            {
                _logger.LogWarning("{Period} {StationCode}: the previous accepted version has no staged submission; reading every staged file", month.Period, reads[i].Code);
                return null;
            }
        }

        var submissionsNow = plan.Changed.Keys.ToDictionary(
            code => code, code => SubmissionOf(month.Period, code, now[code], stagedNow.GetValueOrDefault(code)), StringComparer.Ordinal);

        await using var facts = await FactFiles.CreateAsync(cancellationToken);
        var previousFiles = new List<PreviousFactFile>();
        RegionRollup.Totals? totals = null;
        try
        {
            foreach (var table in MartTables.Facts)
            {
                if (await PreviousFactFile.OpenAsync(_store, table, month.Period, MartFingerprint.OfFacts(reference.Fingerprint, month.Period, plan.Previous.InputFingerprint), cancellationToken) is not { } file)
                {
                    _logger.LogWarning("{Period}: marts/{FileName} is missing, not the file the manifest describes, or not of the declared columns; reading every staged file", month.Period, table.FileName(month.Period));
                    return null;
                }

                previousFiles.Add(file);
            }

            // Each previous file with the new file its rows are copied into, paired once rather than per station.
            var copies = previousFiles.Select(f => (File: f, Target: facts[f.Table])).ToList();
            foreach (var station in month.Expected)
            {
                var code = station.StationCode;
                if (plan.Changed.ContainsKey(code))
                {
                    foreach (var file in previousFiles)
                    {
                        await file.SkipAsync(code, cancellationToken);
                    }

                    var state = now[code];
                    await facts.AppendAsync(month, station, state.Entry, state.Current, state.Source, state.OnTime, stagedNow.GetValueOrDefault(code), submissionsNow[code], shares.IsVillageOf, cancellationToken);
                }
                else
                {
                    foreach (var (file, target) in copies)
                    {
                        await file.CopyAsync(code, target, cancellationToken);
                    }
                }
            }

            foreach (var file in previousFiles)
            {
                if (await file.PeekStationAsync(cancellationToken) is { } left)
                {
                    _logger.LogWarning("{Period}: rows of {StationCode} in marts/{FileName} are not in the order of the expected stations; reading every staged file", month.Period, left, file.Table.FileName(month.Period));
                    return null;
                }
            }

            if (withTotals)
            {
                var name = MartTables.AggRegionMonth.FileName(month.Period);
                totals = await ReadTotalsAsync(rollup, name, yearToDate: false, cancellationToken, builtFrom: build.Previous!.FindFile(name)!.InputFingerprint);
                if (totals is null)
                {
                    _logger.LogWarning("{Period}: marts/{FileName} is missing, not the file the manifest describes, or does not have one row per region; reading every staged file", month.Period, name);
                    return null;
                }

                // Shares are added where they arise and rolled up like a whole month; rolling up is linear, so
                // the rolled-up difference corrects every level of the rolled-up previous totals.
                var change = rollup.NewTotals();
                foreach (var code in plan.Changed.Keys)
                {
                    shares.Add(change, code, submissionsBefore.GetValueOrDefault(code), before[code].OnTime, -1);
                    shares.Add(change, code, submissionsNow[code], now[code].OnTime, 1);
                }

                change.RollUp();
                totals.Accumulate(change);
            }
        }
        catch (Exception e) when (IsUnreadable(e))
        {
            _logger.LogWarning(e, "{Period}: a previous file of the month is unreadable; reading every staged file", month.Period);
            return null;
        }
        finally
        {
            foreach (var file in previousFiles)
            {
                await file.DisposeAsync();
            }
        }

        foreach (var file in facts.Files)
        {
            await WriteFileAsync(build, file, month.Period, [month.Period], factInputs, cancellationToken);
        }

        _logger.LogInformation("{Period}: {ChangedCount} of {ExpectedCount} stations changed; the month's other rows and totals were copied from its previous files", month.Period, plan.Changed.Count, month.Expected.Count);
        return new CopiedMonth(totals);
    }

    /// <summary>What reading a previous Parquet file can throw when the file is damaged: the month is then rebuilt from JSON.</summary>
    private static bool IsUnreadable(Exception e) =>
        e is ParquetException or IOException or InvalidDataException or InvalidCastException or ArgumentException or IndexOutOfRangeException or NotSupportedException;

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
            // Compact: a national year names 450,000 station-month inputs (85 MB indented, about half of it whitespace).
            using var content = new MemoryStream();
            await JsonSerializer.SerializeAsync(content, manifest, PipelineJson.Compact, cancellationToken);
            content.Position = 0;
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

    /// <summary>The two manifests say the same apart from which build wrote them and when: compared by hash, never as national-size strings.</summary>
    private static bool SameContent(MartManifest previous, MartManifest next)
    {
        static byte[] Canonical(MartManifest m)
        {
            using var hash = new HashingStream();
            JsonSerializer.Serialize(hash, m with { BuildId = string.Empty, BuiltAt = default }, PipelineJson.Compact);
            return hash.Finish();
        }

        return Canonical(previous).AsSpan().SequenceEqual(Canonical(next));
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
        using var content = await file.FinishAsync(inputs, cancellationToken);
        var bytes = content.Length;
        await _store.WriteAsync(Containers.Marts, name, content, ParquetContentType, cancellationToken);
        build.Files[name] = new ManifestFile(name, period, rows, bytes, inputPeriods, inputs, build.Id, build.Now);
        build.Written.Add(name);
    }

    /// <summary>The year-to-date sums as of <paramref name="period"/>, from its agg_region_month file.</summary>
    private async Task<RegionRollup.Totals> ReadYearToDateAsync(RegionRollup rollup, Period period, CancellationToken cancellationToken) =>
        await ReadTotalsAsync(rollup, MartTables.AggRegionMonth.FileName(period), yearToDate: true, cancellationToken)
            ?? throw new InvalidOperationException($"marts/{MartTables.AggRegionMonth.FileName(period)} is in the manifest but not in the store.");

    /// <summary>
    /// Sums read back from an agg_region_month file (ratios are not sums: they are recomputed when written):
    /// its <c>ytd_*</c> columns, or its month columns, rolled up as written. Exact: validation keeps money to 2
    /// decimals and hours to 1, the columns' scales, so a written sum is the sum. Null when the file is not in
    /// the store; for month columns also when its rows are not one per region of the reference.
    /// </summary>
    private async Task<RegionRollup.Totals?> ReadTotalsAsync(RegionRollup rollup, string name, bool yearToDate, CancellationToken cancellationToken, string? builtFrom = null)
    {
        var totals = yearToDate ? rollup.NewYearToDate() : rollup.NewTotals();
        using var buffer = new MemoryStream();
        await using (var blob = await _store.OpenReadAsync(Containers.Marts, name, cancellationToken))
        {
            if (blob is null)
            {
                return null;
            }

            await blob.CopyToAsync(buffer, cancellationToken);
        }

        buffer.Position = 0;
        await using var reader = await ParquetReader.CreateAsync(buffer, cancellationToken: cancellationToken);
        if (builtFrom is not null && reader.CustomMetadata?.GetValueOrDefault(MartFileWriter.InputsKey) != builtFrom)
        {
            // Not the file the manifest describes: a build killed before its manifest left a newer one.
            return null;
        }

        var measures = MartTables.AggregateMeasures
            .Where(m => (!yearToDate || m.YearToDate) && m.Kind != AggregateKind.Ratio)
            .Select(m => (Measure: RegionRollup.Measure(m.Name), Column: MartTables.AggRegionMonth[yearToDate ? m.YearToDateName : m.Name]))
            .ToList();
        var seen = new bool[rollup.Count];
        var complete = true;
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var rows = checked((int)group.RowCount);
            var codes = await ParquetColumns.ReadStringsAsync(group, reader.Schema.FindDataField("region_code"), rows, cancellationToken);
            var regions = codes.Select(c => c is null ? -1 : rollup.IndexOf(c)).ToArray();
            foreach (var region in regions)
            {
                complete &= region >= 0 && !seen[region];
                seen[region < 0 ? 0 : region] = true;
            }

            foreach (var (measure, column) in measures)
            {
                var field = reader.Schema.FindDataField(column.Name);
                if (column.Type is MartColumnType.Int64)
                {
                    var values = await ParquetColumns.ReadAsync<long>(group, field, rows, cancellationToken);
                    for (var r = 0; r < rows; r++)
                    {
                        totals.Set(regions[r], measure, values[r] ?? 0);
                    }
                }
                else
                {
                    var values = await ParquetColumns.ReadAsync<decimal>(group, field, rows, cancellationToken);
                    for (var r = 0; r < rows; r++)
                    {
                        totals.Set(regions[r], measure, values[r] ?? 0);
                    }
                }
            }
        }

        return yearToDate || (complete && seen.All(s => s)) ? totals : null;
    }

    /// <summary>The staged files of up to <see cref="StagedBatch"/> expected stations from <paramref name="start"/>, read in parallel.</summary>
    private async Task<StagedSubmission?[]> ReadBatchAsync(MonthInputs month, int start, CancellationToken cancellationToken)
    {
        var staged = new StagedSubmission?[Math.Min(StagedBatch, month.Expected.Count - start)];
        await Parallel.ForAsync(0, staged.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var code = month.Expected[start + i].StationCode;
            if (StationState.Of(month.Entries.GetValueOrDefault(code), month.Closed).Source is { } source)
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

    /// <summary>A month rebuilt from its previous files: its rolled-up totals when its agg_region_month is rewritten.</summary>
    private sealed record CopiedMonth(RegionRollup.Totals? Totals);

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
