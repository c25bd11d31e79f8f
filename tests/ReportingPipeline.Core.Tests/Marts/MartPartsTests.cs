using ReportingPipeline.Core.Marts;
using ReportingPipeline.Testing;

namespace ReportingPipeline.Core.Tests.Marts;

/// <summary>How a month's files are split: cities in code order share a part until it has enough stations; the province's and cities' rollup rows are in the province's part.</summary>
public sealed class MartPartsTests
{
    [Fact]
    public void Parts_CitiesWithEnoughStations_EachHaveTheirOwnPart()
    {
        // Guangzhou (4401) has three stations, Yunfu (4453) one.
        var parts = new MartParts(SmallReference.Create(), minStations: 3);

        Assert.Equal(["4401", "4453"], parts.FactParts);
        Assert.Equal(["44", "4401", "4453"], parts.AggregateParts);
        Assert.Equal("4401", parts.OfStation(SmallReference.Liwan1));
        Assert.Equal("4453", parts.OfStation(SmallReference.Yuncheng));
        Assert.Equal("4453", parts.OfRegion(SmallReference.Yuncheng));
        Assert.Equal("44", parts.OfRegion("4453"));
        Assert.Equal("44", parts.OfRegion("44"));
        Assert.True(parts.IsProvincePart("44"));
        Assert.False(parts.IsProvincePart("4401"));
    }

    [Fact]
    public void Parts_SmallCities_ShareThePartOfTheFirst()
    {
        var parts = new MartParts(SmallReference.Create(), minStations: 5);

        Assert.Equal(["4401"], parts.FactParts);
        Assert.Equal(["44", "4401"], parts.AggregateParts);
        Assert.Equal("4401", parts.OfStation(SmallReference.Yuncheng));
        Assert.Equal("4401", parts.OfRegion(SmallReference.Yuncheng));
    }

    [Fact]
    public void Order_ExpectedStations_GroupedByPartInTheirOwnOrderWithin()
    {
        var reference = SmallReference.Create();
        var parts = new MartParts(reference, minStations: 1);
        var stations = new[] { SmallReference.Yuncheng, SmallReference.Liwan2Late, SmallReference.Liwan1 }.Select(c => reference.FindStation(c)!).ToList();

        Assert.Equal([SmallReference.Liwan2Late, SmallReference.Liwan1, SmallReference.Yuncheng], parts.Order(stations).Select(s => s.StationCode));
    }
}
