using Microsoft.Extensions.Logging;
using ReportingPipeline.Core.Contract;

namespace ReportingPipeline.Core.Marts;

/// <summary>What a build does with one month, decided before any of it is done (<see cref="MonthPlan.DecideAsync"/>).</summary>
internal enum MonthWork
{
    /// <summary>Every part of its fact files and of its <c>agg_region_month</c> was built from the same inputs: kept as they are.</summary>
    Reuse,

    /// <summary>Its facts are current; only the year to date before it moved: the parts of its <c>agg_region_month</c> that moved are rewritten from their previous month columns (<see cref="AggregateTotalsReader"/>).</summary>
    AggregateOnly,

    /// <summary>A few stations changed: the other stations' rows and totals in their parts are copied from the previous files (<see cref="MonthCopyForward"/>).</summary>
    CopyForward,

    /// <summary>Every expected station's staged file is read (<see cref="MonthFullBuild"/>): its facts, its totals, or both.</summary>
    FullBuild,
}

/// <summary>
/// The keys a month's part files are built from (<see cref="MartFileWriter.InputsKey"/>, <see cref="ManifestFile.InputFingerprint"/>):
/// a fact part's from the reference, the parts' layout, the tables, the month and the part's own stations' inputs; a
/// city's <c>agg_region_month</c> part's from the same over every month of its year to date; a province part's from
/// every part's, since its rows sum them. A part whose key is the previous build's is kept as it is.
/// </summary>
/// <param name="YearToDate">The year's months up to this one, as recorded (this month last).</param>
internal sealed class MonthKeys(MartParts parts, IReadOnlyList<ManifestPeriod> yearToDate)
{
    public Period Period => yearToDate[^1].Period;

    public IReadOnlyList<Period> Periods => [.. yearToDate.Select(p => p.Period)];

    public string Fact(string part) => MartFingerprint.OfFacts(parts.Fingerprint, Period, $"{part}:{PartInputs(yearToDate[^1], part)}");

    public string Aggregate(string part) => parts.IsProvincePart(part)
        ? MartFingerprint.OfAggregate(parts.Fingerprint, yearToDate.Select(p => (p.Period, p.InputFingerprint)))
        : MartFingerprint.OfAggregate(parts.Fingerprint, yearToDate.Select(p => (p.Period, $"{part}:{PartInputs(p, part)}")));

    /// <summary>Whether two records of a month give a part the same month columns.</summary>
    public static bool SameMonth(MartParts parts, string part, ManifestPeriod a, ManifestPeriod b) =>
        parts.IsProvincePart(part) ? a.SameInputs(b) : a.Period == b.Period && a.Closed == b.Closed && PartInputs(a, part) == PartInputs(b, part);

    private static string PartInputs(ManifestPeriod month, string part) =>
        month.Parts?.GetValueOrDefault(part) ?? MartFingerprint.OfPeriod(month.Closed, []);
}

/// <summary>
/// One month's plan: which <see cref="MonthWork"/>, from which inputs, and which parts of its files are rewritten. The
/// cheaper kinds of work may still fall back to <see cref="MonthWork.FullBuild"/> when a previous file turns out
/// missing or damaged on reading; the plan itself is decided from the manifest and the ledger alone.
/// </summary>
/// <param name="Month">The month's inputs; with every ledger entry when <paramref name="Complete"/>.</param>
/// <param name="Complete">The entries of <paramref name="Month"/> were listed (not taken from the previous manifest): a full build can use them as they are.</param>
/// <param name="Keys">What each part is built from.</param>
/// <param name="FactParts">The parts of its fact files that are rewritten (in part order).</param>
/// <param name="AggregateParts">The parts of its <c>agg_region_month</c> that are rewritten (so their totals are needed).</param>
internal sealed record MonthPlan(MonthWork Work, MonthInputs Month, bool Complete, MonthKeys Keys, IReadOnlyList<string> FactParts, IReadOnlyList<string> AggregateParts)
{
    /// <summary>For <see cref="MonthWork.CopyForward"/>: which stations changed since the previous build.</summary>
    public MonthCopy? Copy { get; init; }

    /// <summary>For <see cref="MonthWork.AggregateOnly"/>: each rewritten part's previous file, whose month columns are the month's totals.</summary>
    public IReadOnlyDictionary<string, ManifestFile>? PreviousAggregate { get; init; }

    public Period Period => Month.Period;

    public bool WritesFacts => FactParts.Count > 0;

    public bool WritesAggregate => AggregateParts.Count > 0;

    /// <summary>
    /// Decides what to do with <paramref name="period"/>. Its inputs come from <paramref name="ledger"/> and are
    /// appended to <paramref name="yearInputs"/> (the year's months so far, which the year to date depends on).
    /// Part files found current are kept in <paramref name="build"/> as they are decided.
    /// </summary>
    public static async Task<MonthPlan> DecideAsync(
        MartBuild build,
        LedgerPlan ledger,
        string referenceFingerprint,
        MartParts parts,
        Period period,
        bool closed,
        List<ManifestPeriod> yearInputs,
        double maxChangedShare,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        var (month, complete) = await ledger.MonthAsync(period, closed, maxChangedShare, cancellationToken);
        yearInputs.Add(month.Manifest);
        var (keys, factParts, aggParts) = Check();
        if (!complete && month.Inputs is null && factParts.Count > 0)
        {
            // An unchanged month whose fact files are missing or stale after all: it needs its entries.
            month = await ledger.CompleteAsync(period, closed, cancellationToken);
            complete = true;
            yearInputs[^1] = month.Manifest;
            (keys, factParts, aggParts) = Check();
        }

        var plan = new MonthPlan(MonthWork.FullBuild, month, complete, keys, factParts, aggParts);
        if (factParts.Count == 0 && aggParts.Count == 0)
        {
            return plan with { Work = MonthWork.Reuse };
        }

        if (factParts.Count == 0)
        {
            if (MonthCopy.PreviousAggregates(build, referenceFingerprint, parts, aggParts, month.Manifest) is not { } previous)
            {
                logger.LogInformation("{Period}: a previous agg_region_month part is not of the month's inputs; reading the staged files", period);
                return plan;
            }

            return plan with { Work = MonthWork.AggregateOnly, PreviousAggregate = previous };
        }

        var previousInputs = month.Previous
            ?? (build.Previous is { } manifest && build.Existing.Contains(ManifestMonthInputs.BlobNameFor(period))
                ? await manifest.ReadInputsAsync(build.Store, period, logger, cancellationToken)
                : null);
        if (MonthCopy.Plan(build, referenceFingerprint, parts, month, previousInputs, factParts, aggParts, maxChangedShare, out var reason) is not { } copy)
        {
            logger.LogInformation("{Period}: reading every staged file ({Reason})", period, reason);
            return plan;
        }

        return plan with { Work = MonthWork.CopyForward, Copy = copy };

        (MonthKeys Keys, IReadOnlyList<string> Facts, IReadOnlyList<string> Aggregate) Check()
        {
            var keys = new MonthKeys(parts, [.. yearInputs]);
            var facts = parts.FactParts.Where(part => !MartTables.Facts.All(t => build.Reuse(t.FileName(period, part), keys.Fact(part)))).ToList();
            var aggregate = parts.AggregateParts.Where(part => !build.Reuse(MartTables.AggRegionMonth.FileName(period, part), keys.Aggregate(part))).ToList();
            return (keys, facts, aggregate);
        }
    }
}
