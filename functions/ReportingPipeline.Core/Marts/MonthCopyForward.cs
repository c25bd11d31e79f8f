using Microsoft.Extensions.Logging;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Intake;
using ReportingPipeline.Core.Ports;

namespace ReportingPipeline.Core.Marts;

/// <summary>A month rebuilt from its previous files: its rolled-up totals when its agg_region_month is rewritten.</summary>
internal sealed record CopiedMonth(RegionRollup.Totals? Totals);

/// <summary><see cref="MonthWork.CopyForward"/>: a month in which few stations changed, rebuilt from its previous files.</summary>
internal sealed class MonthCopyForward(IBlobStore store, MartParts parts, RegionRollup rollup, StationShares shares, AggregateTotalsReader aggregates, ILogger logger)
{
    /// <summary>
    /// Rebuilds the changed parts of a month in which few stations changed (see <see cref="MonthCopy"/>) from their
    /// previous files: every fact row of an unchanged station of such a part is copied, the changed stations' rows
    /// are made from their new staged files by <see cref="FactFiles"/>, in the same station order as a full build;
    /// and the totals of the <c>agg_region_month</c> parts rewritten are their previous files' month columns, less
    /// the changed stations' previous shares (from their previous staged files), plus their new ones. Only the
    /// changed stations' JSON is parsed, and only the changed parts' files are read. Null whenever anything is in
    /// doubt (parts already written are then written again): the caller then reads every staged file.
    /// </summary>
    public async Task<CopiedMonth?> RunAsync(MartBuild build, MonthPlan monthPlan, CancellationToken cancellationToken)
    {
        var month = monthPlan.Month;
        var plan = monthPlan.Copy!;
        var withTotals = monthPlan.WritesAggregate;

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
                logger.LogWarning("{Period} {StationCode}: the ledger entry does not show the upload the previous build used; reading every staged file", month.Period, code);
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
            staged[i] = await StagedSubmission.ReadAsync(store, month.Period, reads[i].Code, reads[i].Sha256, ct));
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
                logger.LogWarning("{Period} {StationCode}: the previous accepted version has no staged submission; reading every staged file", month.Period, reads[i].Code);
                return null;
            }
        }

        var submissionsNow = plan.Changed.Keys.ToDictionary(
            code => code, code => now[code].SubmissionFrom(stagedNow.GetValueOrDefault(code), month.Period, code, logger), StringComparer.Ordinal);

        var factInputs = new MonthKeys(parts, [plan.Previous]);
        var expectedByPart = month.Expected.GroupBy(s => parts.OfStation(s.StationCode), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        RegionRollup.Totals? totals = null;
        try
        {
            foreach (var part in monthPlan.FactParts)
            {
                if (!await CopyPartAsync(build, monthPlan, part, factInputs.Fact(part), expectedByPart.GetValueOrDefault(part) ?? [], now, stagedNow, submissionsNow, cancellationToken))
                {
                    return null;
                }
            }

            logger.LogDebug("{Period}: {PartCount} fact parts copied forward", month.Period, monthPlan.FactParts.Count);
            if (withTotals)
            {
                totals = await aggregates.ReadMonthAsync(month.Period, plan.PreviousAggregate, cancellationToken);
                if (totals is null)
                {
                    return null;
                }

                logger.LogDebug("{Period}: previous agg_region_month totals read", month.Period);

                // Shares are added where they arise and rolled up like a whole month; rolling up is linear, so
                // the rolled-up difference corrects every level of the rolled-up previous totals.
                var change = rollup.NewTotals();
                foreach (var code in plan.Changed.Keys)
                {
                    shares.Add(change, code, submissionsBefore.GetValueOrDefault(code), before[code].OnTime, -1);
                    shares.Add(change, code, submissionsNow[code], now[code].OnTime, 1);
                }

                // Only the changed stations' towns, villages and their ancestors hold a difference: a full roll-up
                // and sum of the country's half a million regions for one station took 0.3 s nationally.
                var touched = change.RollUp(plan.Changed.Keys.SelectMany(shares.RegionsOf));
                totals.Accumulate(change, touched);
            }
        }
        catch (Exception e) when (PreviousFactFile.IsUnreadable(e))
        {
            logger.LogWarning(e, "{Period}: a previous file of the month is unreadable; reading every staged file", month.Period);
            return null;
        }

        logger.LogInformation("{Period}: {ChangedCount} of {ExpectedCount} stations changed; the month's other rows and totals were copied from its previous files", month.Period, plan.Changed.Count, month.Expected.Count);
        return new CopiedMonth(totals);
    }

    /// <summary>Copies one part's fact files forward: false, having written nothing of the part, when a previous file is missing, not the manifest's, or out of order.</summary>
    private async Task<bool> CopyPartAsync(
        MartBuild build,
        MonthPlan monthPlan,
        string part,
        string previousKey,
        IReadOnlyList<Reference.Station> stations,
        Dictionary<string, StationState> now,
        Dictionary<string, StagedSubmission?> stagedNow,
        Dictionary<string, Submission?> submissionsNow,
        CancellationToken cancellationToken)
    {
        var month = monthPlan.Month;
        var changed = monthPlan.Copy!.Changed;
        await using var facts = await FactFiles.CreateAsync(part, cancellationToken);
        var previousFiles = new List<PreviousFactFile>();
        try
        {
            foreach (var table in MartTables.Facts)
            {
                if (await PreviousFactFile.OpenAsync(store, table, month.Period, part, previousKey, cancellationToken) is not { } file)
                {
                    logger.LogWarning("{Period}: marts/{FileName} is missing, not the file the manifest describes, or not of the declared columns; reading every staged file", month.Period, table.FileName(month.Period, part));
                    return false;
                }

                previousFiles.Add(file);
            }

            // Each previous file with the new file its rows are copied into, paired once rather than per station.
            var copies = previousFiles.Select(f => (File: f, Target: facts[f.Table])).ToList();
            foreach (var station in stations)
            {
                var code = station.StationCode;
                if (changed.ContainsKey(code))
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
                    logger.LogWarning("{Period}: rows of {StationCode} in marts/{FileName} are not in the order of the expected stations; reading every staged file", month.Period, left, file.Table.FileName(month.Period, part));
                    return false;
                }
            }
        }
        finally
        {
            foreach (var file in previousFiles)
            {
                await file.DisposeAsync();
            }
        }

        await build.WriteAllAsync(facts.Files, month.Period, [month.Period], monthPlan.Keys.Fact(part), cancellationToken);
        return true;
    }
}
