using Microsoft.Extensions.Logging;
using ReportingPipeline.Core.Intake;
using ReportingPipeline.Core.Ports;

namespace ReportingPipeline.Core.Marts;

/// <summary>
/// <see cref="MonthWork.FullBuild"/>: streams one month, station by station. Each expected station's staged
/// submission is read, its rows appended to its part's fact files (when that part is rewritten) and its figures
/// added to the month's totals (when its <c>agg_region_month</c> is), then dropped. The stations come grouped by
/// part (<see cref="MartParts.Order"/>); the parts are built side by side, one per core, since neither their files
/// nor the totals' rows they add to are shared (a station adds to its own town's and villages' rows only).
/// </summary>
internal sealed class MonthFullBuild(IBlobStore store, MartParts parts, StationShares shares, ILogger logger)
{
    /// <summary>Stations whose staged files are read ahead at once: enough to keep every core busy, few enough to bound memory.</summary>
    private const int StagedBatch = 256;

    /// <summary>Writes the fact files of <paramref name="factParts"/> (none when empty); adds into <paramref name="totals"/> (left unrolled) when given.</summary>
    public async Task RunAsync(MartBuild build, MonthInputs month, MonthKeys keys, IReadOnlyList<string> factParts, RegionRollup.Totals? totals, CancellationToken cancellationToken)
    {
        // Each part's run of expected stations; a rewritten part none of whose stations is expected is written
        // empty, so that every month has every part.
        var runs = new SortedDictionary<string, (int Start, int Count)>(StringComparer.Ordinal);
        for (var i = 0; i < month.Expected.Count; i++)
        {
            var part = parts.OfStation(month.Expected[i].StationCode);
            if (runs.TryGetValue(part, out var run))
            {
                if (run.Start + run.Count != i)
                {
                    throw new InvalidOperationException($"{month.Period}: the expected stations are not grouped by part ({part} comes back after another part).");
                }

                runs[part] = (run.Start, run.Count + 1);
            }
            else
            {
                runs[part] = (i, 1);
            }
        }

        foreach (var part in factParts)
        {
            runs.TryAdd(part, (0, 0));
        }

        var rewritten = factParts.ToHashSet(StringComparer.Ordinal);
        var work = runs.ToList();

        // The parts side by side, stored in part order (a national month has about sixty parts).
        await build.WriteAllAsync(work.Count, async (w, ct) =>
        {
            var (part, (start, count)) = work[w];
            var files = rewritten.Contains(part) ? await FactFiles.CreateAsync(part, ct) : null;
            try
            {
                await AppendAsync(month, start, count, files, totals, ct);
                return (files?.Files ?? [], keys.Fact(part));
            }
            catch
            {
                if (files is not null)
                {
                    await files.DisposeAsync();
                }

                throw;
            }
        }, month.Period, [month.Period], cancellationToken);
    }

    /// <summary>Appends the expected stations <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> (one part's), reading the next batch's staged files while this one is added up.</summary>
    private async Task AppendAsync(MonthInputs month, int start, int count, FactFiles? files, RegionRollup.Totals? totals, CancellationToken cancellationToken)
    {
        var end = start + count;
        Task<StagedSubmission?[]>? next = count > 0 ? ReadBatchAsync(month, start, end, cancellationToken) : null;
        for (var from = start; from < end; from += StagedBatch)
        {
            var batch = await next!;
            next = from + StagedBatch < end ? ReadBatchAsync(month, from + StagedBatch, end, cancellationToken) : null;
            for (var b = 0; b < batch.Length; b++)
            {
                var station = month.Expected[from + b];
                var state = StationState.Of(month.Entries.GetValueOrDefault(station.StationCode), month.Closed);
                var staged = batch[b];
                var submission = state.SubmissionFrom(staged, month.Period, station.StationCode, logger);
                if (files is not null)
                {
                    await files.AppendAsync(month, station, state.Entry, state.Current, state.Source, state.OnTime, staged, submission, shares.IsVillageOf, cancellationToken);
                }

                if (totals is not null)
                {
                    shares.Add(totals, station.StationCode, submission, state.OnTime, 1);
                }
            }
        }
    }

    /// <summary>The staged files of up to <see cref="StagedBatch"/> expected stations from <paramref name="start"/> (before <paramref name="end"/>), read in parallel.</summary>
    private async Task<StagedSubmission?[]> ReadBatchAsync(MonthInputs month, int start, int end, CancellationToken cancellationToken)
    {
        var staged = new StagedSubmission?[Math.Min(StagedBatch, end - start)];
        await Parallel.ForAsync(0, staged.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var code = month.Expected[start + i].StationCode;
            if (StationState.Of(month.Entries.GetValueOrDefault(code), month.Closed).Source is { } source)
            {
                staged[i] = await StagedSubmission.ReadAsync(store, month.Period, code, source.Sha256, ct);
            }
        });
        return staged;
    }
}
