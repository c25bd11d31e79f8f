using System.Security.Cryptography;
using System.Text;

using ReportingPipeline.Core.Marts;

namespace ReportingPipeline.Presentation.PowerBi;

/// <summary>A relationship of the model: many rows of <paramref name="From"/> to one row of <paramref name="To"/>.</summary>
/// <param name="BothDirections">Filters also flow from the many side to the one side.</param>
public sealed record PowerBiRelationship(MartTable From, string FromColumn, MartTable To, string ToColumn, bool BothDirections = false)
{
    public string Name => $"{From.Name}.{FromColumn} → {To.Name}.{ToColumn}";
}

/// <summary>A level of the region hierarchy.</summary>
public sealed record PowerBiHierarchyLevel(string Name, string Column);

/// <summary>
/// The shape of the Power BI model around the mart tables: which column is each dimension's key, how the facts
/// join the dimensions, the region hierarchy and the date table. Everything is derived from <see cref="MartTables"/>.
/// </summary>
public static class PowerBiModel
{
    public const string RegionHierarchy = "地区层级";

    /// <summary>The dimension keys (one row per value).</summary>
    public static readonly IReadOnlyDictionary<MartTable, string> Keys = new Dictionary<MartTable, string>
    {
        [MartTables.DimRegion] = MartTables.VillageColumn,
        [MartTables.DimStation] = MartTables.StationColumn,
        [MartTables.DimPeriod] = DateColumn,
    };

    /// <summary>The date column of the date table (<c>dim_period</c>), one row per month.</summary>
    public const string DateColumn = "date";

    /// <summary>City › district › town › village on <c>dim_region</c>.</summary>
    public static readonly IReadOnlyList<PowerBiHierarchyLevel> RegionLevels =
    [
        new("市", MartTables.DimRegion["city_name"].Name),
        new("区县", MartTables.DimRegion["district_name"].Name),
        new("镇街", MartTables.DimRegion["town_name"].Name),
        new("村居", MartTables.DimRegion["village_name"].Name),
    ];

    /// <summary>Columns shown sorted by another column (Chinese month labels sort by yyyymm).</summary>
    public static readonly IReadOnlyDictionary<(MartTable Table, string Column), string> SortBy = new Dictionary<(MartTable, string), string>
    {
        [(MartTables.DimPeriod, MartTables.DimPeriod["label_zh"].Name)] = MartTables.DimPeriod["period_key"].Name,
    };

    /// <summary>
    /// The mart tables in the model. <c>agg_region_month</c> is left out: its rows hold five levels at once and its
    /// year-to-date columns accumulate over months, so any drag-and-drop sum of it would be wrong; the measures compute
    /// the same figures from the facts at whatever level and months are selected. It stays in the marts for other
    /// consumers (see the README).
    /// </summary>
    public static readonly IReadOnlyList<MartTable> Tables = [.. MartTables.All.Where(t => t != MartTables.AggRegionMonth)];

    /// <summary>
    /// Facts with a village join <c>dim_region</c>, the other facts join <c>dim_station</c>, every fact joins
    /// <c>dim_period</c> on its month. <c>dim_region</c> joins <c>dim_station</c> on the town (one station per town) with
    /// filters flowing one way only, from the station to its villages; a region selected on <c>dim_region</c> reaches the
    /// station facts inside the measures (<see cref="PowerBiMeasures"/>), which are blank for a single village. No
    /// relationship filters both ways.
    /// </summary>
    public static readonly IReadOnlyList<PowerBiRelationship> Relationships = BuildRelationships();

    /// <summary>Technical columns no analyst drags onto a visual: hashes, versions, ordinals, the sort key.</summary>
    public static readonly IReadOnlySet<string> TechnicalColumns = new HashSet<string>(StringComparer.Ordinal)
    {
        "sha256", "version", "issue_number", "period_key",
    };

    /// <summary>
    /// Hidden: the facts' join columns (period, station, village: analysts slice by the dimensions' names) and the
    /// technical columns. A fact column shown beside a dimension's would filter only its own table.
    /// </summary>
    public static bool IsHidden(MartTable table, string column) =>
        Relationships.Any(r => r.From == table && r.FromColumn == column) || TechnicalColumns.Contains(column);

    /// <summary>A stable GUID for a model object, so regenerating the files changes nothing.</summary>
    public static Guid StableId(string key)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("ReportingPipeline.PowerBi/" + key));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x50); // version 5 (name-based)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes);
    }

    private static List<PowerBiRelationship> BuildRelationships()
    {
        var relationships = new List<PowerBiRelationship>();
        foreach (var fact in MartTables.Facts)
        {
            if (fact.Columns.Any(c => c.Name == MartTables.VillageColumn))
            {
                relationships.Add(new(fact, MartTables.VillageColumn, MartTables.DimRegion, Keys[MartTables.DimRegion]));
            }
            else
            {
                relationships.Add(new(fact, fact[MartTables.StationColumn].Name, MartTables.DimStation, Keys[MartTables.DimStation]));
            }
        }

        foreach (var table in MartTables.Facts)
        {
            relationships.Add(new(table, table[MartTables.PeriodColumn].Name, MartTables.DimPeriod, DateColumn));
        }

        relationships.Add(new(MartTables.DimRegion, MartTables.DimRegion["town_code"].Name, MartTables.DimStation, Keys[MartTables.DimStation]));
        return relationships;
    }
}
