using System.Runtime.InteropServices;
using ReportingPipeline.Core.Contract;

namespace ReportingPipeline.Core.Reference;

public enum RegionLevel
{
    Province,
    City,
    District,
    Town,
    Village,
}

/// <summary>A row of <c>regions.csv</c>.</summary>
public sealed record Region(string Code, string Name, RegionLevel Level, string? ParentCode);

/// <summary>A row of <c>stations.csv</c>: one station per town, coded by the town's 9-digit code.</summary>
public sealed record Station(string StationCode, string Name, string Operator, DateOnly OpenedOn, DateOnly? ClosedOn)
{
    /// <summary>A station is expected to report for every month in which it is open, even for a day.</summary>
    public bool IsOpenIn(Period period) =>
        OpenedOn <= period.LastDay && (ClosedOn is null || ClosedOn.Value >= period.FirstDay);

    /// <summary>1 in the first twelve months after opening, 2 in the next twelve, and so on.</summary>
    public int YearOfOperation(Period period) =>
        period < Period.Of(OpenedOn) ? 0 : (period.MonthsSince(Period.Of(OpenedOn)) / 12) + 1;
}

/// <summary>
/// The checked reference: the region tree and the station register, with the look-ups validation and
/// the marts need. Built only by <see cref="ReferenceLoader"/>, which refuses a broken reference.
/// </summary>
public sealed class ReferenceData
{
    private readonly Dictionary<string, int> _regionIndex;
    private readonly int[] _parentIndex;
    private readonly Dictionary<string, Station> _stations;
    private readonly Dictionary<string, List<Region>> _children;

    public ReferenceData(IReadOnlyList<Region> regions, IReadOnlyList<Station> stations, string fingerprint)
        : this(regions, IndexByCode(regions), null, stations, fingerprint)
    {
    }

    /// <summary>With the regions' index by code and each one's parent's index as <see cref="ReferenceLoader"/> found them while checking the tree.</summary>
    internal ReferenceData(IReadOnlyList<Region> regions, Dictionary<string, int> regionIndex, int[]? parentIndex, IReadOnlyList<Station> stations, string fingerprint)
    {
        Regions = regions;
        Stations = stations;
        Fingerprint = fingerprint;
        _regionIndex = regionIndex;
        _parentIndex = parentIndex ?? [.. regions.Select(r => r.ParentCode is { } parent ? regionIndex.GetValueOrDefault(parent, -1) : -1)];
        _stations = stations.ToDictionary(s => s.StationCode, StringComparer.Ordinal);
        _children = new Dictionary<string, List<Region>>(StringComparer.Ordinal);
        List<Region>? siblings = null;
        foreach (var region in regions)
        {
            if (region.ParentCode is not null)
            {
                // Regions come parent by parent: the previous region's list is usually this one's.
                if (siblings is not [{ ParentCode: var parent }, ..] || !string.Equals(parent, region.ParentCode, StringComparison.Ordinal))
                {
                    ref var list = ref CollectionsMarshal.GetValueRefOrAddDefault(_children, region.ParentCode, out _);
                    siblings = list ??= [];
                }

                siblings.Add(region);
            }
        }
    }

    /// <summary>Every region, in file order.</summary>
    public IReadOnlyList<Region> Regions { get; }

    /// <summary>Every station, in file order.</summary>
    public IReadOnlyList<Station> Stations { get; }

    /// <summary>A hash of the reference files' content: a changed reference rebuilds every mart.</summary>
    public string Fingerprint { get; }

    public Region? FindRegion(string code) => _regionIndex.TryGetValue(code, out var index) ? Regions[index] : null;

    /// <summary>Where the region is in <see cref="Regions"/>; -1 when there is no such region.</summary>
    public int IndexOfRegion(string code) => _regionIndex.TryGetValue(code, out var index) ? index : -1;

    /// <summary>Where the parent of the region at <paramref name="index"/> is in <see cref="Regions"/>; -1 for the province.</summary>
    public int ParentIndexOf(int index) => _parentIndex[index];

    public Station? FindStation(string code) => _stations.GetValueOrDefault(code);

    public IReadOnlyList<Region> ChildrenOf(string code) =>
        _children.TryGetValue(code, out var list) ? list : [];

    /// <summary>The villages of a town (a station's villages), in file order.</summary>
    public IReadOnlyList<Region> VillagesOf(string townCode) => ChildrenOf(townCode);

    /// <summary>The region and its ancestors, nearest first, ending at the province.</summary>
    public IEnumerable<Region> Lineage(string code)
    {
        for (var region = FindRegion(code); region is not null; region = region.ParentCode is null ? null : FindRegion(region.ParentCode))
        {
            yield return region;
        }
    }

    private static Dictionary<string, int> IndexByCode(IReadOnlyList<Region> regions)
    {
        var index = new Dictionary<string, int>(regions.Count, StringComparer.Ordinal);
        for (var i = 0; i < regions.Count; i++)
        {
            index.Add(regions[i].Code, i);
        }

        return index;
    }

    /// <summary>The stations open in a month: the ones expected to report.</summary>
    public IEnumerable<Station> StationsOpenIn(Period period) => Stations.Where(s => s.IsOpenIn(period));
}
