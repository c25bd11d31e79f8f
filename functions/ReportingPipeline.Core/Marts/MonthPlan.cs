using Microsoft.Extensions.Logging;
using ReportingPipeline.Core.Contract;

namespace ReportingPipeline.Core.Marts;

/// <summary>What a build does with one month, decided before any of it is done (<see cref="MonthPlan.DecideAsync"/>).</summary>
internal enum MonthWork
{
    /// <summary>Its fact files and its <c>agg_region_month</c> were built from the same inputs: kept as they are.</summary>
    Reuse,

    /// <summary>Its facts are current; only the year to date before it moved: its <c>agg_region_month</c> is rewritten from its previous month columns (<see cref="AggregateTotalsReader"/>).</summary>
    AggregateOnly,

    /// <summary>A few stations changed: the other stations' rows and totals are copied from its previous files (<see cref="MonthCopyForward"/>).</summary>
    CopyForward,

    /// <summary>Every expected station's staged file is read (<see cref="MonthFullBuild"/>): its facts, its totals, or both.</summary>
    FullBuild,
}

/// <summary>
/// One month's plan: which <see cref="MonthWork"/>, from which inputs, and which of its files are rewritten. The
/// cheaper kinds of work may still fall back to <see cref="MonthWork.FullBuild"/> when a previous file turns out
/// missing or damaged on reading; the plan itself is decided from the manifest and the ledger alone.
/// </summary>
/// <param name="Month">The month's inputs; with every ledger entry when <paramref name="Complete"/>.</param>
/// <param name="Complete">The entries of <paramref name="Month"/> were listed (not taken from the previous manifest): a full build can use them as they are.</param>
/// <param name="FactInputs">The fingerprint its fact files are built from.</param>
/// <param name="AggregateInputs">The fingerprint its <c>agg_region_month</c> is built from (the year's months up to it).</param>
/// <param name="WritesFacts">Its fact files are rewritten.</param>
/// <param name="WritesAggregate">Its <c>agg_region_month</c> is rewritten (so its totals are needed).</param>
internal sealed record MonthPlan(MonthWork Work, MonthInputs Month, bool Complete, string FactInputs, string AggregateInputs, bool WritesFacts, bool WritesAggregate)
{
    /// <summary>For <see cref="MonthWork.CopyForward"/>: which stations changed since the previous build.</summary>
    public MonthCopy? Copy { get; init; }

    /// <summary>For <see cref="MonthWork.AggregateOnly"/>: the previous <c>agg_region_month</c> whose month columns are the month's totals.</summary>
    public ManifestFile? PreviousAggregate { get; init; }

    public Period Period => Month.Period;

    /// <summary>
    /// Decides what to do with <paramref name="period"/>. Its inputs come from <paramref name="ledger"/> and are
    /// appended to <paramref name="yearInputs"/> (the year's months so far, which the year to date depends on).
    /// Files found current are kept in <paramref name="build"/> as they are decided.
    /// </summary>
    public static async Task<MonthPlan> DecideAsync(
        MartBuild build,
        LedgerPlan ledger,
        string referenceFingerprint,
        Period period,
        bool closed,
        List<(Period Period, string Fingerprint)> yearInputs,
        double maxChangedShare,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        var (month, complete) = await ledger.MonthAsync(period, closed, maxChangedShare, cancellationToken);
        yearInputs.Add((period, month.Manifest.InputFingerprint));
        var (factInputs, aggInputs, factsCurrent, aggCurrent) = Check(month);
        if (!complete && month.Inputs is null && !factsCurrent)
        {
            // An unchanged month whose fact files are missing or stale after all: it needs its entries.
            month = await ledger.CompleteAsync(period, closed, cancellationToken);
            complete = true;
            yearInputs[^1] = (period, month.Manifest.InputFingerprint);
            (factInputs, aggInputs, factsCurrent, aggCurrent) = Check(month);
        }

        var plan = new MonthPlan(MonthWork.FullBuild, month, complete, factInputs, aggInputs, !factsCurrent, !aggCurrent);
        if (factsCurrent && aggCurrent)
        {
            return plan with { Work = MonthWork.Reuse };
        }

        if (factsCurrent)
        {
            if (MonthCopy.PreviousAggregate(build.Previous, build.Existing, referenceFingerprint, period, month.Manifest.InputFingerprint) is not { } previous)
            {
                logger.LogInformation("{Period}: the previous agg_region_month is not of the month's inputs; reading the staged files", period);
                return plan;
            }

            return plan with { Work = MonthWork.AggregateOnly, PreviousAggregate = previous };
        }

        var previousInputs = month.Previous
            ?? (build.Previous is { } manifest && build.Existing.Contains(ManifestMonthInputs.BlobNameFor(period))
                ? await manifest.ReadInputsAsync(build.Store, period, logger, cancellationToken)
                : null);
        if (MonthCopy.Plan(build.Previous, build.Existing, referenceFingerprint, month, previousInputs, withAggregate: !aggCurrent, maxChangedShare, out var reason) is not { } copy)
        {
            logger.LogInformation("{Period}: reading every staged file ({Reason})", period, reason);
            return plan;
        }

        return plan with { Work = MonthWork.CopyForward, Copy = copy };

        (string Facts, string Agg, bool FactsCurrent, bool AggCurrent) Check(MonthInputs month)
        {
            var facts = MartFingerprint.OfFacts(referenceFingerprint, month.Period, month.Manifest.InputFingerprint);
            var agg = MartFingerprint.OfAggregate(referenceFingerprint, yearInputs);
            return (facts, agg,
                MartTables.Facts.All(t => build.Reuse(t.FileName(month.Period), facts)),
                build.Reuse(MartTables.AggRegionMonth.FileName(month.Period), agg));
        }
    }
}
