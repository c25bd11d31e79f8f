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

    private readonly Dictionary<string, string> _partOf = new(StringComparer.Ordinal);
    private readonly HashSet<string> _provinceParts = new(StringComparer.Ordinal);

    /// <param name="minStations">A part takes in neighbouring cities until it has this many stations (<see cref="DefaultMinStations"/>).</param>
    public MartParts(ReferenceData reference, int minStations = DefaultMinStations)
    {
        // Each region's top ancestor and city (null above city level or where there is none), each found once: a
        // region's are its parent's (nationally half a million regions; walking every lineage took most of a second).
        // One map of both, each region looked up once (two maps took 0.27 s of a cold national correction).
        var placed = new Dictionary<string, (string Top, string? City)>(reference.Regions.Count, StringComparer.Ordinal);
        var ofRegion = new (string Top, string? City)[reference.Regions.Count];
        for (var i = 0; i < ofRegion.Length; i++)
        {
            ofRegion[i] = Place(reference.Regions[i]);
        }

        (string Top, string? City) Place(Region region)
        {
            if (placed.TryGetValue(region.Code, out var known))
            {
                return known;
            }

            // The reference is a checked tree (no cycles): the walk up ends at the province, at most five levels.
            var parent = region.ParentCode is { } p ? reference.FindRegion(p) : null;
            (string Top, string? City) place;
            if (parent is null)
            {
                place = (region.Code, null);
            }
            else
            {
                var above = Place(parent);
                place = (above.Top, region.Level <= RegionLevel.City ? null : parent.Level == RegionLevel.City ? parent.Code : above.City);
            }

            placed[region.Code] = place;
            return place;
        }

        // Cities in code order under each top region, gathered into parts of at least minStations stations.
        var stations = reference.Stations.Select(s => placed.GetValueOrDefault(s.StationCode).City).OfType<string>()
            .GroupBy(c => c, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var partOfCity = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var cities in reference.Regions.Where(r => r.Level == RegionLevel.City).GroupBy(r => placed[r.Code].Top, StringComparer.Ordinal))
        {
            string? part = null;
            var count = 0;
            foreach (var c in cities.Select(r => r.Code).Order(StringComparer.Ordinal))
            {
                part ??= c;
                partOfCity[c] = part;
                count += stations.GetValueOrDefault(c);
                if (count >= minStations)
                {
                    part = null;
                    count = 0;
                }
            }
        }

        _partOf.EnsureCapacity(reference.Regions.Count);
        for (var i = 0; i < ofRegion.Length; i++)
        {
            var region = reference.Regions[i];
            var part = ofRegion[i].City is { } c ? partOfCity[c] : ofRegion[i].Top;
            _partOf[region.Code] = part;
            if (region.Level <= RegionLevel.City)
            {
                _provinceParts.Add(part);
            }
        }

        FactParts = [.. reference.Stations.Select(s => OfStation(s.StationCode)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        AggregateParts = [.. _partOf.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    /// <summary>The parts of each fact table's month: every part with a station in the reference.</summary>
    public IReadOnlyList<string> FactParts { get; }

    /// <summary>The parts of each <c>agg_region_month</c> month: every city part and every province part.</summary>
    public IReadOnlyList<string> AggregateParts { get; }

    /// <summary>The part holding a station's fact rows (its town's city's).</summary>
    public string OfStation(string stationCode) => _partOf.GetValueOrDefault(stationCode) ?? UnplacedPart;

    /// <summary>The part holding a region's <c>agg_region_month</c> row.</summary>
    public string OfRegion(string regionCode) => _partOf[regionCode];

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
