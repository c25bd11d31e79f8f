namespace ReportingPipeline.Infra.Tests;

/// <summary>dev.bicepparam and prod.bicepparam, as `bicep build-params` evaluates them.</summary>
public sealed class ParameterFilesTests
{
    [Theory]
    [InlineData("dev")]
    [InlineData("prod")]
    public void ParameterFile_StationGroups_HaveNineDigitCodesAndGroupIds(string environment)
    {
        var stations = CompiledTemplates.ParameterValues(environment)["stationGroups"]!.AsArray();
        Assert.All(stations, station =>
        {
            var code = station!["stationCode"]!.GetValue<string>();
            Assert.Matches("^[0-9]{9}$", code);
            Assert.True(Guid.TryParse(station["groupObjectId"]!.GetValue<string>(), out _));
        });
        Assert.Equal(stations.Count, stations.Select(station => station!["stationCode"]!.GetValue<string>()).Distinct().Count());
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("prod")]
    public void ParameterFile_EventGridSubscriptions_StartOff(string environment) =>
        Assert.False(CompiledTemplates.ParameterValues(environment)["subscribeEventGrid"]!.GetValue<bool>());

    [Fact]
    public void ProdParameters_KeepDataSafe()
    {
        var prod = CompiledTemplates.ParameterValues("prod");
        Assert.Equal("prod", prod["environmentName"]!.GetValue<string>());
        Assert.True(prod["lockStorage"]!.GetValue<bool>());
        Assert.Contains(prod["storageSku"]!.GetValue<string>(), new[] { "Standard_ZRS", "Standard_GZRS" });
        Assert.True(prod["softDeleteRetentionDays"]!.GetValue<int>() >= 30);
    }
}
