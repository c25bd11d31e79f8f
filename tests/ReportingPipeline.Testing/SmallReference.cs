using ReportingPipeline.Core.Reference;

namespace ReportingPipeline.Testing;

/// <summary>
/// A hand-made reference small enough to check by eye: Guangdong, two cities, three districts, five towns
/// (four with a station), twelve villages. Station 440103002 opens late (15 March 2022); station 440104001
/// closed on 20 February 2022; town 445302002 has no station.
/// </summary>
public static class SmallReference
{
    public const string Liwan1 = "440103001";
    public const string Liwan2Late = "440103002";
    public const string YuexiuClosed = "440104001";
    public const string Yuncheng = "445302001";

    public static ReferenceData Create(string fingerprint = "small-reference-v1", IEnumerable<Region>? extraRegions = null)
    {
        IReadOnlyList<Region> regions =
        [
            new("44", "广东省", RegionLevel.Province, null),
            new("4401", "广州市", RegionLevel.City, "44"),
            new("4453", "云浮市", RegionLevel.City, "44"),
            new("440103", "荔湾区", RegionLevel.District, "4401"),
            new("440104", "越秀区", RegionLevel.District, "4401"),
            new("445302", "云城区", RegionLevel.District, "4453"),
            new(Liwan1, "沙面街道", RegionLevel.Town, "440103"),
            new(Liwan2Late, "岭南街道", RegionLevel.Town, "440103"),
            new(YuexiuClosed, "洪桥街道", RegionLevel.Town, "440104"),
            new(Yuncheng, "云城街道", RegionLevel.Town, "445302"),
            new("445302002", "河口街道", RegionLevel.Town, "445302"),
            new("440103001001", "沙面社区", RegionLevel.Village, Liwan1),
            new("440103001002", "沙基社区", RegionLevel.Village, Liwan1),
            new("440103001003", "翠洲社区", RegionLevel.Village, Liwan1),
            new("440103002001", "华贵社区", RegionLevel.Village, Liwan2Late),
            new("440103002002", "和平社区", RegionLevel.Village, Liwan2Late),
            new("440104001001", "洪桥社区", RegionLevel.Village, YuexiuClosed),
            new("440104001002", "仓边社区", RegionLevel.Village, YuexiuClosed),
            new("445302001001", "城中社区", RegionLevel.Village, Yuncheng),
            new("445302001002", "黄岗村", RegionLevel.Village, Yuncheng),
            new("445302001003", "都杨村", RegionLevel.Village, Yuncheng),
            new("445302002001", "河口村", RegionLevel.Village, "445302002"),
            new("445302002002", "腰古村", RegionLevel.Village, "445302002"),
            .. extraRegions ?? [],
        ];
        IReadOnlyList<Station> stations =
        [
            new(Liwan1, "沙面街社工站", "广州市启创社会工作服务中心", new DateOnly(2020, 11, 1), null),
            new(Liwan2Late, "岭南街社工站", "广州市启创社会工作服务中心", new DateOnly(2022, 3, 15), null),
            new(YuexiuClosed, "洪桥街社工站", "广州市越秀区社会工作协会", new DateOnly(2021, 1, 1), new DateOnly(2022, 2, 20)),
            new(Yuncheng, "云城街社工站", "云浮市社会工作协会", new DateOnly(2021, 6, 1), null),
        ];
        return new ReferenceData(regions, stations, fingerprint);
    }
}
