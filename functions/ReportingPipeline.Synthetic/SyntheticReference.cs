using System.Globalization;
using System.Text;
using ReportingPipeline.Core.Reference;

namespace ReportingPipeline.Synthetic;

/// <summary>A generated reference: the text of <c>regions.csv</c> and <c>stations.csv</c>.</summary>
public sealed record SyntheticReferenceFiles(string RegionsCsv, string StationsCsv)
{
    /// <summary>The files as the pipeline loads them; a generated reference that fails to load is a generator bug.</summary>
    public ReferenceData Load()
    {
        var result = ReferenceLoader.Load(new MemoryStream(Encoding.UTF8.GetBytes(RegionsCsv)), new MemoryStream(Encoding.UTF8.GetBytes(StationsCsv)));
        return result.Reference
            ?? throw new InvalidOperationException("The synthetic reference does not load: " + string.Join(Environment.NewLine, result.Errors));
    }
}

/// <summary>
/// Deterministic synthetic reference data shaped like the programme's world: real codes and names where
/// the seeds give them (Guangdong's cities, Guangzhou's and Yunfu's districts), plausible generated names
/// below, and a station per town, most opened in 2021, a few opening late and a few closed.
/// </summary>
public static class SyntheticReference
{
    /// <summary>The seed of the committed <c>sample-data/reference</c> (<see cref="Scale.Sample"/>).</summary>
    public const int SampleSeed = 2021;

    /// <summary>Villages (村/居) across Guangdong, about 16 per town.</summary>
    public const int GuangdongVillages = 26_000;

    /// <summary>Towns in the single synthetic province of <see cref="Scale.National"/>: China's count of towns and streets.</summary>
    public const int NationalTowns = 38_000;

    public const int NationalVillages = 490_000;

    /// <summary>The national scale's stand-in province: the contract holds exactly one province per reference.</summary>
    public const string NationalProvinceCode = "99";

    public const string NationalProvinceName = "全国合成省";

    private const int NationalCities = 90;

    /// <summary>Every station was running by this day (the programme's milestone); only the planned late openers are after it.</summary>
    private static readonly DateOnly AllRunningBy = new(2021, 10, 20);

    public static SyntheticReferenceFiles Generate(Scale scale, int seed)
    {
        var random = SeededRandom.For(seed, 1, (long)scale);
        var (provinceCode, provinceName, cities, villages) = scale switch
        {
            Scale.Sample => (Geography.GuangdongCode, Geography.GuangdongName, [Geography.Guangzhou, Geography.Yunfu], Geography.Guangzhou.Villages!.Value + Geography.Yunfu.Villages!.Value),
            Scale.Guangzhou => (Geography.GuangdongCode, Geography.GuangdongName, [Geography.Guangzhou], Geography.Guangzhou.Villages!.Value),
            Scale.Guangdong => (Geography.GuangdongCode, Geography.GuangdongName, Geography.GuangdongCities, GuangdongVillages),
            Scale.National => (NationalProvinceCode, NationalProvinceName, NationalCityShapes(random), NationalVillages),
            _ => throw new ArgumentOutOfRangeException(nameof(scale), scale, null),
        };

        var province = BuildTree(random, provinceCode, provinceName, cities, villages);
        var regions = new StringBuilder();
        var stations = new StringBuilder();
        CsvText.AppendRecord(regions, ReferenceLoader.RegionColumns);
        CsvText.AppendRecord(stations, ReferenceLoader.StationColumns);
        WriteRegions(regions, province);
        WriteStations(stations, random, province);
        return new SyntheticReferenceFiles(regions.ToString(), stations.ToString());
    }

    private sealed record Node(string Code, string Name, RegionLevel Level, string? ParentCode)
    {
        public List<Node> Children { get; } = [];

        /// <summary>A town that is a street (街道) rather than a town (镇): it has communities, not villages.</summary>
        public bool IsStreet { get; init; }

        /// <summary>How many villages a town draws, relative to its siblings.</summary>
        public double VillageWeight { get; init; } = 1;
    }

    private static List<CityShape> NationalCityShapes(Random random)
    {
        var weights = Enumerable.Range(0, NationalCities).Select(_ => random.Between(0.4, 1.6)).ToList();
        var towns = SeededRandom.Apportion(NationalTowns, weights, minimum: 40);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var shapes = new List<CityShape>();
        for (var i = 0; i < NationalCities; i++)
        {
            var units = Math.Clamp((int)Math.Round(towns[i] / random.Between(11, 18)), 3, 60);
            // Code ranges: districts 02-20, counties 21-80, county-level cities 81-99.
            var districts = Math.Clamp((int)Math.Round(units * random.Between(0.2, 0.4)), 1, 19);
            var countyCities = Math.Min(19, (int)Math.Round(units * random.Between(0.05, 0.15)));
            var counties = Math.Clamp(units - districts - countyCities, 0, 60);
            var code = (9901 + i).ToString(CultureInfo.InvariantCulture);
            shapes.Add(new CityShape(code, ChineseNames.Place(random, taken, "市"), towns[i], random.Between(0.1, 0.4), districts, counties, countyCities));
        }

        return shapes;
    }

    private static Node BuildTree(Random random, string provinceCode, string provinceName, IReadOnlyList<CityShape> cities, int totalVillages)
    {
        var province = new Node(provinceCode, provinceName, RegionLevel.Province, null);
        var fixedTowns = new List<(List<Node> Towns, int Villages)>();
        var pooledTowns = new List<Node>();
        foreach (var shape in cities)
        {
            var city = new Node(shape.Code, shape.Name, RegionLevel.City, provinceCode);
            province.Children.Add(city);
            var cityTowns = new List<Node>();
            foreach (var district in shape.RealDistricts ?? SyntheticDistricts(random, shape))
            {
                var districtNode = new Node(district.Code!, district.Name!, RegionLevel.District, city.Code);
                city.Children.Add(districtNode);
                AddTowns(random, districtNode, district);
                cityTowns.AddRange(districtNode.Children);
            }

            if (shape.Villages is { } villages)
            {
                fixedTowns.Add((cityTowns, villages));
            }
            else
            {
                pooledTowns.AddRange(cityTowns);
            }
        }

        foreach (var (towns, villages) in fixedTowns)
        {
            AddVillages(random, towns, villages);
        }

        AddVillages(random, pooledTowns, totalVillages - fixedTowns.Sum(f => f.Villages));
        return province;
    }

    private static List<DistrictShape> SyntheticDistricts(Random random, CityShape city)
    {
        var kinds = Enumerable.Repeat(DistrictKind.District, city.Districts)
            .Concat(Enumerable.Repeat(DistrictKind.County, city.Counties))
            .Concat(Enumerable.Repeat(DistrictKind.CountyCity, city.CountyCities))
            .ToList();
        var towns = SeededRandom.Apportion(city.Towns, kinds.Select(_ => random.Between(0.6, 1.4)).ToList(), minimum: 1);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var next = new Dictionary<DistrictKind, int> { [DistrictKind.District] = 2, [DistrictKind.County] = 21, [DistrictKind.CountyCity] = 81 };
        var shapes = new List<DistrictShape>();
        for (var i = 0; i < kinds.Count; i++)
        {
            var kind = kinds[i];
            var number = next[kind]++;
            var streetShare = kind switch
            {
                DistrictKind.District => Math.Min(1, city.StreetShare * 1.6),
                DistrictKind.County => 0.05,
                _ => city.StreetShare,
            };
            var streets = (int)Math.Round(towns[i] * streetShare);
            var suffix = kind switch { DistrictKind.District => "区", DistrictKind.County => "县", _ => "市" };
            shapes.Add(new DistrictShape(
                city.Code + number.ToString("D2", CultureInfo.InvariantCulture),
                ChineseNames.Place(random, taken, suffix),
                kind,
                streets,
                towns[i] - streets));
        }

        return shapes;
    }

    /// <summary>Streets take codes 001-099 and towns 101-, as in the statistical codes.</summary>
    private static void AddTowns(Random random, Node district, DistrictShape shape)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < shape.Streets + shape.Towns; i++)
        {
            var isStreet = i < shape.Streets;
            var number = isStreet ? i + 1 : 101 + (i - shape.Streets);
            district.Children.Add(new Node(
                district.Code + number.ToString("D3", CultureInfo.InvariantCulture),
                ChineseNames.Place(random, taken, isStreet ? "街道" : "镇"),
                RegionLevel.Town,
                district.Code)
            {
                IsStreet = isStreet,
                // Rural towns hold more villages than urban streets hold communities.
                VillageWeight = isStreet ? random.Between(0.5, 1.1) : random.Between(1.0, 2.2),
            });
        }
    }

    /// <summary>Communities (社区,居委会) take codes 001-199 and villages (村, 村委会) 201-, as in the statistical codes.</summary>
    private static void AddVillages(Random random, List<Node> towns, int total)
    {
        if (towns.Count == 0)
        {
            return;
        }

        var counts = SeededRandom.Apportion(total, towns.Select(t => t.VillageWeight).ToList(), minimum: 1);
        for (var t = 0; t < towns.Count; t++)
        {
            var town = towns[t];
            var communities = town.IsStreet ? counts[t] : Math.Min(counts[t], random.Next(1, 4));
            var taken = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < counts[t]; i++)
            {
                var isCommunity = i < communities;
                var number = isCommunity ? i + 1 : 201 + (i - communities);
                if (number > 999 || (isCommunity && number > 199))
                {
                    throw new InvalidOperationException($"Town {town.Code} drew {counts[t]} villages: more than its codes can hold.");
                }

                town.Children.Add(new Node(
                    town.Code + number.ToString("D3", CultureInfo.InvariantCulture),
                    ChineseNames.Place(random, taken, isCommunity ? "社区" : "村"),
                    RegionLevel.Village,
                    town.Code));
            }
        }
    }

    private static void WriteRegions(StringBuilder csv, Node node)
    {
        CsvText.AppendRecord(csv, node.Code, node.Name, ReferenceLoader.LevelName(node.Level), node.ParentCode ?? string.Empty);
        foreach (var child in node.Children)
        {
            WriteRegions(csv, child);
        }
    }

    private static void WriteStations(StringBuilder csv, Random random, Node province)
    {
        var operatorNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var city in province.Children)
        {
            foreach (var district in city.Children)
            {
                // A district buys station services from a handful of organisations, each running several stations.
                var operators = Enumerable.Range(0, random.Next(2, 6))
                    .Select(_ => ChineseNames.Organisation(random, city.Name, operatorNames))
                    .ToList();
                foreach (var town in district.Children)
                {
                    var (openedOn, closedOn) = StationDates(random);
                    CsvText.AppendRecord(csv,
                        town.Code,
                        town.Name + "社工站",
                        random.Pick(operators),
                        Format(openedOn),
                        closedOn is { } closed ? Format(closed) : string.Empty);
                }
            }
        }
    }

    /// <summary>
    /// About 10% opened in the first wave (Nov-Dec 2020), most during 2021 up to the 20 October milestone,
    /// about 3% opening late (new or split towns, 2022-2023) and about 2% closed later (merged towns).
    /// </summary>
    private static (DateOnly OpenedOn, DateOnly? ClosedOn) StationDates(Random random)
    {
        var roll = random.NextDouble();
        DateOnly openedOn;
        if (roll < 0.10)
        {
            openedOn = DayBetween(random, new DateOnly(2020, 11, 1), new DateOnly(2020, 12, 31));
        }
        else if (roll < 0.97)
        {
            openedOn = DayBetween(random, new DateOnly(2021, 1, 1), AllRunningBy);
        }
        else
        {
            openedOn = DayBetween(random, new DateOnly(2022, 1, 1), new DateOnly(2023, 12, 31));
        }

        DateOnly? closedOn = null;
        if (random.NextDouble() < 0.02)
        {
            var earliest = openedOn.AddMonths(6) > new DateOnly(2022, 3, 1) ? openedOn.AddMonths(6) : new DateOnly(2022, 3, 1);
            closedOn = DayBetween(random, earliest, earliest.AddMonths(24));
        }

        return (openedOn, closedOn);
    }

    private static DateOnly DayBetween(Random random, DateOnly first, DateOnly last) =>
        first.AddDays(random.Next(last.DayNumber - first.DayNumber + 1));

    private static string Format(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
