namespace ReportingPipeline.Synthetic;

/// <summary>A county-level unit as declared: a real code and name, or null for a synthetic one.</summary>
internal sealed record DistrictShape(string? Code, string? Name, DistrictKind Kind, int Streets, int Towns);

internal enum DistrictKind
{
    /// <summary>区: mostly streets (街道).</summary>
    District,

    /// <summary>县: towns (镇).</summary>
    County,

    /// <summary>县级市.</summary>
    CountyCity,

    /// <summary>
    /// 东莞 and 中山 have no county level: their towns hang off the city and carry codes 441900xxx and
    /// 442000xxx. The contract's five levels need a district, so the city's own 6-digit code stands in.
    /// </summary>
    CityDirect,
}

/// <summary>A city as declared: its real code and name, its towns, and how they split into districts.</summary>
internal sealed record CityShape(
    string Code,
    string Name,
    int Towns,
    double StreetShare,
    int Districts,
    int Counties,
    int CountyCities,
    IReadOnlyList<DistrictShape>? RealDistricts = null,
    int? Villages = null);

/// <summary>The real places the generator starts from (codes and names from China's division codes).</summary>
internal static class Geography
{
    public const string GuangdongCode = "44";

    public const string GuangdongName = "广东省";

    /// <summary>Guangzhou's 11 districts and their streets and towns: 176 town stations in all.</summary>
    public static readonly CityShape Guangzhou = new("4401", "广州市", 176, 0.8, 0, 0, 0,
    [
        new("440103", "荔湾区", DistrictKind.District, 22, 0),
        new("440104", "越秀区", DistrictKind.District, 18, 0),
        new("440105", "海珠区", DistrictKind.District, 18, 0),
        new("440106", "天河区", DistrictKind.District, 21, 0),
        new("440111", "白云区", DistrictKind.District, 20, 4),
        new("440112", "黄埔区", DistrictKind.District, 16, 1),
        new("440113", "番禺区", DistrictKind.District, 10, 6),
        new("440114", "花都区", DistrictKind.District, 4, 6),
        new("440115", "南沙区", DistrictKind.District, 3, 6),
        new("440117", "从化区", DistrictKind.District, 3, 5),
        new("440118", "增城区", DistrictKind.District, 6, 7),
    ],
    Villages: 2807);

    /// <summary>Yunfu's five county-level units: 63 town stations (the city's plan).</summary>
    public static readonly CityShape Yunfu = new("4453", "云浮市", 63, 0.15, 0, 0, 0,
    [
        new("445302", "云城区", DistrictKind.District, 4, 4),
        new("445303", "云安区", DistrictKind.District, 1, 6),
        new("445321", "新兴县", DistrictKind.County, 0, 12),
        new("445322", "郁南县", DistrictKind.County, 0, 15),
        new("445381", "罗定市", DistrictKind.CountyCity, 4, 17),
    ],
    // 323 village service points, each covering about three villages.
    Villages: 969);

    /// <summary>The 21 prefecture-level cities of Guangdong: about 1,600 towns and streets in all.</summary>
    public static readonly IReadOnlyList<CityShape> GuangdongCities =
    [
        Guangzhou,
        new("4402", "韶关市", 104, 0.10, 3, 5, 2),
        new("4403", "深圳市", 74, 1.00, 9, 0, 0),
        new("4404", "珠海市", 24, 0.60, 3, 0, 0),
        new("4405", "汕头市", 70, 0.50, 6, 1, 0),
        new("4406", "佛山市", 32, 0.35, 5, 0, 0),
        new("4407", "江门市", 73, 0.20, 3, 0, 4),
        new("4408", "湛江市", 121, 0.20, 4, 2, 3),
        new("4409", "茂名市", 111, 0.15, 2, 0, 3),
        new("4412", "肇庆市", 104, 0.12, 3, 4, 1),
        new("4413", "惠州市", 73, 0.30, 2, 3, 0),
        new("4414", "梅州市", 110, 0.10, 2, 5, 1),
        new("4415", "汕尾市", 54, 0.15, 1, 2, 1),
        new("4416", "河源市", 100, 0.08, 1, 5, 0),
        new("4417", "阳江市", 48, 0.15, 2, 1, 1),
        new("4418", "清远市", 85, 0.10, 2, 4, 2),
        new("4419", "东莞市", 32, 0.13, 0, 0, 0, [new("441900", "东莞市直辖镇街", DistrictKind.CityDirect, 4, 28)]),
        new("4420", "中山市", 23, 0.35, 0, 0, 0, [new("442000", "中山市直辖镇街", DistrictKind.CityDirect, 8, 15)]),
        new("4451", "潮州市", 51, 0.20, 2, 1, 0),
        new("4452", "揭阳市", 88, 0.15, 2, 2, 1),
        Yunfu,
    ];
}
