namespace ReportingPipeline.Infra.Tests;

/// <summary>Who may do what: every role assignment main.bicep can create, and the station role.</summary>
public sealed class AccessTemplateTests
{
    private static IReadOnlyList<ArmResource> Assignments => CompiledTemplates.OfType("Microsoft.Authorization/roleAssignments");

    [Fact]
    public void Analysts_ReadTheMartsContainerOnly()
    {
        var analysts = Assert.Single(Assignments, assignment => assignment.Scope.Name == "analyst-access");
        Assert.Equal(RoleIds.StorageBlobDataReader, RoleIds.Of(analysts));
        Assert.Equal("Group", analysts.String("principalType") ?? analysts.String("properties.principalType"));
        Assert.Matches(@"^\[resourceId\('Microsoft.Storage/storageAccounts/blobServices/containers', parameters\('storageAccountName'\), 'default', 'marts'\)\]$",
            analysts.String("scope"));
    }

    [Fact]
    public void Stations_GetTheCustomUploaderRoleWithACondition()
    {
        var stations = Assert.Single(Assignments, assignment => assignment.Scope.Name.Contains("station-access", StringComparison.Ordinal));
        Assert.Contains("reporting-station-uploader", stations.String("properties.roleDefinitionId"), StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(stations.String("properties.condition")));
        var role = CompiledTemplates.Single("Microsoft.Authorization/roleDefinitions");
        var permission = Assert.Single(role.Property("properties.permissions")!.AsArray());
        Assert.Empty(permission!["actions"]!.AsArray());
        Assert.Contains("stationUploaderDataActions()", permission["dataActions"]!.ToString(), StringComparison.Ordinal);
        Assert.Equal(["[resourceGroup().id]"], role.Property("properties.assignableScopes")!.AsArray().Select(scope => scope!.ToString()));
    }

    [Fact]
    public void Stations_AreAssignedInBatchesAnArmLoopCanHold()
    {
        var size = CompiledTemplates.MainJson["variables"]!["stationBatchSize"]!.GetValue<int>();
        Assert.InRange(size, 1, 800);
    }

    [Fact]
    public void RoleAssignments_AreExactlyTheKnownOnes()
    {
        // Nobody but the app may write marts or reports: a new role assignment anywhere must be added here
        // on purpose, after checking what it grants.
        var known = Assignments.Select(assignment => $"{Module(assignment)}:{Role(assignment)}").Order(StringComparer.Ordinal);
        Assert.Equal(
            new[]
            {
                "station-access:station-uploader",
                $"analyst-access:{RoleIds.StorageBlobDataReader}",
                $"event-grid:{RoleIds.StorageBlobDataContributor}",
                $"function-app:{RoleIds.MonitoringMetricsPublisher}",
                $"function-app:{RoleIds.StorageBlobDataOwner}",
                $"function-app:{RoleIds.StorageQueueDataContributor}",
                $"function-app:{RoleIds.StorageTableDataContributor}",
            }.Order(StringComparer.Ordinal),
            known);
    }

    // Module deployments in a loop have computed names ("[format('station-access-{0}', ...)]").
    private static string Module(ArmResource assignment) =>
        assignment.Scope.Name.Contains("station-access", StringComparison.Ordinal) ? "station-access" : assignment.Scope.Name;

    private static string Role(ArmResource assignment) =>
        RoleIds.Of(assignment).Contains("reporting-station-uploader", StringComparison.Ordinal) ? "station-uploader" : RoleIds.Of(assignment);

    [Fact]
    public void EventGridTopic_WritesOnlyTheDeadLetterContainer()
    {
        var topic = Assert.Single(Assignments, assignment => assignment.Scope.Name == "event-grid");
        Assert.Contains("parameters('deadLetterContainerName')", topic.String("scope"), StringComparison.Ordinal);
    }
}
