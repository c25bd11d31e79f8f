using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Reference;

namespace ReportingPipeline.Core.Marts;

/// <summary>
/// The region tree laid out for <c>agg_region_month</c>: one row of sums per region, kept in flat arrays
/// (about 490,000 villages nationally) with only the village measures at village level. Sums are added at
/// the level where they arise (villages for village fields, towns for station fields) and rolled up child
/// to parent; ratios are computed from the rolled-up sums when rows are written, never averaged.
/// </summary>
internal sealed class RegionRollup
{
    private static readonly AggregateMeasure[] Measures = [.. MartTables.AggregateMeasures];
    private static readonly int[] FullSlot = Slots(m => m.Kind != AggregateKind.Ratio);
    private static readonly int[] VillageSlot = Slots(m => m.Kind != AggregateKind.Ratio && m.AtVillage);
    private static readonly int[] YtdFullSlot = Slots(m => m.Kind != AggregateKind.Ratio && m.YearToDate);
    private static readonly int[] YtdVillageSlot = Slots(m => m.Kind != AggregateKind.Ratio && m.YearToDate && m.AtVillage);
    private static readonly int[] Numerators = [.. Measures.Select(m => m.Numerator is { } n ? Measure(n) : -1)];
    private static readonly int[] Denominators = [.. Measures.Select(m => m.Denominator is { } d ? Measure(d) : -1)];

    private readonly ReferenceData _reference;
    private readonly Region[] _regions;
    private readonly int[] _parent;
    private readonly int[] _row;
    private readonly bool[] _isVillage;
    private readonly int[] _position;
    private readonly int _fullRows;
    private readonly int _villageRows;
    private readonly Dictionary<string, int[]> _partRegions;

    public RegionRollup(ReferenceData reference, MartParts parts)
    {
        // Parents before children: rolling up is then one pass from the end. Each region's position is kept by its
        // place in the reference, whose map of codes finds it (a map of our own took 0.1 s nationally).
        _reference = reference;
        var order = ByLevel(reference.Regions);
        _regions = new Region[order.Length];
        _position = new int[order.Length];
        for (var i = 0; i < order.Length; i++)
        {
            _regions[i] = reference.Regions[order[i]];
            _position[order[i]] = i;
        }

        _parent = new int[_regions.Length];
        _row = new int[_regions.Length];
        _isVillage = new bool[_regions.Length];
        for (var i = 0; i < _regions.Length; i++)
        {
            _parent[i] = reference.ParentIndexOf(order[i]) is var parent and >= 0 ? _position[parent] : -1;
            _isVillage[i] = _regions[i].Level == RegionLevel.Village;
            _row[i] = _isVillage[i] ? _villageRows++ : _fullRows++;
        }

        // Each part's regions in the order above; neighbouring regions mostly share a part.
        var byPart = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        List<int>? regions = null;
        string? last = null;
        for (var i = 0; i < _regions.Length; i++)
        {
            var part = parts.OfRegion(order[i]);
            if (!string.Equals(part, last, StringComparison.Ordinal) && !byPart.TryGetValue(part, out regions))
            {
                byPart[part] = regions = [];
            }

            last = part;
            regions!.Add(i);
        }

        _partRegions = byPart.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
    }

    /// <summary>
    /// The positions of the regions in the reference, by level top down, in the reference's order within a level: a
    /// stable counting sort on the five levels (sorting half a million regions by comparison took 0.11 s of a cold
    /// national correction).
    /// </summary>
    private static int[] ByLevel(IReadOnlyList<Region> regions)
    {
        var starts = new int[Enum.GetValues<RegionLevel>().Length + 1];
        foreach (var region in regions)
        {
            starts[(int)region.Level + 1]++;
        }

        for (var level = 1; level < starts.Length; level++)
        {
            starts[level] += starts[level - 1];
        }

        var sorted = new int[regions.Count];
        for (var i = 0; i < regions.Count; i++)
        {
            sorted[starts[(int)regions[i].Level]++] = i;
        }

        return sorted;
    }

    /// <summary>The positions of the regions whose rows are in <paramref name="part"/> of <c>agg_region_month</c>, parents first.</summary>
    public IReadOnlyList<int> RegionsOf(string part) => _partRegions.GetValueOrDefault(part) ?? [];

    /// <summary>The regions of the tree: one agg_region_month row each.</summary>
    public int Count => _regions.Length;

    /// <summary>The region's position, or -1 when the reference does not have it.</summary>
    public int IndexOf(string code) => _reference.IndexOfRegion(code) is var i and >= 0 ? _position[i] : -1;

    public static int Measure(string name)
    {
        var index = Array.FindIndex(Measures, m => m.Name == name);
        return index >= 0 ? index : throw new KeyNotFoundException($"agg_region_month has no measure {name}.");
    }

    /// <summary>The <see cref="AggregateKind.Sum"/> measures fed by a section's rows.</summary>
    public static IEnumerable<(int Measure, FieldDefinition? Field)> SumsOf(SectionDefinition section) =>
        Measures.Select((m, i) => (m, i))
            .Where(x => x.m.Kind == AggregateKind.Sum && x.m.Section == section)
            .Select(x => (x.i, x.m.Field));

    public Totals NewTotals() => new(this, FullSlot, VillageSlot);

    /// <summary>The memory one month's totals take (<see cref="NewTotals"/>).</summary>
    public long TotalsBytes => sizeof(decimal) * (((long)_fullRows * WidthOf(FullSlot)) + ((long)_villageRows * WidthOf(VillageSlot)));

    public Totals NewYearToDate() => new(this, YtdFullSlot, YtdVillageSlot);

    /// <summary>Writes one row per region of the file's part (levels top down) with this month's values and the year to date.</summary>
    public async Task WriteAsync(MartFileWriter file, Period period, Totals month, Totals yearToDate, CancellationToken cancellationToken)
    {
        var regions = RegionsOf(file.Part ?? throw new ArgumentException("agg_region_month is written by part.", nameof(file)));
        var table = file.Table;
        var periods = file.Dates(MartTables.PeriodColumn);
        var levels = file.Strings("level");
        var codes = file.Strings("region_code");
        var names = file.Strings("region_name");
        var parents = file.Strings("parent_code");
        var monthColumns = Measures.Select(m => file.Column(table.IndexOf(m.Name))).ToArray();
        var ytdColumns = Measures.Select(m => m.YearToDate ? file.Column(table.IndexOf(m.YearToDateName)) : null).ToArray();

        // Column by column, a row group at a time: each measure's column is filled in one loop over the regions.
        for (var start = 0; start < regions.Count; )
        {
            var rows = regions.Skip(start).Take(file.RowsLeftInGroup).ToArray();
            foreach (var i in rows)
            {
                var region = _regions[i];
                periods.Add(period.FirstDay);
                levels.Add(MartTables.Levels[(int)region.Level]);
                codes.Add(region.Code);
                names.Add(region.Name);
                parents.Add(region.ParentCode);
            }

            for (var m = 0; m < Measures.Length; m++)
            {
                Fill(monthColumns[m], month, rows, m);
                if (ytdColumns[m] is { } column)
                {
                    Fill(column, yearToDate, rows, m);
                }
            }

            await file.EndRowsAsync(rows.Length, cancellationToken);
            start += rows.Length;
        }
    }

    /// <summary>
    /// Adds measure <paramref name="measure"/> of <paramref name="regions"/> to its column: null in a village for a
    /// measure kept above villages only, a ratio from its sums (null over zero), a sum as its column stores it.
    /// </summary>
    private void Fill(ColumnBuffer column, Totals totals, int[] regions, int measure)
    {
        var definition = Measures[measure];
        switch (column)
        {
            case ValueColumn<double> ratios when definition.Kind == AggregateKind.Ratio:
            {
                var values = ratios.AddRange(regions.Length);
                for (var r = 0; r < regions.Length; r++)
                {
                    var region = regions[r];
                    if (Kept(region, definition) && totals.Get(region, Denominators[measure]) is var denominator && denominator != 0)
                    {
                        values[r] = (double)totals.Get(region, Numerators[measure]) / (double)denominator;
                    }
                }

                break;
            }

            case DecimalColumn decimals when definition.Kind != AggregateKind.Ratio:
            {
                var values = decimals.AddRange(regions.Length);
                for (var r = 0; r < regions.Length; r++)
                {
                    var region = regions[r];
                    if (Kept(region, definition))
                    {
                        values[r] = decimals.Rounded(totals.Get(region, measure));
                    }
                }

                break;
            }

            case ValueColumn<long> longs when definition.Kind != AggregateKind.Ratio:
            {
                var values = longs.AddRange(regions.Length);
                for (var r = 0; r < regions.Length; r++)
                {
                    var region = regions[r];
                    if (Kept(region, definition))
                    {
                        values[r] = (long)totals.Get(region, measure);
                    }
                }

                break;
            }

            default:
                throw new InvalidOperationException($"agg_region_month.{definition.Name} has an unexpected column type {column.Column.Type}.");
        }
    }

    /// <summary>Whether a region has a value for the measure: every region but a village for a measure kept above villages only.</summary>
    private bool Kept(int region, AggregateMeasure definition) => !_isVillage[region] || definition.AtVillage;

    /// <summary>The values a row of totals holds: one per kept measure.</summary>
    private static int WidthOf(int[] slots) => slots.Max() + 1;

    private static int[] Slots(Func<AggregateMeasure, bool> kept)
    {
        var slots = new int[Measures.Length];
        var next = 0;
        for (var i = 0; i < Measures.Length; i++)
        {
            slots[i] = kept(Measures[i]) ? next++ : -1;
        }

        return slots;
    }

    /// <summary>Sums per region and measure: a month's, or the year to date.</summary>
    internal sealed class Totals
    {
        private readonly RegionRollup _tree;
        private readonly int[] _fullSlot;
        private readonly int[] _villageSlot;
        private readonly int _fullWidth;
        private readonly int _villageWidth;
        private readonly decimal[] _full;
        private readonly decimal[] _village;

        public Totals(RegionRollup tree, int[] fullSlot, int[] villageSlot)
        {
            _tree = tree;
            _fullSlot = fullSlot;
            _villageSlot = villageSlot;
            _fullWidth = WidthOf(fullSlot);
            _villageWidth = WidthOf(villageSlot);
            _full = new decimal[tree._fullRows * _fullWidth];
            _village = new decimal[tree._villageRows * _villageWidth];
        }

        public bool Carries(int region, int measure) =>
            (_tree._isVillage[region] ? _villageSlot : _fullSlot)[measure] >= 0;

        public void Add(int region, int measure, decimal value)
        {
            if (region < 0 || value == 0 || !Carries(region, measure))
            {
                return;
            }

            ref var cell = ref Cell(region, measure);
            cell += value;
        }

        public decimal Get(int region, int measure) => Carries(region, measure) ? Cell(region, measure) : 0m;

        public void Set(int region, int measure, decimal value)
        {
            if (region >= 0 && Carries(region, measure))
            {
                Cell(region, measure) = value;
            }
        }

        /// <summary>
        /// Takes every sum of <paramref name="source"/>, totals of the same kind (a year to date handed to a writer
        /// while the next month is added to the running one).
        /// </summary>
        public void CopyFrom(Totals source)
        {
            if (!ReferenceEquals(source._tree, _tree) || !ReferenceEquals(source._fullSlot, _fullSlot) || !ReferenceEquals(source._villageSlot, _villageSlot))
            {
                throw new ArgumentException("Totals are copied only between totals of the same kind and regions.", nameof(source));
            }

            source._full.CopyTo(_full, 0);
            source._village.CopyTo(_village, 0);
        }

        /// <summary>Adds every region's sums into its parent's, from the villages up to the province.</summary>
        public void RollUp()
        {
            for (var i = _tree._regions.Length - 1; i >= 0; i--)
            {
                AddToParent(i);
            }
        }

        /// <summary>
        /// <see cref="RollUp()"/> for totals that hold sums only at <paramref name="regions"/> (a copied-forward
        /// month's change: the changed stations' towns and villages): only those regions and their ancestors are
        /// added up, deepest first, which is what rolling up every region gives when all others hold zero.
        /// Returns the regions that may now hold sums, those and their ancestors.
        /// </summary>
        public IReadOnlyList<int> RollUp(IEnumerable<int> regions)
        {
            var touched = new SortedSet<int>();
            foreach (var region in regions)
            {
                for (var i = region; i >= 0 && touched.Add(i); i = _tree._parent[i])
                {
                }
            }

            foreach (var i in touched.Reverse())
            {
                AddToParent(i);
            }

            return [.. touched];
        }

        /// <summary>Adds a region's sums into its parent's (nothing for the top region).</summary>
        private void AddToParent(int region)
        {
            var parent = _tree._parent[region];
            if (parent < 0)
            {
                return;
            }

            for (var m = 0; m < Measures.Length; m++)
            {
                if (Carries(region, m) && Carries(parent, m))
                {
                    Cell(parent, m) += Cell(region, m);
                }
            }
        }

        /// <summary>Adds <paramref name="month"/>'s rows of <paramref name="regions"/> only: the other rows of <paramref name="month"/> hold zero.</summary>
        public void Accumulate(Totals month, IReadOnlyList<int> regions)
        {
            foreach (var i in regions)
            {
                Accumulate(month, i);
            }
        }

        /// <summary>Adds another set of totals measure by measure (the year to date gains a month).</summary>
        public void Accumulate(Totals month)
        {
            for (var i = 0; i < _tree._regions.Length; i++)
            {
                Accumulate(month, i);
            }
        }

        /// <summary>Adds the rows of <paramref name="parts"/> only: a month read from its rewritten parts holds nothing else.</summary>
        public void Accumulate(Totals month, IEnumerable<string> parts)
        {
            foreach (var part in parts)
            {
                foreach (var i in _tree.RegionsOf(part))
                {
                    Accumulate(month, i);
                }
            }
        }

        /// <summary>Zeroes every sum, to add up another month in the same arrays.</summary>
        public void Clear()
        {
            Array.Clear(_full);
            Array.Clear(_village);
        }

        /// <summary>Zeroes the rows of <paramref name="parts"/>, to read them again into the same arrays.</summary>
        public void Clear(IEnumerable<string> parts)
        {
            foreach (var part in parts)
            {
                foreach (var i in _tree.RegionsOf(part))
                {
                    for (var m = 0; m < Measures.Length; m++)
                    {
                        if (Carries(i, m))
                        {
                            Cell(i, m) = 0;
                        }
                    }
                }
            }
        }

        private void Accumulate(Totals month, int region)
        {
            for (var m = 0; m < Measures.Length; m++)
            {
                if (Carries(region, m) && month.Carries(region, m))
                {
                    Cell(region, m) += month.Cell(region, m);
                }
            }
        }

        private ref decimal Cell(int region, int measure)
        {
            var row = _tree._row[region];
            if (_tree._isVillage[region])
            {
                return ref _village[(row * _villageWidth) + _villageSlot[measure]];
            }

            return ref _full[(row * _fullWidth) + _fullSlot[measure]];
        }
    }
}

/// <summary>
/// Adds one expected station's share of a month to unrolled totals: the station and village counters and its
/// submission's figures. Used for every station of a month built from its staged files, and for the changed
/// stations of a month copied forward, whose previous share is taken off (sign -1) before the new one is added.
/// </summary>
internal sealed class StationShares(ReferenceData reference, RegionRollup rollup)
{
    private static readonly int StationsExpected = RegionRollup.Measure("stations_expected");
    private static readonly int StationsReported = RegionRollup.Measure("stations_reported");
    private static readonly int StationsOnTime = RegionRollup.Measure("stations_on_time");
    private static readonly int VillagesExpected = RegionRollup.Measure("villages_expected");
    private static readonly int VillagesVisited = RegionRollup.Measure("villages_visited");

    private readonly SectionSums _sums = new();

    /// <param name="submission">The current accepted version's submission; null when the station has none (rejected or missing): it still counts as expected, with its villages.</param>
    /// <param name="onTime">As in <see cref="StationState.OnTime"/>.</param>
    /// <param name="sign">1 to add the share, -1 to take it off.</param>
    public void Add(RegionRollup.Totals totals, string stationCode, Submission? submission, bool? onTime, decimal sign)
    {
        var visited = new HashSet<string>(StringComparer.Ordinal);
        if (submission is not null)
        {
            foreach (var visit in submission.Visits)
            {
                if ((visit.ResidentVisits ?? 0) > 0 || (visit.ClientVisits ?? 0) > 0)
                {
                    visited.Add(visit.VillageCode);
                }
            }
        }

        var town = rollup.IndexOf(stationCode);
        totals.Add(town, StationsExpected, sign);
        foreach (var village in reference.VillagesOf(stationCode))
        {
            var index = rollup.IndexOf(village.Code);
            totals.Add(index, VillagesExpected, sign);
            totals.Add(index, VillagesVisited, visited.Contains(village.Code) ? sign : 0);
        }

        if (submission is not null)
        {
            totals.Add(town, StationsReported, sign);
            totals.Add(town, StationsOnTime, onTime == true ? sign : 0);
            _sums.Add(totals, town, submission, v => IsVillageOf(v, stationCode) ? rollup.IndexOf(v) : -1, sign);
        }
    }

    /// <summary>The regions a station's share is added to before rolling up: its town and the town's villages.</summary>
    public IEnumerable<int> RegionsOf(string stationCode) =>
        reference.VillagesOf(stationCode).Select(v => rollup.IndexOf(v.Code)).Prepend(rollup.IndexOf(stationCode)).Where(i => i >= 0);

    /// <summary>
    /// A village row of a station's submission counts only when the reference still places it in the
    /// station's town (validation checked it; a later reference may have moved it): every fact key
    /// then exists in dim_region.
    /// </summary>
    public bool IsVillageOf(string villageCode, string townCode) =>
        reference.FindRegion(villageCode) is { Level: RegionLevel.Village } village && village.ParentCode == townCode;
}
