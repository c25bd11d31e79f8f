using Parquet;
using Parquet.Schema;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Ports;

namespace ReportingPipeline.Core.Marts;

/// <summary>
/// Whether a month whose inputs changed can be rebuilt from its previous files instead of from every
/// station's staged JSON, and which stations changed. Parsing staged JSON is what a month costs; when one
/// station resubmits, reading the previous Parquet files and parsing that one station's JSON (its new and
/// its previous version) costs a small fraction of it. Every condition here is one under which the previous
/// files are exactly what a full build from the previous manifest's inputs would have written, so that
/// copying them forward and replacing the changed stations gives what a full build from the new inputs gives.
/// </summary>
internal sealed class MonthCopy
{
    /// <summary>
    /// Above this share of the expected stations changed the month takes the full path: the saving shrinks
    /// as more stations are re-read (each changed station is parsed twice, old and new), and the full path is
    /// the one every other build exercises.
    /// </summary>
    public const double DefaultMaxChangedShare = 0.10;

    private MonthCopy(ManifestPeriod previous, IReadOnlyDictionary<string, ManifestInput?> changed, IReadOnlyDictionary<string, ManifestFile> previousAggregate)
    {
        Previous = previous;
        Changed = changed;
        PreviousAggregate = previousAggregate;
    }

    /// <summary>The month as the previous manifest recorded it.</summary>
    public ManifestPeriod Previous { get; }

    /// <summary>The stations whose input differs from the previous manifest's, with that previous input (null when they had none: no upload).</summary>
    public IReadOnlyDictionary<string, ManifestInput?> Changed { get; }

    /// <summary>The previous file of each rewritten <c>agg_region_month</c> part, whose month columns are of the previous manifest's inputs.</summary>
    public IReadOnlyDictionary<string, ManifestFile> PreviousAggregate { get; }

    /// <summary>
    /// A plan to copy the month's rewritten parts forward, or null (with the reason) when the previous build's files
    /// of those parts cannot be trusted to be what its manifest says, or too many stations changed.
    /// </summary>
    /// <param name="previousInputs">The month's inputs as the previous manifest recorded them, checked against it by <see cref="MartManifest.ReadInputsAsync"/>; null when they could not be read or are not the manifest's.</param>
    /// <param name="factParts">The fact parts to rewrite: their previous files must be usable.</param>
    /// <param name="aggregateParts">The <c>agg_region_month</c> parts to rewrite: their previous files must be usable as well.</param>
    /// <param name="maxChangedShare">The share of the expected stations that may have changed (<see cref="DefaultMaxChangedShare"/>).</param>
    public static MonthCopy? Plan(MartBuild build, string referenceFingerprint, MartParts parts, MonthInputs month, ManifestMonthInputs? previousInputs, IReadOnlyList<string> factParts, IReadOnlyList<string> aggregateParts, double maxChangedShare, out string reason)
    {
        var manifest = build.Previous;
        if (manifest is null)
        {
            reason = "no previous manifest";
            return null;
        }

        if (manifest.ReferenceFingerprint != referenceFingerprint || manifest.TablesFingerprint != MartFingerprint.Tables)
        {
            reason = "the reference or the table declarations changed";
            return null;
        }

        var previous = manifest.FindPeriod(month.Period);
        if (previous is null || previous.Closed != month.Closed)
        {
            reason = previous is null ? "the previous build did not cover the month" : "the month closed since";
            return null;
        }

        // ManifestMonthInputs.ReadAsync returns a month's file only when it is the one this manifest recorded (month,
        // closed, fingerprint): checking it again here would hash every station's input a second time.
        if (previousInputs is null || month.Inputs is null)
        {
            reason = $"{ManifestMonthInputs.BlobNameFor(month.Period)} is missing or not the previous manifest's";
            return null;
        }

        var keys = new MonthKeys(parts, [previous]);
        foreach (var part in factParts)
        {
            foreach (var table in MartTables.Facts)
            {
                var name = table.FileName(month.Period, part);
                if (manifest.FindFile(name) is not { } file || file.InputFingerprint != keys.Fact(part) || !build.Existing.Contains(name))
                {
                    reason = $"{name} is missing or was not built from the previous manifest's inputs";
                    return null;
                }
            }
        }

        if (PreviousAggregates(build, referenceFingerprint, parts, aggregateParts, previous) is not { } previousAggregate)
        {
            reason = $"an {MartTables.AggRegionMonth.Name} part of {month.Period} is missing or was not built from the previous manifest's inputs";
            return null;
        }

        var before = new Dictionary<string, ManifestInput>(StringComparer.Ordinal);
        foreach (var input in previousInputs.Inputs)
        {
            if (!before.TryAdd(input.StationCode, input))
            {
                reason = $"the previous manifest lists {input.StationCode} twice";
                return null;
            }
        }

        var changed = new Dictionary<string, ManifestInput?>(StringComparer.Ordinal);
        var now = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in month.Inputs.Inputs)
        {
            now.Add(input.StationCode);
            var old = before.GetValueOrDefault(input.StationCode);
            if (old != input)
            {
                changed[input.StationCode] = old;
            }
        }

        foreach (var old in previousInputs.Inputs.Where(i => !now.Contains(i.StationCode)))
        {
            changed[old.StationCode] = old;
        }

        var expected = month.Expected.Select(s => s.StationCode).ToHashSet(StringComparer.Ordinal);
        if (changed.Count == 0 || changed.Keys.Any(code => !expected.Contains(code)))
        {
            reason = changed.Count == 0 ? "no station changed" : "a changed station is not expected in the month";
            return null;
        }

        // A changed station's rows and totals are in its part: that part must be one being rewritten.
        if (changed.Keys.Select(parts.OfStation).FirstOrDefault(part => !factParts.Contains(part) || !aggregateParts.Contains(part)) is { } kept)
        {
            reason = $"part {kept} has a changed station but was not to be rewritten";
            return null;
        }

        if (changed.Count > maxChangedShare * month.Expected.Count)
        {
            reason = $"{changed.Count} of {month.Expected.Count} stations changed";
            return null;
        }

        reason = string.Empty;
        return new MonthCopy(previous, changed, previousAggregate);
    }

    /// <summary>
    /// The previous build's file of each of <paramref name="aggregateParts"/> of <paramref name="month"/>'s
    /// <c>agg_region_month</c>, when every one exists and was built (with the same reference and tables) from the
    /// manifest's own inputs, and its month columns are of <paramref name="month"/>'s inputs for that part (whatever
    /// the year to date was); else null.
    /// </summary>
    public static IReadOnlyDictionary<string, ManifestFile>? PreviousAggregates(MartBuild build, string referenceFingerprint, MartParts parts, IReadOnlyList<string> aggregateParts, ManifestPeriod month)
    {
        var manifest = build.Previous;
        if (manifest is null || manifest.ReferenceFingerprint != referenceFingerprint || manifest.TablesFingerprint != MartFingerprint.Tables)
        {
            return null;
        }

        var files = new Dictionary<string, ManifestFile>(StringComparer.Ordinal);
        foreach (var part in aggregateParts)
        {
            var name = MartTables.AggRegionMonth.FileName(month.Period, part);
            if (manifest.FindFile(name) is not { InputPeriods.Count: > 0 } file || file.InputPeriods[^1] != month.Period || !build.Existing.Contains(name))
            {
                return null;
            }

            // Every file of a manifest was built from (or kept for) that manifest's inputs: recomputing the
            // file's key from them checks that its month columns are of the month's recorded inputs.
            var recorded = new List<ManifestPeriod>(file.InputPeriods.Count);
            foreach (var inputPeriod in file.InputPeriods)
            {
                if (manifest.FindPeriod(inputPeriod) is not { } period)
                {
                    return null;
                }

                recorded.Add(period);
            }

            if (!MonthKeys.SameMonth(parts, part, recorded[^1], month) || new MonthKeys(parts, recorded).Aggregate(part) != file.InputFingerprint)
            {
                return null;
            }

            files[part] = file;
        }

        return files;
    }

    /// <summary>
    /// A changed station's state as the previous build saw it, re-derived from today's ledger entry: uploads
    /// are only ever appended, so the previous build saw the first <see cref="ManifestInput.Uploads"/> of them
    /// with <see cref="ManifestInput.Version"/> current. Null when the entry does not bear that out (the
    /// upload recorded then is not there), so that nothing is subtracted on a guess.
    /// </summary>
    public static StationState? PreviousState(LedgerEntry? entry, ManifestInput before, bool closed)
    {
        if (entry is null || before.Uploads > entry.Uploads.Count)
        {
            return null;
        }

        var then = entry with { CurrentVersion = before.Version, Uploads = [.. entry.Uploads.Take(before.Uploads)] };
        var state = StationState.Of(then, closed);
        return state.Source?.Sha256 == before.Sha256 && (state.Current?.Version ?? 0) == before.Version ? state : null;
    }
}
