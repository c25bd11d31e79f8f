using System.Text.Json.Nodes;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Hosting.LocalHost;
using ReportingPipeline.Storage.Azure;

namespace ReportingPipeline.Infra.Tests;

/// <summary>
/// The three storage accounts (modules/storage-account.bicep deployed as data-storage, marts-storage and
/// host-storage) and the data account's lifecycle, as main.bicep deploys them with prod.bicepparam.
/// </summary>
public sealed class StorageTemplateTests
{
    private static readonly string[] AccountModules = ["data-storage", "marts-storage", "host-storage"];

    private static ArmResource Account(string module) => InModule("Microsoft.Storage/storageAccounts", module);

    private static ArmResource BlobService(string module) => InModule("Microsoft.Storage/storageAccounts/blobServices", module);

    private static ArmResource InModule(string type, string module) =>
        Assert.Single(CompiledTemplates.OfType(type), resource => resource.Scope.Name == module);

    /// <summary>The containers a storage-account module instance creates.</summary>
    private static string[] ContainersOf(string module) =>
        Strings(Account(module).Scope.Resolve(JsonValue.Create("[parameters('containers')]")));

    /// <summary>The account module that holds a container; fails unless exactly one does.</summary>
    private static string ModuleHolding(string container) =>
        Assert.Single(AccountModules, module => ContainersOf(module).Contains(container));

    private static string[] Strings(JsonNode? node) => node!.AsArray().Select(item => item!.GetValue<string>()).ToArray();

    [Fact]
    public void StorageAccounts_AreExactlyDataMartsAndHost() =>
        Assert.Equal(AccountModules.Order(), CompiledTemplates.OfType("Microsoft.Storage/storageAccounts").Select(account => account.Scope.Name).Order());

    [Theory]
    [InlineData("data-storage")]
    [InlineData("marts-storage")]
    [InlineData("host-storage")]
    public void StorageAccount_SharedKeyAndAnonymousAccess_AreOff(string module)
    {
        var account = Account(module);
        Assert.False(account.Bool("properties.allowSharedKeyAccess"));
        Assert.False(account.Bool("properties.allowBlobPublicAccess"));
        Assert.True(account.Bool("properties.defaultToOAuthAuthentication"));
        Assert.False(account.Bool("properties.allowCrossTenantReplication"));
        Assert.True(account.Bool("properties.encryption.requireInfrastructureEncryption"));
    }

    [Theory]
    [InlineData("data-storage")]
    [InlineData("marts-storage")]
    [InlineData("host-storage")]
    public void StorageAccount_Transport_IsHttpsWithTls12(string module)
    {
        Assert.Equal("TLS1_2", Account(module).String("properties.minimumTlsVersion"));
        Assert.True(Account(module).Bool("properties.supportsHttpsTrafficOnly"));
        Assert.Equal("StorageV2", Account(module).String("kind"));
    }

    [Theory]
    [InlineData(Containers.Submissions)]
    [InlineData(Containers.Reports)]
    [InlineData(Containers.Reference)]
    [InlineData(Containers.Staging)]
    [InlineData(BlobReceipt.ReceiptsContainer)]
    public void AccountHoldingStationData_HierarchicalNamespaceAndSharedKeys_AreOff(string container)
    {
        // With a hierarchical namespace, POSIX ACLs grant access that role-assignment conditions never see,
        // and the creator of a folder owns it: a station could take over another station's folder.
        var account = Account(ModuleHolding(container));
        Assert.False(account.Bool("properties.isHnsEnabled"));
        Assert.False(account.Bool("properties.allowSharedKeyAccess"));
        Assert.Equal("data-storage", account.Scope.Name);
    }

    [Fact]
    public void MartsAccount_HierarchicalNamespace_IsOnForPowerBiAndHoldsOnlyMarts()
    {
        Assert.Equal("marts-storage", ModuleHolding(Containers.Marts));
        Assert.True(Account("marts-storage").Bool("properties.isHnsEnabled"));
        Assert.Equal([Containers.Marts], ContainersOf("marts-storage"));
    }

    [Fact]
    public void HostAccount_HoldsTheDeploymentPackageOnly()
    {
        Assert.Equal(["app-package"], ContainersOf("host-storage"));
        Assert.False(Account("host-storage").Bool("properties.isHnsEnabled"));
    }

    [Fact]
    public void Containers_IncludeEveryPipelineContainer_AndNoneIsPublic()
    {
        Assert.All(Containers.All, container => ModuleHolding(container));
        Assert.Equal("data-storage", ModuleHolding("eventgrid-deadletter"));
        Assert.Equal("data-storage", ModuleHolding(BlobReceipt.ReceiptsContainer));
        Assert.All(CompiledTemplates.OfType("Microsoft.Storage/storageAccounts/blobServices/containers"),
            container => Assert.Equal("None", container.String("properties.publicAccess")));
    }

    [Fact]
    public void DataAccount_VersioningAndSoftDelete_AreOn()
    {
        var blobService = BlobService("data-storage");
        Assert.True(blobService.Bool("properties.isVersioningEnabled"));
        Assert.True(SoftDeleteDays("data-storage") >= 30);
    }

    [Theory]
    [InlineData("data-storage")]
    [InlineData("marts-storage")]
    [InlineData("host-storage")]
    public void HierarchicalNamespaceAccount_Versioning_IsOff(string module)
    {
        // Blob versioning with a hierarchical namespace is refused in some regions: one refusal fails the deployment.
        if (Account(module).Bool("properties.isHnsEnabled") == true)
        {
            Assert.False(BlobService(module).Bool("properties.isVersioningEnabled"));
        }
    }

    [Fact]
    public void MartsAccount_SoftDelete_IsOn() => Assert.True(SoftDeleteDays("marts-storage") >= 7);

    private static int SoftDeleteDays(string module)
    {
        // storage-account.bicep derives enabled/days from one parameter.
        var blobService = BlobService(module);
        Assert.Equal("[greater(parameters('softDeleteRetentionDays'), 0)]", blobService.String("properties.deleteRetentionPolicy.enabled"));
        Assert.Equal("[greater(parameters('softDeleteRetentionDays'), 0)]", blobService.String("properties.containerDeleteRetentionPolicy.enabled"));
        return blobService.Scope.Resolve(JsonValue.Create("[parameters('softDeleteRetentionDays')]"))!.GetValue<int>();
    }

    [Fact]
    public void StorageAccounts_Production_AreZoneRedundantWhereDataLives()
    {
        Assert.Contains(Account("data-storage").String("sku.name"), new[] { "Standard_ZRS", "Standard_GZRS" });
        Assert.Contains(Account("marts-storage").String("sku.name"), new[] { "Standard_ZRS", "Standard_GZRS" });
    }

    [Fact]
    public void LedgerTable_IsOnTheDataAccount()
    {
        var table = Assert.Single(CompiledTemplates.OfType("Microsoft.Storage/storageAccounts/tableServices/tables"),
            table => table.Scope.Name == "data-storage");
        // With it, its changes (named as the ledger names them) and the station portal's users (who may act for which station).
        Assert.Equal(["ledger", TableSubmissionLedger.ChangesTableOf("ledger"), "StationUsers"], Strings(table.Scope.Resolve(JsonValue.Create("[parameters('tables')]"))));
    }

    [Fact]
    public void Lifecycle_IsOnTheDataAccount()
    {
        var policy = CompiledTemplates.Single("Microsoft.Storage/storageAccounts/managementPolicies");
        Assert.Equal("data-lifecycle", policy.Scope.Name);
        var main = CompiledTemplates.MainJson["resources"]!["dataLifecycle"]!;
        Assert.Equal("[variables('dataStorageAccountName')]", main["properties"]!["parameters"]!["storageAccountName"]!["value"]!.GetValue<string>());
    }

    [Fact]
    public void Lifecycle_Submissions_MoveToCoolAfterAYear()
    {
        var rule = LifecycleRules().Single(rule => Prefixes(rule).Contains("submissions/"));
        var days = rule.Scope.Resolve(rule.Rule["definition"]!["actions"]!["baseBlob"]!["tierToCool"]!["daysAfterCreationGreaterThan"]);
        Assert.Equal(365, days!.GetValue<int>());
    }

    [Fact]
    public void Lifecycle_NoRule_DeletesSubmissionsReferenceOrReceipts()
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
                || prefix.StartsWith("reference", StringComparison.Ordinal)
                || prefix.StartsWith("receipts", StringComparison.Ordinal));
            Assert.Null(rule.Rule["definition"]!["actions"]!["baseBlob"]);
        }
    }

    [Fact]
    public void BlobAuditLog_RecordsWritesAndDeletesOnTheDataAccount()
    {
        var diagnostics = InModule("Microsoft.Insights/diagnosticSettings", "data-storage");
        Assert.True(diagnostics.Scope.Resolve(diagnostics.Body["condition"])!.GetValue<bool>());
        var categories = diagnostics.Property("properties.logs")!.AsArray()
            .Where(log => log!["enabled"]!.GetValue<bool>()).Select(log => log!["category"]!.GetValue<string>());
        Assert.Equal(["StorageWrite", "StorageDelete"], categories);
    }

    [Fact]
    public void DataAccount_Production_IsLockedAgainstDeletion()
    {
        var storageLock = InModule("Microsoft.Authorization/locks", "data-storage");
        Assert.Equal("CanNotDelete", storageLock.String("properties.level"));
        Assert.True(storageLock.Scope.Resolve(storageLock.Body["condition"])!.GetValue<bool>());
    }

    private sealed record LifecycleRule(JsonNode Rule, ArmScope Scope);

    private static IEnumerable<LifecycleRule> LifecycleRules()
    {
        var policy = CompiledTemplates.Single("Microsoft.Storage/storageAccounts/managementPolicies");
        return policy.Property("properties.policy.rules")!.AsArray().Select(rule => new LifecycleRule(rule!, policy.Scope));
    }

    private static string[] Prefixes(LifecycleRule rule) =>
        rule.Scope.Resolve(rule.Rule["definition"]!["filters"]!["prefixMatch"])?.AsArray()
            .Select(prefix => prefix!.GetValue<string>()).ToArray() ?? [];
}
