using ReportingPipeline.Core.Reference;
using ReportingPipeline.Synthetic;

namespace ReportingPipeline.Core.Tests.Synthetic;

public sealed class SyntheticReferenceTests
{
    [Fact]
    public void Generate_SameSeed_SameBytes_OtherSeed_OtherNames()
    {
        var first = SyntheticReference.Generate(Scale.Guangzhou, 7);
        var again = SyntheticReference.Generate(Scale.Guangzhou, 7);
        var other = SyntheticReference.Generate(Scale.Guangzhou, 8);

        Assert.Equal(first.RegionsCsv, again.RegionsCsv);
        Assert.Equal(first.StationsCsv, again.StationsCsv);
        Assert.NotEqual(first.RegionsCsv, other.RegionsCsv);
    }

    [Fact]
    public void Generate_Guangzhou_HasTheSeedsCountsAndRealDistricts()
    {
        var reference = SyntheticReference.Generate(Scale.Guangzhou, 1).Load();

        var districts = reference.Regions.Where(r => r.Level == RegionLevel.District).ToList();
        Assert.Equal(
            ["440103 荔湾区", "440104 越秀区", "440105 海珠区", "440106 天河区", "440111 白云区", "440112 黄埔区",
             "440113 番禺区", "440114 花都区", "440115 南沙区", "440117 从化区", "440118 增城区"],
            districts.Select(d => $"{d.Code} {d.Name}"));
        Assert.Equal(176, Count(reference, RegionLevel.Town));
        Assert.Equal(2807, Count(reference, RegionLevel.Village));
        Assert.Equal(176, reference.Stations.Count);
        Assert.All(reference.Stations, s => Assert.StartsWith("广州市", s.Operator, StringComparison.Ordinal));
    }

    [Fact]
    public void Generate_Sample_IsGuangzhouAndYunfuInGuangdong()
    {
        var reference = SyntheticReference.Generate(Scale.Sample, 2021).Load();

        Assert.Equal("44 广东省", string.Join(',', reference.Regions.Where(r => r.Level == RegionLevel.Province).Select(r => $"{r.Code} {r.Name}")));
        Assert.Equal(["4401", "4453"], reference.ChildrenOf("44").Select(c => c.Code));
        Assert.Equal(
            ["445302 云城区", "445303 云安区", "445321 新兴县", "445322 郁南县", "445381 罗定市"],
            reference.ChildrenOf("4453").Select(d => $"{d.Code} {d.Name}"));
        Assert.Equal(63, reference.ChildrenOf("4453").Sum(d => reference.ChildrenOf(d.Code).Count));
        Assert.Equal(176 + 63, reference.Stations.Count);
    }

    [Fact]
    public void Generate_Sample_MostStationsRunningByMilestone_AFewLateOrClosed()
    {
        var stations = SyntheticReference.Generate(Scale.Sample, 2021).Load().Stations;

        var late = stations.Count(s => s.OpenedOn > new DateOnly(2021, 10, 20));
        var closed = stations.Count(s => s.ClosedOn is not null);
        Assert.InRange(late, 1, stations.Count / 10);
        Assert.InRange(closed, 1, stations.Count / 10);
        Assert.All(stations, s => Assert.True(s.OpenedOn >= new DateOnly(2020, 11, 1)));
    }

    [Fact]
    public void Generate_SampleSeed_MatchesTheCommittedSampleData()
    {
        var files = SyntheticReference.Generate(Scale.Sample, SyntheticReference.SampleSeed);
        var committed = Path.Combine(RepositoryRoot(), "sample-data", "reference");

        Assert.Equal(files.RegionsCsv, File.ReadAllText(Path.Combine(committed, "regions.csv")));
        Assert.Equal(files.StationsCsv, File.ReadAllText(Path.Combine(committed, "stations.csv")));
    }

    [Fact]
    public void Generate_Guangdong_HasTwentyOneRealCitiesAndTheTargetCounts()
    {
        var reference = SyntheticReference.Generate(Scale.Guangdong, 3).Load();

        var cities = reference.ChildrenOf("44");
        Assert.Equal(21, cities.Count);
        Assert.Contains(cities, c => c is { Code: "4419", Name: "东莞市" });
        Assert.Contains(cities, c => c is { Code: "4453", Name: "云浮市" });
        Assert.InRange(Count(reference, RegionLevel.Town), 1_550, 1_650);
        Assert.InRange(Count(reference, RegionLevel.Village), 25_500, 26_500);
        Assert.Equal(Count(reference, RegionLevel.Town), reference.Stations.Count);
    }

    [Fact]
    public void Generate_National_IsOneSyntheticProvinceAtNationalVolume()
    {
        var reference = SyntheticReference.Generate(Scale.National, 4).Load();

        Assert.Equal(["99"], reference.Regions.Where(r => r.Level == RegionLevel.Province).Select(r => r.Code));
        Assert.InRange(Count(reference, RegionLevel.Town), 37_000, 39_000);
        Assert.InRange(Count(reference, RegionLevel.Village), 480_000, 500_000);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, "sample-data")) && File.Exists(Path.Combine(dir.FullName, "global.json")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("No repository root (sample-data and global.json) above " + AppContext.BaseDirectory);
    }

    private static int Count(ReferenceData reference, RegionLevel level) => reference.Regions.Count(r => r.Level == level);
}
