using System.Text.Json.Nodes;

namespace ReportingPipeline.Infra.Tests;

/// <summary>
/// The conditions that reach Azure, evaluated by `bicep build-params` from the real functions in
/// modules/station-access-conditions.bicep, then checked request by request.
/// </summary>
public sealed class StationAccessConditionsTests
{
    private const string Station = "440103001";
    private const string Neighbour = "440103002";

    private static readonly Lazy<JsonObject> Evaluated = new(() =>
    {
        var directory = Directory.CreateTempSubdirectory("station-conditions-");
        try
        {
            // Bicep accepts only relative import paths.
            var functions = Path.GetRelativePath(directory.FullName, InfraFiles.Module("station-access-conditions.bicep"))
                .Replace('\\', '/');
            var file = Path.Combine(directory.FullName, "evaluate.bicepparam");
            File.WriteAllText(file, $$"""
                using none
                import { stationAccessCondition, stationUploaderDataActions, isStationCode } from '{{functions}}'
                param station = stationAccessCondition('{{Station}}')
                param wildcard = stationAccessCondition('*********')
                param quoted = stationAccessCondition('44010300\'')
                param tooShort = stationAccessCondition('4401030')
                param dataActions = stationUploaderDataActions()
                param validCode = isStationCode('{{Station}}')
                param letterCode = isStationCode('44010300A')
                """);
            return BicepCli.BuildParameters(file);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    });

    private static string StationCondition => Evaluated.Value["station"]!.GetValue<string>();

    /// <summary>Allowed = the custom role grants the action and the condition holds.</summary>
    private static bool StationMay(AbacRequest request, string? condition = null)
    {
        var dataActions = Evaluated.Value["dataActions"]!.AsArray().Select(action => action!.GetValue<string>());
        return dataActions.Contains(request.Action) && AbacCondition.Allows(condition ?? StationCondition, request);
    }

    [Theory]
    [InlineData("2024-05/440103001/月报.xlsx")]
    [InlineData("2020-11/440103001/submission.json")]
    public void StationCondition_OwnSubmissionFolder_AllowsUpload(string path)
    {
        Assert.True(StationMay(AbacRequest.CreateBlob("submissions", path)));
        Assert.True(StationMay(AbacRequest.WriteBlob("submissions", path)));
    }

    [Theory]
    [InlineData("2024-05/440103002/a.xlsx")]
    [InlineData("2024-05/4401030011/a.xlsx")]
    [InlineData("2024-05/44010300/a.xlsx")]
    [InlineData("440103001/a.xlsx")]
    [InlineData("2024-05/a.xlsx")]
    [InlineData("a.xlsx")]
    [InlineData("x/2024-05/440103001/a.xlsx")]
    public void StationCondition_OutsideOwnFolder_DeniesUpload(string path)
    {
        Assert.False(StationMay(AbacRequest.CreateBlob("submissions", path)));
        Assert.False(StationMay(AbacRequest.WriteBlob("submissions", path)));
    }

    [Theory]
    [InlineData("reports")]
    [InlineData("marts")]
    [InlineData("reference")]
    [InlineData("staging")]
    [InlineData("app-package")]
    public void StationCondition_OtherContainers_DenyWrites(string container)
    {
        var ownPath = $"2024-05/{Station}/a.xlsx";
        Assert.False(StationMay(AbacRequest.CreateBlob(container, ownPath)));
        Assert.False(StationMay(AbacRequest.WriteBlob(container, ownPath)));
        Assert.False(StationMay(AbacRequest.WriteBlob(container, "regions.csv")));
    }

    [Fact]
    public void StationCondition_OwnReportsAndSubmissions_AllowRead()
    {
        Assert.True(StationMay(AbacRequest.ReadBlob("reports", $"2024-05/{Station}/a.xlsx.report.json")));
        Assert.True(StationMay(AbacRequest.ReadBlob("submissions", $"2024-05/{Station}/a.xlsx")));
    }

    [Theory]
    [InlineData("reports", "2024-05/440103002/a.xlsx.report.json")]
    [InlineData("submissions", "2024-05/440103002/a.xlsx")]
    [InlineData("marts", "fct_visits/month=2024-05/part-4401.parquet")]
    [InlineData("marts", "_manifest.json")]
    [InlineData("reference", "stations.csv")]
    [InlineData("staging", "2024-05/440103001/abc.json")]
    public void StationCondition_AnythingElse_DeniesRead(string container, string path) =>
        Assert.False(StationMay(AbacRequest.ReadBlob(container, path)));

    [Fact]
    public void StationCondition_ListingOwnFolder_IsAllowedAndOthersAreNot()
    {
        Assert.True(StationMay(AbacRequest.List("reports", $"2024-05/{Station}/")));
        Assert.False(StationMay(AbacRequest.List("reports", $"2024-05/{Neighbour}/")));
        Assert.False(StationMay(AbacRequest.List("reports", null)));
        Assert.False(StationMay(AbacRequest.List("reports", "2024-05/")));
        Assert.False(StationMay(AbacRequest.List("marts", $"2024-05/{Station}/")));
    }

    [Fact]
    public void StationUploaderRole_HasNoDelete() =>
        Assert.False(StationMay(AbacRequest.ReadBlob("submissions", $"2024-05/{Station}/a.xlsx") with { Action = AbacRequest.Delete }));

    [Theory]
    [InlineData("wildcard")]
    [InlineData("quoted")]
    [InlineData("tooShort")]
    public void StationCondition_MalformedStationCode_DeniesEverything(string evaluatedParameter)
    {
        var condition = Evaluated.Value[evaluatedParameter]!.GetValue<string>();
        foreach (var container in new[] { "submissions", "reports", "marts" })
        {
            foreach (var station in new[] { Station, "*********", "000000000" })
            {
                var path = $"2024-05/{station}/a.xlsx";
                Assert.False(StationMay(AbacRequest.CreateBlob(container, path), condition));
                Assert.False(StationMay(AbacRequest.WriteBlob(container, path), condition));
                Assert.False(StationMay(AbacRequest.ReadBlob(container, path), condition));
            }
        }
    }

    [Fact]
    public void IsStationCode_AcceptsNineDigitsOnly()
    {
        Assert.True(Evaluated.Value["validCode"]!.GetValue<bool>());
        Assert.False(Evaluated.Value["letterCode"]!.GetValue<bool>());
    }

    [Fact]
    public void StationAccessModule_EveryAssignmentCarriesTheStationCondition()
    {
        var template = CompiledTemplates.Template(Path.Combine("modules", "station-access.bicep"));
        var scope = new ArmScope(template, new Dictionary<string, JsonNode?>(), "station-access");
        var assignment = Assert.Single(scope.Resources(), resource => resource.Type == "Microsoft.Authorization/roleAssignments");
        Assert.Equal("2.0", assignment.String("properties.conditionVersion"));
        Assert.Matches(@"^\[\w+\.stationAccessCondition\(.*stationCode\)\]$", assignment.String("properties.condition"));
        Assert.Equal("Group", assignment.String("properties.principalType"));
        // A loop of role assignments holds at most 800 copies in one ARM template.
        Assert.Equal(800, template["parameters"]!["stations"]!["maxLength"]!.GetValue<int>());
    }
}
