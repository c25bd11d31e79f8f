using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Reference;

namespace ReportingPipeline.Core.Marts;

/// <summary>
/// How each month of a partitioned table is split into part files, so that a correction rewrites its own city's
/// part and not the whole month (issue 17: an incremental build costs what changed). A part is named by a region
/// code, <c>part-{code}.parquet</c>, and is built from that region's stations only:
/// <list type="bullet">
/// <item>a <b>city part</b> holds the fact rows of the city's stations and the <c>agg_region_month</c> rows of its
/// districts, towns and villages;</item>
/// <item>a <b>province part</b> (of <c>agg_region_month</c> only) holds the province's row and its cities' rows, which
/// sum every city under it.</item>
/// </list>
/// Every part of a month is written, empty when none of its stations is expected, so that a month's files are the
/// same set whichever build wrote them. A region the reference does not place under a city (and a station whose
/// town it does not know) falls in the part of its top ancestor.
/// </summary>
internal sealed class MartParts
{
    private readonly ReferenceData _reference;
    private readonly Dictionary<string, string> _partOf = new(StringComparer.Ordinal);
    private readonly HashSet<string> _provinceParts = new(StringComparer.Ordinal);

    public MartParts(ReferenceData reference)
    {
        _reference = reference;
        foreach (var region in reference.Regions)
        {
            var lineage = reference.Lineage(region.Code).ToList();
            var top = lineage[^1].Code;
            var city = lineage.FirstOrDefault(r => r.Level == RegionLevel.City);
            var part = region.Level <= RegionLevel.City || city is null ? top : city.Code;
            _partOf[region.Code] = part;
            if (region.Level <= RegionLevel.City)
            {
                _provinceParts.Add(part);
            }
        }

        FactParts = [.. reference.Stations.Select(s => OfStation(s.StationCode)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        AggregateParts = [.. _partOf.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    /// <summary>The parts of each fact table's month: one per city with a station in the reference.</summary>
    public IReadOnlyList<string> FactParts { get; }

    /// <summary>The parts of each <c>agg_region_month</c> month: every city's and every province's.</summary>
    public IReadOnlyList<string> AggregateParts { get; }

    /// <summary>The part holding a station's fact rows (its town's city).</summary>
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
