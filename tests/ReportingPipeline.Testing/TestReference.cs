using System.Globalization;
using System.Text;
using ReportingPipeline.Core.Intake;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Core.Reference;

namespace ReportingPipeline.Testing;

/// <summary>
/// A small reference for tests: Guangdong → Guangzhou → Liwan → Shamian street with three villages (one
/// station, opened 2021-03), and a neighbouring street with its own station and village.
/// </summary>
public static class TestReference
{
    public const string ProvinceCode = "44";
    public const string CityCode = "4401";
    public const string DistrictCode = "440103";
    public const string StationCode = "440103001";
    public const string StationName = "沙面街社工站";
    public const string OtherStationCode = "440103002";
    public const string OtherTownVillage = "440103002001";

    /// <summary>The station's villages, in file order.</summary>
    public static readonly IReadOnlyList<string> Villages = ["440103001001", "440103001002", "440103001003"];

    public static readonly DateOnly OpenedOn = new(2021, 3, 1);

    public static ReferenceData Create() => new(
        [
            new Region(ProvinceCode, "广东省", RegionLevel.Province, null),
            new Region(CityCode, "广州市", RegionLevel.City, ProvinceCode),
            new Region(DistrictCode, "荔湾区", RegionLevel.District, CityCode),
            new Region(StationCode, "沙面街道", RegionLevel.Town, DistrictCode),
            new Region(Villages[0], "沙面社区", RegionLevel.Village, StationCode),
            new Region(Villages[1], "翠洲社区", RegionLevel.Village, StationCode),
            new Region(Villages[2], "沙基社区", RegionLevel.Village, StationCode),
            new Region(OtherStationCode, "岭南街道", RegionLevel.Town, DistrictCode),
            new Region(OtherTownVillage, "下九社区", RegionLevel.Village, OtherStationCode),
        ],
        [
            new Station(StationCode, StationName, "广州市荔湾区启创社会工作服务中心", OpenedOn, null),
            new Station(OtherStationCode, "岭南街社工站", "广州市荔湾区启创社会工作服务中心", new DateOnly(2021, 3, 1), new DateOnly(2024, 6, 30)),
        ],
        fingerprint: "test-reference");

    /// <summary>Writes <paramref name="reference"/> into the store's <c>reference</c> container as the two CSV files a programme office uploads.</summary>
    public static async Task WriteAsync(IBlobStore store, ReferenceData reference)
    {
        // The columns and level names as the loader declares them (no name here holds a comma or a quote).
        var regions = new StringBuilder().AppendJoin(',', ReferenceLoader.RegionColumns).Append('\n');
        foreach (var r in reference.Regions)
        {
            regions.Append(CultureInfo.InvariantCulture, $"{r.Code},{r.Name},{ReferenceLoader.LevelName(r.Level)},{r.ParentCode}\n");
        }

        var stations = new StringBuilder().AppendJoin(',', ReferenceLoader.StationColumns).Append('\n');
        foreach (var s in reference.Stations)
        {
            stations.Append(CultureInfo.InvariantCulture, $"{s.StationCode},{s.Name},{s.Operator},{s.OpenedOn:yyyy-MM-dd},{s.ClosedOn:yyyy-MM-dd}\n");
        }

        await store.WriteAsync(Containers.Reference, ReferenceStore.RegionsFile, new MemoryStream(Encoding.UTF8.GetBytes(regions.ToString())), "text/csv");
        await store.WriteAsync(Containers.Reference, ReferenceStore.StationsFile, new MemoryStream(Encoding.UTF8.GetBytes(stations.ToString())), "text/csv");
    }
}
