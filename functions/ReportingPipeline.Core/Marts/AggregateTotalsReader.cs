using Microsoft.Extensions.Logging;
using Parquet;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Ports;

namespace ReportingPipeline.Core.Marts;

/// <summary>
/// Sums read back from <c>agg_region_month</c> files (ratios are not sums: they are recomputed when written): a
/// month's year-to-date columns, to carry the year on, or its month columns, in place of reading its staged files.
/// Exact: validation keeps money to 2 decimals and hours to 1, the columns' scales, so a written sum is the sum.
/// </summary>
internal sealed class AggregateTotalsReader(IBlobStore store, RegionRollup rollup, ILogger logger)
{
    /// <summary>The year-to-date sums as of <paramref name="period"/>, from its agg_region_month file.</summary>
    public async Task<RegionRollup.Totals> ReadYearToDateAsync(Period period, CancellationToken cancellationToken) =>
        await ReadAsync(MartTables.AggRegionMonth.FileName(period), yearToDate: true, cancellationToken)
            ?? throw new InvalidOperationException($"marts/{MartTables.AggRegionMonth.FileName(period)} is in the manifest but not in the store.");

    /// <summary>
    /// A month whose facts are current and whose <c>agg_region_month</c> is rewritten only because the year to
    /// date before it changed (<see cref="MonthWork.AggregateOnly"/>): its own totals are the month columns of its
    /// previous file, already rolled up, so no staged file is read. Null when that file turns out missing, not the
    /// file the manifest describes, or unreadable: the month's staged files are then read.
    /// </summary>
    public async Task<RegionRollup.Totals?> ReadMonthAsync(Period period, ManifestFile previous, CancellationToken cancellationToken)
    {
        try
        {
            var totals = await ReadAsync(previous.Name, yearToDate: false, cancellationToken, builtFrom: previous.InputFingerprint);
            if (totals is null)
            {
                logger.LogWarning("{Period}: marts/{FileName} is missing, not the file the manifest describes, or does not have one row per region; reading the staged files", period, previous.Name);
            }

            return totals;
        }
        catch (Exception e) when (PreviousFactFile.IsUnreadable(e))
        {
            logger.LogWarning(e, "{Period}: marts/{FileName} is unreadable; reading the staged files", period, previous.Name);
            return null;
        }
    }

    /// <summary>
    /// The sums of one file: its <c>ytd_*</c> columns, or its month columns, rolled up as written. Null when the
    /// file is not in the store or (with <paramref name="builtFrom"/>) names other inputs in its footer; for month
    /// columns also when its rows are not one per region of the reference.
    /// </summary>
    public async Task<RegionRollup.Totals?> ReadAsync(string name, bool yearToDate, CancellationToken cancellationToken, string? builtFrom = null)
    {
        var totals = yearToDate ? rollup.NewYearToDate() : rollup.NewTotals();
        using var buffer = new MemoryStream();
        await using (var blob = await store.OpenReadAsync(Containers.Marts, name, cancellationToken))
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
            .Select(m => (m.Measure, m.Column, Values: MartColumnValues.For(m.Column)))
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

            foreach (var (measure, column, values) in measures)
            {
                await values.ReadAsync(group, reader.Schema.FindDataField(column.Name), rows, cancellationToken);
                for (var r = 0; r < rows; r++)
                {
                    totals.Set(regions[r], measure, values.Decimal(r) ?? 0);
                }
            }
        }

        return yearToDate || (complete && seen.All(s => s)) ? totals : null;
    }
}
