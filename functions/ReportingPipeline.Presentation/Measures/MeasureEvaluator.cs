using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Marts;

namespace ReportingPipeline.Presentation.Measures;

/// <summary>A region at one level of the hierarchy (<see cref="MartTables.Levels"/>), or <see cref="All"/> (every province).</summary>
public readonly record struct RegionKey(string Level, string Code)
{
    public const string AllLevel = "all";

    public static readonly RegionKey All = new(AllLevel, string.Empty);
}

/// <summary>
/// Computes the measures of <see cref="MeasureCatalogue"/> from the fact tables, by their declaration, for every region
/// of every level at once: what the Power BI model computes from the same declaration. Regions are found by code prefix
/// (a child's code starts with its parent's, contract §1): province 2 digits, city 4, district 6, town 9 (= station), village 12.
/// Counts are 0 where a region has no rows; sums are null (blank) when no value was reported; station facts have no value
/// at village level; a ratio is null when its denominator is 0 or null.
/// </summary>
public sealed class MeasureEvaluator
{
    /// <summary>Code length of each level of <see cref="MartTables.Levels"/>.</summary>
    public static readonly IReadOnlyList<int> CodeLengths = [2, 4, 6, 9, 12];

    private readonly IReadOnlyDictionary<MartTable, MartRows> _facts;
    private readonly IReadOnlyDictionary<string, IReadOnlyList<string>> _villagesOfTown;
    private readonly IReadOnlyList<(Period Period, bool Closed)> _calendar;

    /// <param name="facts">The fact tables the catalogue reads, with <c>period</c>, <c>station_code</c>, <c>village_code</c> (where the table has it) and the columns the measures name.</param>
    /// <param name="villageTowns">dim_region: every village with its town.</param>
    /// <param name="calendar">dim_period: every month covered and whether it is closed.</param>
    public MeasureEvaluator(IReadOnlyDictionary<MartTable, MartRows> facts, IEnumerable<(string Village, string Town)> villageTowns, IReadOnlyList<(Period Period, bool Closed)> calendar)
    {
        _facts = facts;
        _villagesOfTown = villageTowns.GroupBy(v => v.Town, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(v => v.Village)], StringComparer.Ordinal);
        _calendar = calendar;
    }

    /// <summary>The columns of each fact the catalogue's measures read.</summary>
    public static IReadOnlyDictionary<MartTable, IReadOnlyList<string>> Columns()
    {
        var columns = new Dictionary<MartTable, HashSet<string>>();
        foreach (var m in MeasureCatalogue.All.Where(m => m.Time == MeasureTime.Selection && m.Additivity != Additivity.RatioOfSums))
        {
            var table = m.Table!;
            if (!columns.TryGetValue(table, out var set))
            {
                set = [MartTables.PeriodColumn, MartTables.StationColumn];
                if (table.Columns.Any(c => c.Name == MartTables.VillageColumn))
                {
                    set.Add(MartTables.VillageColumn);
                }

                columns[table] = set;
            }

            if (m.Column is { } column)
            {
                set.Add(column);
            }

            switch (m.Condition)
            {
                case ColumnIn c:
                    set.Add(c.Column);
                    break;
                case AnyPositive a:
                    set.UnionWith(a.Columns);
                    break;
            }
        }

        return columns.ToDictionary(c => c.Key, c => (IReadOnlyList<string>)[.. c.Value.Order(StringComparer.Ordinal)]);
    }

    /// <summary>The measure over <paramref name="months"/> for every region that has a value (counts: every region with rows).</summary>
    public IReadOnlyDictionary<RegionKey, double?> Evaluate(MeasureDefinition measure, IReadOnlyCollection<Period> months)
    {
        switch (measure.Time)
        {
            case MeasureTime.MonthOnMonth:
                return MonthOnMonth(measure, months);
            case MeasureTime.YearToDate:
                var of = MeasureCatalogue.Get(measure.Base!);
                return LatestClosed(months) is { } anchor
                    ? Evaluate(of, [.. _calendar.Select(c => c.Period).Where(p => p.Year == anchor.Year && p <= anchor)])
                    : new Dictionary<RegionKey, double?>();
        }

        if (measure.Additivity == Additivity.RatioOfSums)
        {
            var numerator = Evaluate(MeasureCatalogue.Get(measure.Numerator!), months);
            var denominator = Evaluate(MeasureCatalogue.Get(measure.Denominator!), months);
            var top = MeasureCatalogue.Get(measure.Numerator!);
            return denominator.Where(d => d.Value is { } v && v != 0 && ValueOf(top, numerator, d.Key) is not null)
                .ToDictionary(d => d.Key, d => ValueOf(top, numerator, d.Key) / d.Value);
        }

        return measure.Aggregation == Aggregation.VillagesOfExpectedStations
            ? VillagesOfExpectedStations(measure, months)
            : measure.Additivity == Additivity.Stock ? Stock(measure, months) : Flow(measure, months);
    }

    /// <summary>The value of one region (null where <see cref="Evaluate"/> has none; 0 for a count).</summary>
    public static double? ValueOf(MeasureDefinition measure, IReadOnlyDictionary<RegionKey, double?> values, RegionKey region)
    {
        if (values.TryGetValue(region, out var value))
        {
            return value;
        }

        var atVillage = region.Level == MartTables.Levels[^1];
        return measure is { Time: MeasureTime.Selection, Additivity: Additivity.Flow, Aggregation: Aggregation.CountRows or Aggregation.VillagesOfExpectedStations }
            && (measure.IsVillageGrain || !atVillage) ? 0 : null;
    }

    /// <summary>The latest closed month among <paramref name="months"/>: where month-on-month and year to date anchor.</summary>
    public Period? LatestClosed(IReadOnlyCollection<Period> months) =>
        _calendar.Where(c => c.Closed && months.Contains(c.Period)).Select(c => (Period?)c.Period).Max();

    private Dictionary<RegionKey, double?> MonthOnMonth(MeasureDefinition measure, IReadOnlyCollection<Period> months)
    {
        var result = new Dictionary<RegionKey, double?>();
        if (LatestClosed(months) is not { } anchor)
        {
            return result;
        }

        var of = MeasureCatalogue.Get(measure.Base!);
        var current = Evaluate(of, [anchor]);
        var previous = _calendar.Any(c => c.Period == anchor.Previous) ? Evaluate(of, [anchor.Previous]) : new Dictionary<RegionKey, double?>();
        foreach (var region in current.Keys.Union(previous.Keys))
        {
            var now = ValueOf(of, current, region);
            var before = ValueOf(of, previous, region);
            result[region] = measure.Format == MeasureFormat.PointChange
                ? now is { } n && before is { } b ? (n - b) * 100 : null
                : before is { } p && p != 0 ? ((now ?? 0) - p) / p : null;
        }

        return result;
    }

    private Dictionary<RegionKey, double?> Flow(MeasureDefinition measure, IReadOnlyCollection<Period> months)
    {
        var sums = new Dictionary<RegionKey, double?>();
        foreach (var row in Rows(measure, months))
        {
            foreach (var region in Regions(measure, row.Index, row.Rows))
            {
                Add(sums, region, row.Value, measure.Aggregation == Aggregation.CountRows);
            }
        }

        return sums;
    }

    private Dictionary<RegionKey, double?> Stock(MeasureDefinition measure, IReadOnlyCollection<Period> months)
    {
        // An open month has only its early reporters: a selection with closed months takes its head counts from those.
        var closed = _calendar.Where(c => c.Closed && months.Contains(c.Period)).Select(c => c.Period).ToHashSet();
        if (closed.Count > 0)
        {
            months = closed;
        }

        // Per region and month the rows (any, reported or not) and the sum; then the last month with rows.
        var byMonth = new Dictionary<(RegionKey Region, Period Period), double?>();
        var rows = _facts[measure.Table!];
        foreach (var row in Rows(measure, months))
        {
            var period = rows.PeriodOf(row.Index);
            foreach (var region in Regions(measure, row.Index, rows))
            {
                var key = (region, period);
                byMonth[key] = byMonth.TryGetValue(key, out var sum) ? sum is null ? row.Value : row.Value is null ? sum : sum + row.Value : row.Value;
            }
        }

        return byMonth.GroupBy(x => x.Key.Region).ToDictionary(g => g.Key, g => g.MaxBy(x => x.Key.Period).Value);
    }

    private Dictionary<RegionKey, double?> VillagesOfExpectedStations(MeasureDefinition measure, IReadOnlyCollection<Period> months)
    {
        var counts = new Dictionary<RegionKey, double?>();
        var rows = _facts[measure.Table!];
        for (var i = 0; i < rows.Count; i++)
        {
            if (!months.Contains(rows.PeriodOf(i)))
            {
                continue;
            }

            var station = rows.String(MartTables.StationColumn, i)!;
            var villages = _villagesOfTown.GetValueOrDefault(station) ?? [];
            foreach (var region in StationRegions(station))
            {
                Add(counts, region, villages.Count, count: true);
            }

            foreach (var village in villages)
            {
                Add(counts, new RegionKey(MartTables.Levels[^1], village), 1, count: true);
            }
        }

        return counts;
    }

    private IEnumerable<(int Index, MartRows Rows, double? Value)> Rows(MeasureDefinition measure, IReadOnlyCollection<Period> months)
    {
        var rows = _facts[measure.Table!];
        for (var i = 0; i < rows.Count; i++)
        {
            if (!months.Contains(rows.PeriodOf(i)) || (measure.Additivity != Additivity.Stock && !Passes(measure.Condition, rows, i)))
            {
                continue;
            }

            yield return (i, rows, measure.Aggregation == Aggregation.CountRows ? 1 : rows.Number(measure.Column!, i));
        }
    }

    private static bool Passes(RowCondition? condition, MartRows rows, int i) => condition switch
    {
        null => true,
        ColumnIn c when rows.Table[c.Column].Type == MartColumnType.Boolean =>
            rows.Bool(c.Column, i) is { } b && c.Values.Contains(b ? "true" : "false"),
        ColumnIn c => rows.String(c.Column, i) is { } s && c.Values.Contains(s),
        AnyPositive a => a.Columns.Sum(column => rows.Number(column, i) ?? 0) > 0,
        _ => throw new InvalidOperationException($"Unknown condition {condition}."),
    };

    private static IEnumerable<RegionKey> Regions(MeasureDefinition measure, int i, MartRows rows)
    {
        var station = rows.String(MartTables.StationColumn, i)!;
        foreach (var region in StationRegions(station))
        {
            yield return region;
        }

        if (measure.IsVillageGrain && rows.String(MartTables.VillageColumn, i) is { } village)
        {
            yield return new RegionKey(MartTables.Levels[^1], village);
        }
    }

    /// <summary>The station's town and every region above it, and <see cref="RegionKey.All"/>.</summary>
    private static IEnumerable<RegionKey> StationRegions(string station)
    {
        yield return RegionKey.All;
        for (var level = 0; level < CodeLengths.Count - 1; level++)
        {
            if (station.Length >= CodeLengths[level])
            {
                yield return new RegionKey(MartTables.Levels[level], station[..CodeLengths[level]]);
            }
        }
    }

    private static void Add(Dictionary<RegionKey, double?> sums, RegionKey region, double? value, bool count)
    {
        if (!sums.TryGetValue(region, out var sum))
        {
            sums[region] = count ? value ?? 0 : value;
        }
        else if (value is { } v)
        {
            sums[region] = (sum ?? 0) + v;
        }
    }
}
