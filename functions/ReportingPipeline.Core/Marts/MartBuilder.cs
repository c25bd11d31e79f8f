using Microsoft.Extensions.Logging;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Core.Reference;

namespace ReportingPipeline.Core.Marts;

/// <summary>What a mart build did.</summary>
public sealed record MartBuildResult(string BuildId, IReadOnlyList<Period> PeriodsRebuilt, IReadOnlyList<Period> PeriodsUnchanged, IReadOnlyDictionary<string, long> RowsByTable, bool ReferenceRebuilt)
{
    /// <summary>Blob names (in <c>marts</c>) this build wrote: Parquet files and months' inputs files (<see cref="ManifestMonthInputs"/>), the manifest excluded.</summary>
    public IReadOnlyList<string> FilesWritten { get; init; } = [];

    /// <summary>Blob names this build deleted: partitions and inputs files of months no longer covered.</summary>
    public IReadOnlyList<string> FilesDeleted { get; init; } = [];

    /// <summary>False when nothing changed: the previous manifest still describes the marts exactly.</summary>
    public bool ManifestWritten { get; init; }

    /// <summary>The months covered, first to last; empty when there is nothing to report on yet.</summary>
    public IReadOnlyList<Period> Periods { get; init; } = [];

    /// <summary>True when the build read the whole ledger; false when it read only what changed since the previous build.</summary>
    public bool LedgerFullScan { get; init; }

    /// <summary>Ledger changes (keys and write times) the build listed to learn which months changed; the months it builds are listed on top.</summary>
    public int LedgerChangesRead { get; init; }

    /// <summary>The build changed what the marts show: a month rebuilt, or the dimensions rewritten for a new reference.</summary>
    public bool Published => PeriodsRebuilt.Count > 0 || ReferenceRebuilt;
}

/// <summary>
/// Builds the Parquet star schema in <c>marts</c> from the ledger and the staged submissions, month by
/// month, rewriting only the partitions whose inputs changed (see <see cref="MartManifest"/>) and writing
/// the manifest last. It orchestrates: each month's <see cref="MonthPlan"/> is decided up front and carried out
/// by a small type per kind of work (<see cref="MonthFullBuild"/>, <see cref="MonthCopyForward"/>,
/// <see cref="AggregateTotalsReader"/>); <see cref="DimensionWriter"/> writes the dimensions and
/// <see cref="ManifestPublisher"/> the manifest.
/// </summary>
public sealed class MartBuilder(IBlobStore store, ISubmissionLedger ledger, ILogger<MartBuilder> logger)
{
    /// <summary>
    /// The share of a month's expected stations that may have changed for the month to be copied forward
    /// from its previous files (see <see cref="MonthCopy"/>) rather than rebuilt from every staged file.
    /// Tests of a handful of stations raise it to exercise the copy.
    /// </summary>
    internal double MaxChangedShare { get; init; } = MonthCopy.DefaultMaxChangedShare;

    /// <summary>
    /// How many stations a part of a month's files has at least (<see cref="MartParts"/>): neighbouring cities share a
    /// part until they reach it. Every build of one <c>marts</c> container must use the same value; tests of a
    /// handful of stations lower it to 1, one part per city.
    /// </summary>
    public int MinPartStations { get; init; } = MartParts.DefaultMinStations;

    /// <summary>
    /// Whether a month's <c>agg_region_month</c> parts may be written while the next month is built: when one
    /// month's totals take at most this fraction of the memory the garbage collector may use (a province's few
    /// megabytes do; a country's tens of megabytes under a 2 GB instance's cap do not). Overlapping, a build holds
    /// five such sums and more (the running year to date, and for each of two months in writing its own copy of it
    /// and its month's sums; a copied-forward month's own).
    /// </summary>
    internal const int OverlapMemoryShare = 64;

    /// <summary>Whether a month's <c>agg_region_month</c> parts may be written while the next month is built, where they fit (<see cref="OverlapsAggregates"/>); tests turn it off to compare the two orders.</summary>
    internal bool OverlapAggregates { get; init; } = true;

    internal static bool OverlapsAggregates(RegionRollup rollup) =>
        rollup.TotalsBytes * OverlapMemoryShare <= GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    public async Task<MartBuildResult> BuildAsync(ReferenceData reference, DateTimeOffset now, DeadlinePolicy deadline, CancellationToken cancellationToken = default)
    {
        MartCodeWarmUp.StartOnce(logger);
        var build = await MartBuild.StartAsync(store, await MartManifest.ReadAsync(store, logger, cancellationToken), now, cancellationToken);
        logger.LogDebug("Mart build {BuildId}: previous manifest read, {FileCount} files in marts", build.Id, build.Existing.Count);
        var parts = new MartParts(reference, MinPartStations);
        logger.LogDebug("Mart build {BuildId}: {FactParts} fact parts, {AggregateParts} agg_region_month parts", build.Id, parts.FactParts.Count, parts.AggregateParts.Count);
        var plan = await LedgerPlan.CreateAsync(ledger, store, reference, parts, build.Previous, now, deadline, logger, cancellationToken);
        var periods = plan.Periods;
        logger.LogInformation("Mart build {BuildId}: {PeriodCount} months from {FirstPeriod} to {LastPeriod}; {ChangesRead} ledger changes listed ({LedgerRead}), {ChangesSeenBefore} of them accounted for by the last build",
            build.Id, periods.Count, periods.Count > 0 ? periods[0] : null, periods.Count > 0 ? periods[^1] : null, plan.ChangesRead,
            plan.FullScan ? "the whole ledger" : "changes since the last build", plan.ChangesSeenBefore);

        var referenceRebuilt = await new DimensionWriter(logger).WriteAsync(build, reference, periods, deadline, cancellationToken);

        var rollup = new RegionRollup(reference, parts);
        var shares = new StationShares(reference, rollup);
        logger.LogDebug("Mart build {BuildId}: dimensions current, {RegionCount} regions laid out", build.Id, rollup.Count);
        var aggregates = new AggregateTotalsReader(store, rollup, logger);
        var fullBuild = new MonthFullBuild(store, parts, shares, logger);
        var copyForward = new MonthCopyForward(store, parts, rollup, shares, aggregates, logger);
        var manifestPeriods = new List<ManifestPeriod>(periods.Count);
        var yearInputs = new List<ManifestPeriod>();

        // The running year to date, carried across consecutive rebuilt months, and the agg_region_month parts whose
        // regions it holds right; the others are read from the previous month's parts when a month rewrites them.
        RegionRollup.Totals? yearToDate = null;
        var yearToDateParts = new HashSet<string>(StringComparer.Ordinal);

        var rebuilt = new List<Period>();
        var unchanged = new List<Period>();

        // A month's agg_region_month parts are still being written while the next month is planned and built (read
        // from every staged file, or, when only its year to date changed, its month columns read back from its
        // previous parts), and while that month's own parts are written: the cores no longer wait at every month's
        // end. Only where a month's totals fit in memory several times over (OverlapsAggregates): nationally they are
        // tens of megabytes under an instance's cap, and each month is written before the next begins.
        var overlap = OverlapAggregates && OverlapsAggregates(rollup);
        logger.LogDebug("Mart build {BuildId}: a month's totals take {TotalsMb:0.0} MB; agg_region_month written while the next month is built: {Overlap}",
            build.Id, rollup.TotalsBytes / 1e6, overlap);

        // Overlapping, two months' parts may be in writing at once, each from sums of its own: a copy of the year to
        // date as of its month (the running one moves on), and its month's sums, added up from every staged file or,
        // for a month whose parts are rewritten only for their year to date, its month columns read back (of which
        // those parts' rows are used). A month takes the slot the month before last used, once that write is done;
        // whatever reads or changes what is being written (the previous month's files, the running year to date when
        // not overlapping) waits for every write first. A slot's country-sized arrays are reused month after month
        // rather than allocated anew: large objects, freed only by a full collection, they made longer builds peak
        // higher.
        var slots = overlap ? 2 : 1;
        var writing = new Task?[slots];
        var yearToDateCopies = new RegionRollup.Totals?[slots];
        var monthTotals = new RegionRollup.Totals?[slots];
        var slot = 0;
        async Task WrittenAsync(int s)
        {
            if (writing[s] is { } task)
            {
                writing[s] = null;
                await task;
            }
        }

        async Task AggregatesWrittenAsync()
        {
            for (var s = 0; s < slots; s++)
            {
                await WrittenAsync(s);
            }
        }

        try
        {
            foreach (var period in periods)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (period == periods[0] || period.Month == 1)
                {
                    yearInputs.Clear();
                    yearToDate = null;
                }

                var closed = deadline.IsClosed(period, now);
                var month = await MonthPlan.DecideAsync(build, plan, reference.Fingerprint, parts, period, closed, yearInputs, MaxChangedShare, logger, cancellationToken);
                manifestPeriods.Add(month.Month.Manifest);
                await build.WriteInputsAsync(month.Month, cancellationToken);
                logger.LogDebug("{Period}: {MonthWork}, {FactParts} fact parts and {AggregateParts} agg_region_month parts rewritten", period, month.Work, month.FactParts.Count, month.AggregateParts.Count);
                if (!overlap || month.Work is not (MonthWork.FullBuild or MonthWork.AggregateOnly))
                {
                    await AggregatesWrittenAsync();
                }

                // The slot this month's parts are written from, free once the write before last is done.
                slot = (slot + 1) % slots;
                await WrittenAsync(slot);

                if (month.Work == MonthWork.Reuse)
                {
                    // A later rebuild in this year reloads the year to date from this month's files.
                    yearToDate = null;
                    unchanged.Add(period);
                    continue;
                }

                rebuilt.Add(period);
                if (!month.WritesAggregate)
                {
                    yearToDate = null;
                }
                else
                {
                    if (yearToDate is null)
                    {
                        // In the year's first month the year to date is the month itself: every part starts from zero.
                        yearToDate = rollup.NewYearToDate();
                        yearToDateParts = yearInputs.Count > 1 ? new(StringComparer.Ordinal) : new(parts.AggregateParts, StringComparer.Ordinal);
                    }

                    var missing = month.AggregateParts.Where(p => !yearToDateParts.Contains(p)).ToList();
                    if (missing.Count > 0)
                    {
                        await AggregatesWrittenAsync();
                        await aggregates.ReadYearToDateAsync(period.Previous, missing.Select(p => (p, build.Files[MartTables.AggRegionMonth.FileName(period.Previous, p)].InputFingerprint)), yearToDate, cancellationToken);
                        yearToDateParts.UnionWith(missing);
                    }
                }

                // The month's rolled-up totals (when parts of its agg_region_month are rewritten), from the cheapest
                // source that is sure to give what reading every staged file would; a cheaper source that turns out
                // unusable (null) falls back to reading every staged file.
                var (done, totals) = month.Work switch
                {
                    MonthWork.AggregateOnly => await aggregates.ReadMonthAsync(period, month.PreviousAggregate!, cancellationToken, monthTotals[slot] ??= rollup.NewTotals()) is { } read ? (true, read) : (false, null),
                    MonthWork.CopyForward => await copyForward.RunAsync(build, month, cancellationToken) is { } copied ? (true, copied.Totals) : (false, null),
                    _ => (false, (RegionRollup.Totals?)null),
                };
                if (!done)
                {
                    var inputs = month.Complete ? month.Month : await plan.CompleteAsync(period, closed, cancellationToken);
                    totals = null;
                    if (month.WritesAggregate)
                    {
                        totals = monthTotals[slot] ??= rollup.NewTotals();
                        totals.Clear();
                    }

                    await fullBuild.RunAsync(build, inputs, month.Keys, month.FactParts, totals, cancellationToken);
                    totals?.RollUp();
                }

                if (totals is not null && yearToDate is not null)
                {
                    if (!overlap)
                    {
                        // The previous month's parts are written from the year to date about to move.
                        await AggregatesWrittenAsync();
                    }

                    if (done)
                    {
                        // Read from previous files, the totals hold the rewritten parts' regions only: only theirs are added.
                        yearToDate.Accumulate(totals, month.AggregateParts);
                        yearToDateParts.IntersectWith(month.AggregateParts);
                    }
                    else
                    {
                        yearToDate.Accumulate(totals);
                    }

                    var written = yearToDate;
                    if (overlap)
                    {
                        written = yearToDateCopies[slot] ??= rollup.NewYearToDate();
                        written.CopyFrom(yearToDate);
                    }

                    writing[slot] = WriteAggregatesAsync(build, rollup, month, totals, written, cancellationToken);
                    if (!overlap)
                    {
                        await AggregatesWrittenAsync();
                    }
                }
            }

            await AggregatesWrittenAsync();
        }
        finally
        {
            // A build that failed still waits for the parts being written, so that nothing writes to marts after it returns.
            foreach (var left in writing)
            {
                if (left is not null)
                {
                    await left.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
            }
        }

        var result = await new ManifestPublisher(store, logger).PublishAsync(build, reference, plan.State, periods, manifestPeriods, rebuilt, unchanged, referenceRebuilt, cancellationToken);
        await ForgetListedChangesAsync(build, plan, cancellationToken);

        // A build leaves the large-object heap full of freed region-total and column arrays; an instance that
        // builds again (a timer on a running instance) would otherwise start the next build on a fragmented heap
        // under the instance's memory cap. The next full collection compacts it, once.
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        return result with { LedgerFullScan = plan.FullScan, LedgerChangesRead = plan.ChangesRead };
    }

    /// <summary>
    /// Tells the ledger's store that no build will list changes from before this one's listing, less
    /// <see cref="LedgerPlan.ChangesKeptFor"/>: the next build lists from this one's watermark, which is later. Housekeeping:
    /// a failure is logged, and the marts just published stand.
    /// </summary>
    private async Task ForgetListedChangesAsync(MartBuild build, LedgerPlan plan, CancellationToken cancellationToken)
    {
        if (plan.Since is not { } since)
        {
            return;
        }

        try
        {
            await ledger.ForgetChangesBeforeAsync(since - LedgerPlan.ChangesKeptFor, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Mart build {BuildId}: the ledger's store could not drop the changes before {Before}; it keeps them until the next build", build.Id, since - LedgerPlan.ChangesKeptFor);
        }
    }

    /// <summary>
    /// Writes a month's rewritten <c>agg_region_month</c> parts from its totals and the year to date, which nothing
    /// changes until this is done. The parts are independent: filled and encoded on every core.
    /// </summary>
    private async Task WriteAggregatesAsync(MartBuild build, RegionRollup rollup, MonthPlan month, RegionRollup.Totals monthTotals, RegionRollup.Totals yearToDate, CancellationToken cancellationToken)
    {
        await build.WriteAllAsync(month.AggregateParts.Count, async (i, ct) =>
        {
            var part = month.AggregateParts[i];
            var agg = await MartFileWriter.CreateAsync(MartTables.AggRegionMonth, part, ct);
            try
            {
                await rollup.WriteAsync(agg, month.Period, monthTotals, yearToDate, ct);
                return ([agg], month.Keys.Aggregate(part));
            }
            catch
            {
                await agg.DisposeAsync();
                throw;
            }
        }, month.Period, month.Keys.Periods, cancellationToken);

        logger.LogDebug("{Period}: {AggregateParts} agg_region_month parts written", month.Period, month.AggregateParts.Count);
    }
}
