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
    /// <summary>
    /// Reads the year-to-date sums as of <paramref name="period"/> from the given parts of its agg_region_month into
    /// <paramref name="yearToDate"/>, leaving every other region as it is. Each part must be there, with the key
    /// this build gave it (<paramref name="parts"/>: part and key).
    /// </summary>
    public async Task ReadYearToDateAsync(Period period, IEnumerable<(string Part, string BuiltFrom)> parts, RegionRollup.Totals yearToDate, CancellationToken cancellationToken)
    {
        foreach (var (part, builtFrom) in parts)
        {
            var name = MartTables.AggRegionMonth.FileName(period, part);
            if (!await ReadAsync(name, part, yearToDate: true, yearToDate, builtFrom, cancellationToken))
            {
                throw new InvalidOperationException($"marts/{name} is missing, not the file this build recorded, or does not have one row per region of its part.");
            }
        }
    }

    /// <summary>
    /// The month columns of previous <c>agg_region_month</c> parts of <paramref name="period"/>, already rolled up:
    /// in place of reading the month's staged files, for a month whose facts are current and whose parts are
    /// rewritten only because the year to date before it changed (<see cref="MonthWork.AggregateOnly"/>), or as the
    /// base a copied-forward month's changes are added to. Regions of other parts are left at zero. Null when a file
    /// turns out missing, not the file the manifest describes, or unreadable: the month's staged files are then read.
    /// </summary>
    /// <param name="into">Sums to read into, their rows of those parts zeroed first (a month after month, the same country-sized arrays); new ones when null.</param>
    public async Task<RegionRollup.Totals?> ReadMonthAsync(Period period, IReadOnlyDictionary<string, ManifestFile> previous, CancellationToken cancellationToken, RegionRollup.Totals? into = null)
    {
        var totals = into ?? rollup.NewTotals();
        into?.Clear(previous.Keys);
        foreach (var (part, file) in previous)
        {
            try
            {
                if (!await ReadAsync(file.Name, part, yearToDate: false, totals, file.InputFingerprint, cancellationToken))
                {
                    logger.LogWarning("{Period}: marts/{FileName} is missing, not the file the manifest describes, or does not have one row per region of its part; reading the staged files", period, file.Name);
                    return null;
                }
            }
            catch (Exception e) when (PreviousFactFile.IsUnreadable(e))
            {
                logger.LogWarning(e, "{Period}: marts/{FileName} is unreadable; reading the staged files", period, file.Name);
                return null;
            }
        }

        return totals;
    }

    /// <summary>
    /// Sets the sums of one part file into <paramref name="totals"/>: its <c>ytd_*</c> columns, or its month columns,
    /// rolled up as written. False when the file is not in the store, names other inputs than
    /// <paramref name="builtFrom"/> in its footer, or its rows are not one per region of <paramref name="part"/>.
    /// </summary>
    private async Task<bool> ReadAsync(string name, string part, bool yearToDate, RegionRollup.Totals totals, string builtFrom, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await using (var blob = await store.OpenReadAsync(Containers.Marts, name, cancellationToken))
        {
            if (blob is null)
            {
                return false;
            }

            await blob.CopyToAsync(buffer, cancellationToken);
        }

        buffer.Position = 0;
        await using var reader = await ParquetReader.CreateAsync(buffer, cancellationToken: cancellationToken);
        if (reader.CustomMetadata?.GetValueOrDefault(MartFileWriter.InputsKey) != builtFrom)
        {
            // Not the file the manifest describes: a build killed before its manifest left a newer one.
            return false;
        }

        var measures = MartTables.AggregateMeasures
            .Where(m => (!yearToDate || m.YearToDate) && m.Kind != AggregateKind.Ratio)
            .Select(m => (Measure: RegionRollup.Measure(m.Name), Column: MartTables.AggRegionMonth[yearToDate ? m.YearToDateName : m.Name]))
            .Select(m => (m.Measure, m.Column, Values: MartColumnValues.For(m.Column)))
            .ToList();
        var expected = rollup.RegionsOf(part).ToHashSet();
        var seen = new HashSet<int>();
        var complete = true;
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var rows = checked((int)group.RowCount);
            var codes = await ParquetColumns.ReadStringsAsync(group, reader.Schema.FindDataField("region_code"), rows, cancellationToken);
            var regions = codes.Select(c => c is null ? -1 : rollup.IndexOf(c)).ToArray();
            foreach (var region in regions)
            {
                complete &= expected.Contains(region) && seen.Add(region);
            }

            if (!complete)
            {
                return false;
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

        return seen.Count == expected.Count;
    }
}
