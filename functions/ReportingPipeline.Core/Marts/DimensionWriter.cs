using System.Globalization;
using Microsoft.Extensions.Logging;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Reference;

namespace ReportingPipeline.Core.Marts;

/// <summary>
/// Writes the dimensions: <c>dim_region</c> and <c>dim_station</c> from the reference alone, <c>dim_period</c> from
/// the months covered, their deadlines and which of them are closed. Each is rewritten only when its inputs changed.
/// </summary>
internal sealed class DimensionWriter(ILogger logger)
{
    /// <summary>Writes the dimensions whose inputs changed; true when one built from the reference was rewritten.</summary>
    public async Task<bool> WriteAsync(MartBuild build, ReferenceData reference, IReadOnlyList<Period> periods, DeadlinePolicy deadline, CancellationToken cancellationToken)
    {
        var referenceInputs = MartFingerprint.Of(MartFingerprint.Tables, reference.Fingerprint);
        var periodInputs = MartFingerprint.Of(
            MartFingerprint.Tables,
            string.Create(CultureInfo.InvariantCulture, $"{deadline.DayOfFollowingMonth}|{deadline.TimeOfDay:HH':'mm':'ss}|{deadline.UtcOffset}"),
            string.Join(',', periods.Select(p => deadline.IsClosed(p, build.Now) ? p + "c" : p.ToString())));
        var referenceRebuilt = false;
        foreach (var table in MartTables.Dimensions)
        {
            var inputs = table == MartTables.DimPeriod ? periodInputs : referenceInputs;
            if (!build.Reuse(table.FileName(), inputs))
            {
                await WriteAsync(build, table, reference, periods, deadline, inputs, cancellationToken);
                referenceRebuilt |= table != MartTables.DimPeriod;
            }
        }

        return referenceRebuilt;
    }

    private async Task WriteAsync(MartBuild build, MartTable table, ReferenceData reference, IReadOnlyList<Period> periods, DeadlinePolicy deadline, string inputs, CancellationToken cancellationToken)
    {
        await using var file = await MartFileWriter.CreateAsync(table, cancellationToken);
        if (table == MartTables.DimRegion)
        {
            foreach (var village in reference.Regions.Where(r => r.Level == RegionLevel.Village))
            {
                var line = Hierarchy(reference, village.Code);
                if (line is null)
                {
                    logger.LogWarning("Village {VillageCode} has no complete line up to the province; dim_region leaves it out", village.Code);
                    continue;
                }

                AddLine(file, line);
                await file.EndRowAsync(cancellationToken);
            }
        }
        else if (table == MartTables.DimStation)
        {
            foreach (var station in reference.Stations)
            {
                var line = Hierarchy(reference, station.StationCode);
                if (line is null)
                {
                    logger.LogWarning("Station {StationCode} has no town with a complete line up to the province; dim_station leaves it out", station.StationCode);
                    continue;
                }

                file.Strings(MartTables.StationColumn).Add(station.StationCode);
                file.Strings("station_name").Add(station.Name);
                file.Strings("operator").Add(station.Operator);
                AddLine(file, line);
                file.Dates("opened_on").Add(station.OpenedOn);
                file.Dates("closed_on").Add(station.ClosedOn);
                file.Int64s("villages").Add(reference.VillagesOf(station.StationCode).Count(v => v.Level == RegionLevel.Village));
                await file.EndRowAsync(cancellationToken);
            }
        }
        else
        {
            foreach (var period in periods)
            {
                file.Dates("date").Add(period.FirstDay);
                file.Int32s("period_key").Add(period.Key);
                file.Int32s("year").Add(period.Year);
                file.Int32s("quarter").Add(((period.Month - 1) / 3) + 1);
                file.Int32s("month").Add(period.Month);
                file.Strings("label").Add(period.ToString());
                file.Strings("label_zh").Add(string.Create(CultureInfo.InvariantCulture, $"{period.Year}年{period.Month}月"));
                file.Timestamps("deadline").Add(deadline.DeadlineOf(period));
                file.Booleans("closed").Add(deadline.IsClosed(period, build.Now));
                await file.EndRowAsync(cancellationToken);
            }
        }

        await build.WriteAsync(file, null, [], inputs, cancellationToken);
    }

    /// <summary>The code and name columns of each level of a region's line, province first.</summary>
    private static void AddLine(MartFileWriter file, List<Region> line)
    {
        foreach (var level in line)
        {
            var name = MartTables.Levels[(int)level.Level];
            file.Strings(name + "_code").Add(level.Code);
            file.Strings(name + "_name").Add(level.Name);
        }
    }

    /// <summary>A region and its ancestors, province first; null when a level is missing.</summary>
    private static List<Region>? Hierarchy(ReferenceData reference, string code)
    {
        var line = reference.Lineage(code).Reverse().ToList();
        var levels = line.Select(r => r.Level).ToList();
        var expected = Enumerable.Range(0, line.Count).Select(i => (RegionLevel)i).ToList();
        return line.Count > 0 && levels.SequenceEqual(expected) ? line : null;
    }
}
