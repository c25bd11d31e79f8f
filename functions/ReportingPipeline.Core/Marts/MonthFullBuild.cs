using Microsoft.Extensions.Logging;
using ReportingPipeline.Core.Intake;
using ReportingPipeline.Core.Ports;

namespace ReportingPipeline.Core.Marts;

/// <summary>
/// <see cref="MonthWork.FullBuild"/>: streams one month, station by station. Each expected station's staged
/// submission is read, its rows appended to the fact files (when they are rewritten) and its figures added to the
/// month's totals (when its <c>agg_region_month</c> is), then dropped.
/// </summary>
internal sealed class MonthFullBuild(IBlobStore store, StationShares shares, ILogger logger)
{
    /// <summary>Stations whose staged files are read ahead at once: enough to keep every core busy, few enough to bound memory.</summary>
    private const int StagedBatch = 256;

    /// <summary>Writes the month's fact files when <paramref name="factInputs"/> is given; adds into <paramref name="totals"/> (left unrolled) when given.</summary>
    public async Task RunAsync(MartBuild build, MonthInputs month, string? factInputs, RegionRollup.Totals? totals, CancellationToken cancellationToken)
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
                    var submission = state.SubmissionFrom(staged, month.Period, station.StationCode, logger);
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
                await build.WriteAllAsync(facts.Files, month.Period, [month.Period], factInputs!, cancellationToken);
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
}
