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
        Assert.Equal("Group", analysts.String("properties.principalType"));
        Assert.Equal("marts", RoleIds.AccountOf(analysts));
        Assert.Equal("marts", analysts.Scope.Resolve(System.Text.Json.Nodes.JsonValue.Create("[parameters('containerName')]"))!.GetValue<string>());
        Assert.Matches(@"^\[resourceId\('Microsoft.Storage/storageAccounts/blobServices/containers', parameters\('storageAccountName'\), 'default', parameters\('containerName'\)\)\]$",
            analysts.String("scope"));
    }

    [Fact]
    public void ReferenceAdmins_WriteTheReferenceContainerOnly()
    {
        var admins = Assert.Single(Assignments, assignment => assignment.Scope.Name == "reference-admin-access");
        Assert.Equal(RoleIds.StorageBlobDataContributor, RoleIds.Of(admins));
        Assert.Equal("Group", admins.String("properties.principalType"));
        Assert.Equal("data", RoleIds.AccountOf(admins));
        Assert.Equal("reference", admins.Scope.Resolve(System.Text.Json.Nodes.JsonValue.Create("[parameters('containerName')]"))!.GetValue<string>());
        Assert.Contains("'Microsoft.Storage/storageAccounts/blobServices/containers'", admins.String("scope"), StringComparison.Ordinal);
        var groups = CompiledTemplates.MainJson["resources"]!["referenceAdminAccess"]!["properties"]!["parameters"]!["groupObjectIds"]!["value"]!;
        Assert.Equal("[parameters('referenceAdminGroupObjectIds')]", groups.GetValue<string>());
    }

    [Fact]
    public void Stations_GetTheCustomUploaderRoleWithACondition()
    {
        var stations = Assert.Single(Assignments, assignment => assignment.Scope.Name.Contains("station-access", StringComparison.Ordinal));
        Assert.Contains("reporting-station-uploader", stations.String("properties.roleDefinitionId"), StringComparison.Ordinal);
        Assert.StartsWith("[", stations.String("properties.condition"), StringComparison.Ordinal);
        Assert.Contains("stationAccessCondition(", stations.String("properties.condition"), StringComparison.Ordinal);
        Assert.Equal("2.0", stations.String("properties.conditionVersion"));
        Assert.Equal("data", RoleIds.AccountOf(stations));
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
        // on purpose, after checking what it grants and on which account.
        var known = Assignments.Select(assignment => $"{Module(assignment)}:{Role(assignment)}@{RoleIds.AccountOf(assignment) ?? "other"}")
            .Order(StringComparer.Ordinal);
        Assert.Equal(
            new[]
            {
                "station-access:station-uploader@data",
                $"analyst-access:{RoleIds.StorageBlobDataReader}@marts",
                $"reference-admin-access:{RoleIds.StorageBlobDataContributor}@data",
                $"event-grid:{RoleIds.StorageBlobDataContributor}@data",
                $"function-app:{RoleIds.MonitoringMetricsPublisher}@other",
                $"function-app:{RoleIds.StorageBlobDataOwner}@host",
                $"function-app:{RoleIds.StorageQueueDataContributor}@host",
                $"function-app:{RoleIds.StorageTableDataContributor}@host",
                $"function-app:{RoleIds.StorageBlobDataContributor}@data",
                $"function-app:{RoleIds.StorageTableDataContributor}@data",
                $"function-app:{RoleIds.StorageBlobDelegator}@data",
                $"function-app:{RoleIds.StorageBlobDataContributor}@marts",
            }.Order(StringComparer.Ordinal),
            known);
    }

    [Fact]
    public void App_OnTheDataAccount_IsNeverOwner()
    {
        // Owner on a storage account includes ACL and ownership rights; the app needs only to read and write.
        var onData = Assignments.Where(assignment => RoleIds.AccountOf(assignment) == "data").Select(RoleIds.Of);
        Assert.DoesNotContain(RoleIds.StorageBlobDataOwner, onData);
        Assert.DoesNotContain(RoleIds.StorageBlobDataOwner, Assignments.Where(assignment => RoleIds.AccountOf(assignment) == "marts").Select(RoleIds.Of));
    }

    [Fact]
    public void StationAssignments_AllCarryACondition()
    {
        // Any assignment of the custom station role anywhere in the template must be conditioned.
        var stationRoles = Assignments.Where(assignment => Role(assignment) == "station-uploader").ToArray();
        Assert.NotEmpty(stationRoles);
        Assert.All(stationRoles, assignment =>
        {
            Assert.False(string.IsNullOrWhiteSpace(assignment.String("properties.condition")));
            Assert.Equal("2.0", assignment.String("properties.conditionVersion"));
        });
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
        Assert.Equal("data", RoleIds.AccountOf(topic));
    }
}
