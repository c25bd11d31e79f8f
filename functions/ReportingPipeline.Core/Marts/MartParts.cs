using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Reference;

namespace ReportingPipeline.Core.Marts;

/// <summary>
/// How each month of a partitioned table is split into part files, so that a correction rewrites its own part and
/// not the whole month (issue 17: an incremental build costs what changed). A part is built from its stations only
/// and named by a region code, <c>part-{code}.parquet</c>:
/// <list type="bullet">
/// <item>a <b>city part</b>, named by its first city, holds the fact rows of the stations of one city, or of a run of
/// neighbouring cities (in code order) that together have at least <see cref="DefaultMinStations"/> stations, and the
/// <c>agg_region_month</c> rows of those cities' districts, towns and villages;</item>
/// <item>a <b>province part</b> (of <c>agg_region_month</c> only) holds the province's row and its cities' rows, which
/// sum every city part under it.</item>
/// </list>
/// Small cities share a part because every Parquet file carries its own footer and dictionaries: at one part per
/// city a province of 1,600 stations in 21 cities wrote 30 % more bytes. Every part of a month is written, empty when
/// none of its stations is expected, so that a month's files are the same set whichever build wrote them. A region
/// the reference does not place under a city (and a station whose town it does not know) falls in the part of its
/// top ancestor.
/// </summary>
public sealed class MartParts
{
    /// <summary>By default a part takes in neighbouring cities until it has this many stations (a national city has about 420).</summary>
    public const int DefaultMinStations = 400;

    private readonly ReferenceData _reference;
    private readonly string[] _partOf;
    private readonly HashSet<string> _provinceParts = new(StringComparer.Ordinal);

    /// <param name="minStations">A part takes in neighbouring cities until it has this many stations (<see cref="DefaultMinStations"/>).</param>
    public MartParts(ReferenceData reference, int minStations = DefaultMinStations)
    {
        _reference = reference;
        var regions = reference.Regions;

        // Each region's top ancestor and city (-1 above city level or where there is none), by their positions in the
        // reference, each found once: a region's are its parent's. Nationally there are half a million regions: walking
        // every lineage took most of a second, and maps by code 0.27 s of a cold correction.
        var top = new int[regions.Count];
        var city = new int[regions.Count];
        var placed = new bool[regions.Count];
        for (var i = 0; i < regions.Count; i++)
        {
            Place(i);
        }

        void Place(int i)
        {
            if (placed[i])
            {
                return;
            }

            // The reference is a checked tree (no cycles): the walk up ends at the province, at most five levels.
            var parent = reference.ParentIndexOf(i);
            if (parent < 0)
            {
                (top[i], city[i]) = (i, -1);
            }
            else
            {
                Place(parent);
                top[i] = top[parent];
                city[i] = regions[i].Level <= RegionLevel.City ? -1 : regions[parent].Level == RegionLevel.City ? parent : city[parent];
            }

            placed[i] = true;
        }

        // Cities in code order under each top region, gathered into parts of at least minStations stations.
        var stations = new int[regions.Count];
        foreach (var station in reference.Stations)
        {
            if (reference.IndexOfRegion(station.StationCode) is var i and >= 0 && city[i] >= 0)
            {
                stations[city[i]]++;
            }
        }

        var partOfCity = new Dictionary<int, string>();
        foreach (var cities in Enumerable.Range(0, regions.Count).Where(i => regions[i].Level == RegionLevel.City).GroupBy(i => top[i]))
        {
            string? part = null;
            var count = 0;
            foreach (var c in cities.OrderBy(i => regions[i].Code, StringComparer.Ordinal))
            {
                part ??= regions[c].Code;
                partOfCity[c] = part;
                count += stations[c];
                if (count >= minStations)
                {
                    part = null;
                    count = 0;
                }
            }
        }

        _partOf = new string[regions.Count];
        for (var i = 0; i < regions.Count; i++)
        {
            var part = _partOf[i] = city[i] >= 0 ? partOfCity[city[i]] : regions[top[i]].Code;
            if (regions[i].Level <= RegionLevel.City)
            {
                _provinceParts.Add(part);
            }
        }

        // Every region's part follows from its city's (or, above and outside cities, is its top region's): the cities'
        // parts name the layout for a given reference.
        Fingerprint = MartFingerprint.Of(reference.Fingerprint,
            MartFingerprint.Of(partOfCity.Select(c => $"{regions[c.Key].Code}={c.Value}").Order(StringComparer.Ordinal)));
        FactParts = [.. reference.Stations.Select(s => OfStation(s.StationCode)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        AggregateParts = [.. _partOf.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// The reference and the layout over it (which part each city's regions are in), on which every part file's key
    /// depends (<see cref="MonthKeys"/>), so that parts laid out anew over the same reference (another
    /// <see cref="MartBuilder.MinPartStations"/>, a release that groups cities otherwise) are all rebuilt: a file of the
    /// old layout named as a part of the new holds other stations' rows.
    /// </summary>
    public string Fingerprint { get; }

    /// <summary>The parts of each fact table's month: every part with a station in the reference.</summary>
    public IReadOnlyList<string> FactParts { get; }

    /// <summary>The parts of each <c>agg_region_month</c> month: every city part and every province part.</summary>
    public IReadOnlyList<string> AggregateParts { get; }

    /// <summary>The part holding a station's fact rows (its town's city's).</summary>
    public string OfStation(string stationCode) => _reference.IndexOfRegion(stationCode) is var i and >= 0 ? _partOf[i] : UnplacedPart;

    /// <summary>The part holding a region's <c>agg_region_month</c> row.</summary>
    public string OfRegion(string regionCode) =>
        _reference.IndexOfRegion(regionCode) is var i and >= 0 ? _partOf[i] : throw new KeyNotFoundException($"Region {regionCode} is not in the reference.");

    /// <summary>The part holding the <c>agg_region_month</c> row of the region at <paramref name="index"/> in the reference's regions.</summary>
    internal string OfRegion(int index) => _partOf[index];

    /// <summary>A province part: its rows sum every part under it, so it changes whenever any of them does.</summary>
    public bool IsProvincePart(string part) => _provinceParts.Contains(part);

    /// <summary>The part of a station whose town is not in the reference (validation rejects them; kept apart rather than guessed).</summary>
    public const string UnplacedPart = "0";

    /// <summary>A month's expected stations grouped by part, in part order and, within a part, in the order given.</summary>
    public IReadOnlyList<Station> Order(IEnumerable<Station> stations) =>
        [.. stations.Select((s, i) => (Station: s, Index: i)).OrderBy(s => OfStation(s.Station.StationCode), StringComparer.Ordinal).ThenBy(s => s.Index).Select(s => s.Station)];

    /// <summary>Each fact part's fingerprint of the month's inputs: what its files are built from besides the reference and the month.</summary>
    public IReadOnlyDictionary<string, string> FingerprintsOf(bool closed, IEnumerable<ManifestInput> inputs)
    {
        var byPart = inputs.GroupBy(i => OfStation(i.StationCode), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var parts = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in FactParts.Concat(byPart.Keys).Distinct(StringComparer.Ordinal))
        {
            parts[part] = MartFingerprint.OfPeriod(closed, byPart.GetValueOrDefault(part) ?? []);
        }

        return parts;
    }
}
