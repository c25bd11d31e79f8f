using Microsoft.Extensions.Logging;
using ReportingPipeline.Core.Intake;
using ReportingPipeline.Core.Ports;

namespace ReportingPipeline.Core.Marts;

/// <summary>
/// <see cref="MonthWork.FullBuild"/>: streams one month, station by station. Each expected station's staged
/// submission is read, its rows appended to its part's fact files (when that part is rewritten) and its figures
/// added to the month's totals (when its <c>agg_region_month</c> is), then dropped. The stations come grouped by
/// part (<see cref="MartParts.Order"/>), so one part's files are open at a time.
/// </summary>
internal sealed class MonthFullBuild(IBlobStore store, MartParts parts, StationShares shares, ILogger logger)
{
    /// <summary>Stations whose staged files are read ahead at once: enough to keep every core busy, few enough to bound memory.</summary>
    private const int StagedBatch = 256;

    /// <summary>Writes the fact files of <paramref name="factParts"/> (none when empty); adds into <paramref name="totals"/> (left unrolled) when given.</summary>
    public async Task RunAsync(MartBuild build, MonthInputs month, MonthKeys keys, IReadOnlyList<string> factParts, RegionRollup.Totals? totals, CancellationToken cancellationToken)
    {
        await using var facts = new PartWriters(build, month, keys, factParts);

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
                var submission = state.SubmissionFrom(staged, month.Period, station.StationCode, logger);
                if (await facts.ForAsync(parts.OfStation(station.StationCode), cancellationToken) is { } files)
                {
                    await files.AppendAsync(month, station, state.Entry, state.Current, state.Source, state.OnTime, staged, submission, shares.IsVillageOf, cancellationToken);
                }

                if (totals is not null)
                {
                    shares.Add(totals, station.StationCode, submission, state.OnTime, 1);
                }
            }
        }

        await facts.FinishAsync(cancellationToken);
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
                staged[i] = await StagedSubmission.ReadAsync(store, month.Period, code, source.Sha256, ct);
            }
        });
        return staged;
    }

    /// <summary>
    /// The fact files of the parts being rewritten, one part open at a time as the stations arrive in part order;
    /// a part none of whose stations is expected this month is written empty, so every month has every part.
    /// </summary>
    private sealed class PartWriters(MartBuild build, MonthInputs month, MonthKeys keys, IReadOnlyList<string> parts) : IAsyncDisposable
    {
        private int _next;
        private FactFiles? _open;
        private string? _openPart;
        private string? _current;

        /// <summary>The files of <paramref name="part"/>, or null when that part is not rewritten; earlier parts are written first.</summary>
        public async Task<FactFiles?> ForAsync(string part, CancellationToken cancellationToken)
        {
            if (part == _current)
            {
                return _open;
            }

            if (_current is not null && string.CompareOrdinal(part, _current) < 0)
            {
                throw new InvalidOperationException($"{month.Period}: the expected stations are not in part order ({part} after {_current}).");
            }

            await WriteUpToAsync(part, cancellationToken);
            _current = part;
            if (_next < parts.Count && parts[_next] == part)
            {
                _open = await FactFiles.CreateAsync(part, cancellationToken);
                _openPart = part;
                _next++;
            }

            return _open;
        }

        /// <summary>Writes the open part and every part still to write.</summary>
        public Task FinishAsync(CancellationToken cancellationToken) => WriteUpToAsync(null, cancellationToken);

        public async ValueTask DisposeAsync()
        {
            if (_open is not null)
            {
                await _open.DisposeAsync();
            }
        }

        /// <summary>Writes the open part, then empty files for the parts before <paramref name="part"/> (all, when null) that had no station.</summary>
        private async Task WriteUpToAsync(string? part, CancellationToken cancellationToken)
        {
            if (_open is not null)
            {
                await build.WriteAllAsync(_open.Files, month.Period, [month.Period], keys.Fact(_openPart!), cancellationToken);
                await _open.DisposeAsync();
                _open = null;
                _openPart = null;
            }

            while (_next < parts.Count && (part is null || string.CompareOrdinal(parts[_next], part) < 0))
            {
                await using var empty = await FactFiles.CreateAsync(parts[_next], cancellationToken);
                await build.WriteAllAsync(empty.Files, month.Period, [month.Period], keys.Fact(parts[_next]), cancellationToken);
                _next++;
            }
        }
    }
}
