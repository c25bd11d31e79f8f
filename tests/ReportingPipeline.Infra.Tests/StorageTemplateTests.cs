using ReportingPipeline.Core.Ports;
using ReportingPipeline.Hosting.LocalHost;

namespace ReportingPipeline.Infra.Tests;

/// <summary>modules/storage.bicep as deployed by main.bicep with prod.bicepparam.</summary>
public sealed class StorageTemplateTests
{
    private static ArmResource Account => CompiledTemplates.Single("Microsoft.Storage/storageAccounts");

    private static ArmResource BlobService => CompiledTemplates.Single("Microsoft.Storage/storageAccounts/blobServices");

    [Fact]
    public void StorageAccount_SharedKeyAndAnonymousAccess_AreOff()
    {
        Assert.False(Account.Bool("properties.allowSharedKeyAccess"));
        Assert.False(Account.Bool("properties.allowBlobPublicAccess"));
        Assert.True(Account.Bool("properties.defaultToOAuthAuthentication"));
        Assert.False(Account.Bool("properties.allowCrossTenantReplication"));
    }

    [Fact]
    public void StorageAccount_Transport_IsHttpsWithTls12()
    {
        Assert.Equal("TLS1_2", Account.String("properties.minimumTlsVersion"));
        Assert.True(Account.Bool("properties.supportsHttpsTrafficOnly"));
    }

    [Fact]
    public void StorageAccount_HierarchicalNamespace_IsOnForPowerBi()
    {
        Assert.True(Account.Bool("properties.isHnsEnabled"));
        Assert.Equal("StorageV2", Account.String("kind"));
    }

    [Fact]
    public void StorageAccount_Production_IsZoneRedundant() =>
        Assert.Contains(Account.String("sku.name"), new[] { "Standard_ZRS", "Standard_GZRS" });

    [Fact]
    public void BlobService_VersioningAndSoftDelete_AreOn()
    {
        Assert.True(BlobService.Bool("properties.isVersioningEnabled"));
        Assert.True(BlobService.Bool("properties.deleteRetentionPolicy.enabled"));
        Assert.True(BlobService.Int("properties.deleteRetentionPolicy.days") >= 30);
        Assert.True(BlobService.Bool("properties.containerDeleteRetentionPolicy.enabled"));
        Assert.True(BlobService.Int("properties.containerDeleteRetentionPolicy.days") >= 30);
    }

    [Fact]
    public void Containers_IncludeEveryPipelineContainer_AndNoneIsPublic()
    {
        var container = CompiledTemplates.Single("Microsoft.Storage/storageAccounts/blobServices/containers");
        var declared = container.Scope.Resolve(container.Scope.Template["variables"]!["pipelineContainers"])!
            .AsArray().Select(name => name!.GetValue<string>()).ToArray();
        Assert.Subset(declared.ToHashSet(), Containers.All.Append(BlobReceipt.ReceiptsContainer).ToHashSet());
        Assert.Equal("None", container.String("properties.publicAccess"));
    }

    [Fact]
    public void LedgerTable_IsDeclared()
    {
        var table = CompiledTemplates.Single("Microsoft.Storage/storageAccounts/tableServices/tables");
        Assert.Contains("parameters('ledgerTableName')", table.String("name"), StringComparison.Ordinal);
        Assert.Equal("ledger", table.Scope.Resolve(System.Text.Json.Nodes.JsonValue.Create("[parameters('ledgerTableName')]"))!.GetValue<string>());
    }

    [Fact]
    public void Lifecycle_Submissions_MoveToCoolAfterAYear()
    {
        var rule = LifecycleRules().Single(rule => Prefixes(rule).Contains("submissions/"));
        var days = rule.Scope.Resolve(rule.Rule["definition"]!["actions"]!["baseBlob"]!["tierToCool"]!["daysAfterCreationGreaterThan"]);
        Assert.Equal(365, days!.GetValue<int>());
    }

    [Fact]
    public void Lifecycle_NoRule_DeletesSubmissionsOrReference()
    {
        foreach (var rule in LifecycleRules())
        {
            var actions = rule.Rule["definition"]!["actions"]!.ToJsonString();
            if (!actions.Contains("\"delete\"", StringComparison.Ordinal))
            {
                continue;
            }
            var prefixes = Prefixes(rule);
            // A delete rule without a prefix would apply to the whole account.
            Assert.NotEmpty(prefixes);
            Assert.DoesNotContain(prefixes, prefix => prefix.StartsWith("submissions", StringComparison.Ordinal)
                || prefix.StartsWith("reference", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void BlobAuditLog_RecordsWritesAndDeletes()
    {
        var diagnostics = CompiledTemplates.Single("Microsoft.Insights/diagnosticSettings");
        var categories = diagnostics.Property("properties.logs")!.AsArray()
            .Where(log => log!["enabled"]!.GetValue<bool>()).Select(log => log!["category"]!.GetValue<string>());
        Assert.Equal(["StorageWrite", "StorageDelete"], categories);
    }

    [Fact]
    public void StorageAccount_Production_IsLockedAgainstDeletion()
    {
        var storageLock = CompiledTemplates.Single("Microsoft.Authorization/locks");
        Assert.Equal("CanNotDelete", storageLock.String("properties.level"));
        Assert.Equal(true, storageLock.Property("condition")?.GetValue<bool>());
    }

    private sealed record LifecycleRule(System.Text.Json.Nodes.JsonNode Rule, ArmScope Scope);

    private static IEnumerable<LifecycleRule> LifecycleRules()
    {
        var policy = CompiledTemplates.Single("Microsoft.Storage/storageAccounts/managementPolicies");
        return policy.Property("properties.policy.rules")!.AsArray().Select(rule => new LifecycleRule(rule!, policy.Scope));
    }

    private static string[] Prefixes(LifecycleRule rule) =>
        rule.Scope.Resolve(rule.Rule["definition"]!["filters"]!["prefixMatch"])?.AsArray()
            .Select(prefix => prefix!.GetValue<string>()).ToArray() ?? [];
}
