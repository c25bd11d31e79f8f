using Microsoft.Extensions.Logging;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Core.Reference;

namespace ReportingPipeline.Core.Marts;

/// <summary>
/// What a build knows of the ledger: the months to cover, and each month's inputs. It first lists which
/// entries changed, keys and write times only: all of them on a <b>full scan</b> (the first build, a new
/// reference or table layout, or a day after the last full scan), otherwise those written since the previous
/// manifest's <see cref="MartManifest.LedgerWatermark"/> (less <see cref="Overlap"/>, for writes that were in
/// flight or stamped by a slightly slower clock). A month with a change (every month, on a full scan) is then
/// listed in full when the build reaches it, and let go after; every other month's inputs come from the
/// previous manifest. A month in which few stations changed is not listed either: its inputs are the previous
/// build's <see cref="ManifestMonthInputs"/> with the changed stations' entries read one by one (side by side), so a
/// resubmission costs the entries that changed, not its month's listing (37,000 entries in a national month). A
/// change listed again within the overlap that the previous build accounted for (the same entry written at the same
/// time, <see cref="LedgerRecentChanges"/>) is not read again.
/// No build holds more than one month of entries.
/// </summary>
internal sealed class LedgerPlan
{
    /// <summary>How far before the watermark changes are read again. Re-reading a change is harmless: it yields the same inputs.</summary>
    public static readonly TimeSpan Overlap = TimeSpan.FromMinutes(10);

    /// <summary>How long a build trusts the change listing before reading the whole ledger again.</summary>
    public static readonly TimeSpan FullScanEvery = TimeSpan.FromHours(24);

    /// <summary>
    /// How long before the previous build's watermark a write must be for a change listed again with the very same
    /// time to count as that write: a file's write time moves in steps of a few milliseconds, so two writes of one
    /// entry just around a build's listing could carry the same time; a second before the latest write the build
    /// saw, they cannot.
    /// </summary>
    public static readonly TimeSpan SameWriteMargin = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long the ledger's store keeps the changes before a build's listing (<see cref="ISubmissionLedger.ForgetChangesBeforeAsync"/>):
    /// a day longer than any later build asks for, so that marts restored from a recent copy still list changes, not the ledger.
    /// </summary>
    public static readonly TimeSpan ChangesKeptFor = TimeSpan.FromDays(1);

    /// <summary>How many changed stations' entries a month's inputs read at once (each one call to the ledger's store).</summary>
    internal const int EntryReadsAtOnce = 16;

    private readonly ISubmissionLedger _ledger;
    private readonly IBlobStore _store;
    private readonly MartParts _parts;
    private readonly ILogger _logger;
    private readonly Dictionary<Period, ManifestPeriod> _unchanged;
    private readonly Dictionary<Period, (ManifestPeriod Before, HashSet<string> Stations)> _changed;

    // The reference's stations grouped by part once: a month's expected stations are those of them open in it (a
    // stable grouping of the open ones is the open ones of the stable grouping). Grouping every month anew sorted
    // 38,000 stations by part twelve times in a national build.
    private readonly IReadOnlyList<Station> _stationsByPart;

    private LedgerPlan(ISubmissionLedger ledger, IBlobStore store, ReferenceData reference, MartParts parts, ILogger logger, Dictionary<Period, ManifestPeriod> unchanged, Dictionary<Period, (ManifestPeriod, HashSet<string>)> changed)
    {
        _ledger = ledger;
        _store = store;
        _parts = parts;
        _stationsByPart = parts.Order(reference.Stations);
        _logger = logger;
        _unchanged = unchanged;
        _changed = changed;
    }

    /// <summary>The months covered, first to last; see <see cref="CreateAsync"/>.</summary>
    public IReadOnlyList<Period> Periods { get; private init; } = [];

    /// <summary>True when the whole ledger was read.</summary>
    public bool FullScan { get; private init; }

    /// <summary>From when the changes were listed (the previous watermark less <see cref="Overlap"/>); null on a full scan.</summary>
    public DateTimeOffset? Since { get; private init; }

    /// <summary>The ledger changes listed (every entry's key, on a full scan).</summary>
    public int ChangesRead { get; private init; }

    /// <summary>Of <see cref="ChangesRead"/>, those the previous build had accounted for (listed again within the overlap).</summary>
    public int ChangesSeenBefore { get; private init; }

    /// <summary>What the next build's manifest records of the ledger.</summary>
    public required LedgerState State { get; init; }

    /// <summary>
    /// Lists the ledger's changes (every entry, or those since the previous manifest) and plans the months: from
    /// the first month with a ledger entry (not before the first station opened, nor before the programme
    /// started) to the later of the last closed month and the last month with a ledger entry, never past the
    /// current month. Before any upload only the last closed month is built: who has not reported is news;
    /// years of empty months before the pipeline existed are not.
    /// </summary>
    public static async Task<LedgerPlan> CreateAsync(
        ISubmissionLedger ledger, IBlobStore store, ReferenceData reference, MartParts parts, MartManifest? previous, DateTimeOffset now, DeadlinePolicy deadline, ILogger logger, CancellationToken cancellationToken)
    {
        var current = Period.Of(DateOnly.FromDateTime(now.ToOffset(deadline.UtcOffset).DateTime));
        var incremental = previous is { LedgerWatermark: not null, LedgerPeriods: not null, LedgerScannedAt: { } scannedAt }
            && previous.ReferenceFingerprint == reference.Fingerprint
            && previous.TablesFingerprint == MartFingerprint.Tables
            && now >= scannedAt && now - scannedAt < FullScanEvery;
        var since = incremental ? previous!.LedgerWatermark - Overlap : null;
        var watermark = incremental ? previous!.LedgerWatermark : null;
        var seen = incremental ? await LedgerRecentChanges.ReadAsync(store, previous!, logger, cancellationToken) : null;
        var ledgerPeriods = incremental ? new SortedSet<Period>(previous!.LedgerPeriods!) : [];
        var changedMonths = new Dictionary<Period, HashSet<string>>();
        var recent = new List<LedgerChange>();
        int read = 0, seenBefore = 0;
        await foreach (var change in ledger.ListChangesAsync(since, cancellationToken))
        {
            read++;
            watermark = watermark is { } w && w > change.ChangedAt ? w : change.ChangedAt;
            if (change.ChangedAt >= watermark - Overlap)
            {
                recent.Add(change); // those within the overlap of the final watermark are kept for the next build
            }

            if (seen is not null && seen.Saw(change, previous!.LedgerWatermark!.Value))
            {
                seenBefore++;
                continue;
            }

            if (change.Period < Period.ProgrammeStart)
            {
                continue;
            }

            if (reference.FindStation(change.StationCode) is not null)
            {
                ledgerPeriods.Add(change.Period);
            }

            if (!changedMonths.TryGetValue(change.Period, out var stations))
            {
                changedMonths[change.Period] = stations = new HashSet<string>(StringComparer.Ordinal);
            }

            stations.Add(change.StationCode);
        }

        var periods = Cover(reference, ledgerPeriods, current, now, deadline);

        // A month keeps its previous inputs only when nothing in it changed and it has not closed since; one in
        // which some stations changed (and that has not closed since) starts from its previous inputs.
        var unchanged = new Dictionary<Period, ManifestPeriod>();
        var changed = new Dictionary<Period, (ManifestPeriod, HashSet<string>)>();
        if (incremental)
        {
            foreach (var before in previous!.Periods)
            {
                if (before.Closed != deadline.IsClosed(before.Period, now))
                {
                    continue;
                }

                if (changedMonths.TryGetValue(before.Period, out var stations))
                {
                    changed[before.Period] = (before, stations);
                }
                else
                {
                    unchanged[before.Period] = before;
                }
            }
        }

        return new LedgerPlan(ledger, store, reference, parts, logger, unchanged, changed)
        {
            Periods = periods,
            FullScan = !incremental,
            Since = since,
            ChangesRead = read,
            ChangesSeenBefore = seenBefore,
            State = new LedgerState(watermark, [.. ledgerPeriods], incremental ? previous!.LedgerScannedAt!.Value : now)
            {
                Recent = watermark is { } last ? [.. recent.Where(c => c.ChangedAt >= last - Overlap)] : [],
            },
        };
    }

    /// <summary>
    /// A month's inputs. Complete is false when they come from the previous manifest: the fingerprint is exact,
    /// and <see cref="MonthInputs.Entries"/> is empty when the month has not changed, or holds only the changed
    /// stations' entries when at most <paramref name="maxChangedShare"/> of its expected stations changed (its
    /// <see cref="MonthInputs.Inputs"/> are then the previous build's with those stations' read anew);
    /// <see cref="CompleteAsync"/> lists it when the month must be built from every entry after all. Otherwise
    /// the month is listed now.
    /// </summary>
    public async Task<(MonthInputs Month, bool Complete)> MonthAsync(Period period, bool closed, double maxChangedShare, CancellationToken cancellationToken)
    {
        if (_unchanged.TryGetValue(period, out var unchanged))
        {
            return (new MonthInputs(period, closed, Expected(period), new Dictionary<string, LedgerEntry>(StringComparer.Ordinal), unchanged, null), false);
        }

        return await FromPreviousAsync(period, closed, maxChangedShare, cancellationToken) is { } month
            ? (month, false)
            : (await CompleteAsync(period, closed, cancellationToken), true);
    }

    /// <summary>The month with every ledger entry, listed now.</summary>
    public async Task<MonthInputs> CompleteAsync(Period period, bool closed, CancellationToken cancellationToken) =>
        Load(period, closed, await _ledger.ListAsync(period, cancellationToken).ToListAsync(cancellationToken));

    /// <summary>
    /// A changed month's inputs from the previous build's <see cref="ManifestMonthInputs"/> file (checked against its
    /// manifest by <see cref="ManifestMonthInputs.ReadAsync"/>), with the entries of the stations the change listing
    /// named read one by one: the same inputs a listing of the month gives, since every entry written after the
    /// previous build listed it is in the change listing. Null (the month is listed) when too many stations changed
    /// for that to be cheaper, or the file is missing or not the manifest's.
    /// </summary>
    private async Task<MonthInputs?> FromPreviousAsync(Period period, bool closed, double maxChangedShare, CancellationToken cancellationToken)
    {
        if (!_changed.TryGetValue(period, out var change))
        {
            return null;
        }

        var expected = Expected(period);
        if (change.Stations.Count > maxChangedShare * expected.Count
            || await ManifestMonthInputs.ReadAsync(_store, change.Before, _logger, cancellationToken) is not { } before)
        {
            return null;
        }

        // One call each, side by side: after a burst, thousands of entries, each a round trip to the table service.
        var entries = new System.Collections.Concurrent.ConcurrentDictionary<string, LedgerEntry>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(change.Stations, new ParallelOptions { MaxDegreeOfParallelism = EntryReadsAtOnce, CancellationToken = cancellationToken }, async (code, ct) =>
        {
            if (await _ledger.GetAsync(period, code, ct) is { } entry)
            {
                entries[code] = entry.Entry;
            }
        });

        var previous = before.Inputs.ToDictionary(i => i.StationCode, StringComparer.Ordinal);
        var inputs = new List<ManifestInput>(previous.Count + entries.Count);
        foreach (var station in expected)
        {
            if (!change.Stations.Contains(station.StationCode))
            {
                if (previous.TryGetValue(station.StationCode, out var input))
                {
                    inputs.Add(input);
                }
            }
            else if (entries.TryGetValue(station.StationCode, out var entry) && InputOf(entry, closed) is { } input)
            {
                inputs.Add(input);
            }
        }

        var month = new ManifestMonthInputs(period, closed, inputs);
        return new MonthInputs(period, closed, expected, entries, Recorded(month), month) { Previous = before };
    }

    private MonthInputs Load(Period period, bool closed, List<LedgerEntry> listed)
    {
        var entries = new Dictionary<string, LedgerEntry>(StringComparer.Ordinal);
        foreach (var entry in listed)
        {
            entries[entry.StationCode] = entry;
        }

        var expected = Expected(period);
        var inputs = new List<ManifestInput>();
        foreach (var station in expected)
        {
            if (entries.TryGetValue(station.StationCode, out var entry) && InputOf(entry, closed) is { } input)
            {
                inputs.Add(input);
            }
        }

        var ignored = entries.Keys.Except(expected.Select(s => s.StationCode)).Count();
        if (ignored > 0)
        {
            _logger.LogWarning("{Period}: {IgnoredCount} ledger entries are for stations not open that month; the marts leave them out", period, ignored);
        }

        var month = new ManifestMonthInputs(period, closed, inputs);
        return new MonthInputs(period, closed, expected, entries, Recorded(month), month);
    }

    /// <summary>The stations expected to report in a month, grouped by the part their rows are in (<see cref="MartParts.Order"/>): the order of every fact file.</summary>
    private IReadOnlyList<Station> Expected(Period period) => [.. _stationsByPart.Where(s => s.IsOpenIn(period))];

    /// <summary>What the manifest records of a month's inputs: their fingerprint, whole and per part.</summary>
    private ManifestPeriod Recorded(ManifestMonthInputs month) =>
        new(month.Period, month.Closed, month.Fingerprint, _parts.FingerprintsOf(month.Closed, month.Inputs));

    /// <summary>An expected station's input: its source upload (the current accepted version, or the latest rejected upload); null without uploads.</summary>
    private static ManifestInput? InputOf(LedgerEntry entry, bool closed) =>
        entry.Uploads.Count > 0 && StationState.Of(entry, closed).Source is { } source
            ? new ManifestInput(entry.StationCode, entry.Current?.Version ?? 0, source.Sha256, entry.Uploads.Count)
            : null;

    private static IReadOnlyList<Period> Cover(ReferenceData reference, SortedSet<Period> ledgerPeriods, Period current, DateTimeOffset now, DeadlinePolicy deadline)
    {
        if (reference.Stations.Count == 0)
        {
            return [];
        }

        var inRange = current >= Period.ProgrammeStart ? ledgerPeriods.GetViewBetween(Period.ProgrammeStart, current) : [];
        Period? firstEntry = inRange.Count > 0 ? inRange.Min : null;
        Period? lastEntry = inRange.Count > 0 ? inRange.Max : null;
        var firstOpening = Period.Of(reference.Stations.Min(s => s.OpenedOn));
        var lastClosed = current;
        while (!deadline.IsClosed(lastClosed, now))
        {
            lastClosed = lastClosed.Previous;
        }

        var first = Max(Max(firstEntry ?? lastClosed, firstOpening), Period.ProgrammeStart);
        var last = Min(Max(lastClosed, lastEntry ?? lastClosed), current);
        return first <= last ? [.. Period.Range(first, last)] : [];
    }

    private static Period Max(Period a, Period b) => a > b ? a : b;

    private static Period Min(Period a, Period b) => a < b ? a : b;
}

/// <summary>What the manifest records of the ledger for the next build's change listing.</summary>
/// <param name="Watermark">The latest write time (the ledger store's clock) of an entry accounted for; null before any entry.</param>
/// <param name="Periods">Months with an entry of a station in the reference, from the programme's start (future months included).</param>
/// <param name="ScannedAt">When (the build's clock) the whole ledger was last read.</param>
internal sealed record LedgerState(DateTimeOffset? Watermark, IReadOnlyList<Period> Periods, DateTimeOffset ScannedAt)
{
    /// <summary>The changes listed that were written within <see cref="LedgerPlan.Overlap"/> of <see cref="Watermark"/>: the next build lists them again (<see cref="LedgerRecentChanges"/>).</summary>
    public IReadOnlyList<LedgerChange> Recent { get; init; } = [];
}
