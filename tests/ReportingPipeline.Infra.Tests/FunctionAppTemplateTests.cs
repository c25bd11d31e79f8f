using ReportingPipeline.Hosting;
using ReportingPipeline.Hosting.PowerBi;
using ReportingPipeline.Storage;

namespace ReportingPipeline.Infra.Tests;

/// <summary>modules/function-app.bicep and modules/monitoring.bicep as deployed by main.bicep.</summary>
public sealed class FunctionAppTemplateTests
{
    private static ArmResource Site => CompiledTemplates.Single("Microsoft.Web/sites");

    private static Dictionary<string, string> AppSettings =>
        Site.Property("properties.siteConfig.appSettings")!.AsArray()
            .ToDictionary(setting => setting!["name"]!.GetValue<string>(), setting => Site.Scope.Resolve(setting!["value"])!.ToString());

    [Fact]
    public void AppSettings_NameTheOptionsAndSchedulesTheAppReads()
    {
        var settings = AppSettings;
        Assert.Contains($"{StorageOptions.SectionName}__{nameof(StorageOptions.BlobServiceUri)}", settings.Keys);
        Assert.Contains($"{StorageOptions.SectionName}__{nameof(StorageOptions.TableServiceUri)}", settings.Keys);
        Assert.Contains($"{StorageOptions.SectionName}__{nameof(StorageOptions.LedgerTable)}", settings.Keys);
        Assert.Contains($"{PowerBiOptions.SectionName}__{nameof(PowerBiOptions.Enabled)}", settings.Keys);
        Assert.Contains($"{PowerBiOptions.SectionName}__{nameof(PowerBiOptions.WorkspaceId)}", settings.Keys);
        Assert.Contains($"{PowerBiOptions.SectionName}__{nameof(PowerBiOptions.DatasetId)}", settings.Keys);
        Assert.Contains($"{StorageOptions.SectionName}__{nameof(StorageOptions.MartsBlobServiceUri)}", settings.Keys);
        Assert.Contains($"{PowerBiOptions.SectionName}__{nameof(PowerBiOptions.ApiBaseUri)}", settings.Keys);
        Assert.Contains($"{PowerBiOptions.SectionName}__{nameof(PowerBiOptions.Scope)}", settings.Keys);
        // Azure.Identity's own variable: the authority the app's one credential signs in with (storage and Power BI).
        Assert.Contains("AZURE_AUTHORITY_HOST", settings.Keys);

        // The timers take their schedules from app settings by name (%Name%): those names must be set.
        var functions = Path.Combine(InfraFiles.BicepDirectory, "..", "..", "functions", "ReportingPipeline.Functions");
        foreach (var schedule in new[] { nameof(PipelineOptions.BuildMartsSchedule), nameof(PipelineOptions.CloseReportingPeriodSchedule) })
        {
            Assert.Contains(schedule, settings.Keys);
            Assert.Contains(Directory.EnumerateFiles(functions, "*.cs"), file => File.ReadAllText(file).Contains($"%{schedule}%", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Plan_IsFlexConsumption()
    {
        var plan = CompiledTemplates.Single("Microsoft.Web/serverfarms");
        Assert.Equal("FC1", plan.String("sku.name"));
        Assert.Equal("FlexConsumption", plan.String("sku.tier"));
        Assert.True(plan.Bool("properties.reserved"));
    }

    [Fact]
    public void Site_Runtime_IsDotnetIsolated10()
    {
        Assert.Equal("dotnet-isolated", Site.String("properties.functionAppConfig.runtime.name"));
        Assert.Equal("10.0", Site.String("properties.functionAppConfig.runtime.version"));
        Assert.Equal("SystemAssignedIdentity", Site.String("properties.functionAppConfig.deployment.storage.authentication.type"));
    }

    [Fact]
    public void Site_Identity_IsSystemAssigned() => Assert.Equal("SystemAssigned", Site.String("identity.type"));

    [Fact]
    public void Site_Transport_IsHttpsOnlyTls12AndNoFtp()
    {
        Assert.True(Site.Bool("properties.httpsOnly"));
        Assert.Equal("1.2", Site.String("properties.siteConfig.minTlsVersion"));
        Assert.Equal("Disabled", Site.String("properties.siteConfig.ftpsState"));
    }

    [Fact]
    public void Site_BasicPublishingCredentials_AreOff()
    {
        var policies = CompiledTemplates.OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies");
        Assert.Equal(2, policies.Count);
        Assert.All(policies, policy => Assert.False(policy.Bool("properties.allow")));
    }

    [Fact]
    public void AppSettings_HostStorage_IsIdentityBased()
    {
        var settings = AppSettings;
        Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"]);
        Assert.Contains("AzureWebJobsStorage__blobServiceUri", settings.Keys);
        Assert.Contains("AzureWebJobsStorage__queueServiceUri", settings.Keys);
        Assert.Contains("AzureWebJobsStorage__tableServiceUri", settings.Keys);
        Assert.DoesNotContain("AzureWebJobsStorage", settings.Keys);
        Assert.Equal("Authorization=AAD", settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
    }

    [Fact]
    public void AppSettings_HoldNoKeysOrConnectionStrings()
    {
        foreach (var (name, value) in AppSettings)
        {
            Assert.DoesNotContain("AccountKey", value, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("SharedAccessSignature", value, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("listKeys", value, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("sig=", value, StringComparison.OrdinalIgnoreCase);
            if (name != "APPLICATIONINSIGHTS_CONNECTION_STRING")
            {
                Assert.DoesNotContain("ConnectionString", name, StringComparison.OrdinalIgnoreCase);
            }
        }
        Assert.Null(Site.Property("properties.siteConfig.connectionStrings"));
    }

    [Fact]
    public void AppSettings_OmitWhatFlexConsumptionRejects()
    {
        // Flex Consumption takes the runtime from functionAppConfig and refuses these settings.
        Assert.DoesNotContain("FUNCTIONS_WORKER_RUNTIME", AppSettings.Keys);
        Assert.DoesNotContain("FUNCTIONS_EXTENSION_VERSION", AppSettings.Keys);
        Assert.DoesNotContain("WEBSITE_RUN_FROM_PACKAGE", AppSettings.Keys);
    }

    [Fact]
    public void AppRoleAssignments_AreExactlyTheContractRolesPerAccount()
    {
        var granted = CompiledTemplates.OfType("Microsoft.Authorization/roleAssignments")
            .Where(assignment => (assignment.String("properties.principalId") ?? "").Contains("Microsoft.Web/sites", StringComparison.Ordinal))
            .Select(assignment => $"{RoleIds.AccountOf(assignment) ?? assignment.String("scope")}:{RoleIds.Of(assignment)}")
            .Order(StringComparer.Ordinal);
        Assert.Equal(
            new[]
            {
                // AzureWebJobsStorage as the Functions documentation asks for an identity-based host.
                $"host:{RoleIds.StorageBlobDataOwner}",
                $"host:{RoleIds.StorageQueueDataContributor}",
                $"host:{RoleIds.StorageTableDataContributor}",
                // The pipeline's data: contributor, never owner.
                $"data:{RoleIds.StorageBlobDataContributor}",
                $"data:{RoleIds.StorageTableDataContributor}",
                // The station portal's user-delegation SAS.
                $"data:{RoleIds.StorageBlobDelegator}",
                $"marts:{RoleIds.StorageBlobDataContributor}",
                $"[resourceId('Microsoft.Insights/components', parameters('appInsightsName'))]:{RoleIds.MonitoringMetricsPublisher}",
            }.Order(StringComparer.Ordinal),
            granted);
    }

    [Fact]
    public void AppSettings_StorageEndpoints_PointAtTheirAccounts()
    {
        var settings = AppSettings;
        Assert.Equal("hostStorageAccountName", AccountParameter(settings["AzureWebJobsStorage__blobServiceUri"]));
        Assert.Equal("hostStorageAccountName", AccountParameter(settings["AzureWebJobsStorage__queueServiceUri"]));
        Assert.Equal("hostStorageAccountName", AccountParameter(settings["AzureWebJobsStorage__tableServiceUri"]));
        Assert.Equal("dataStorageAccountName", AccountParameter(settings["DataStorage__serviceUri"]));
        Assert.Equal("dataStorageAccountName", AccountParameter(settings["Storage__BlobServiceUri"]));
        Assert.Equal("dataStorageAccountName", AccountParameter(settings["Storage__TableServiceUri"]));
        Assert.Equal("martsStorageAccountName", AccountParameter(settings["Storage__MartsBlobServiceUri"]));
        Assert.EndsWith(".primaryEndpoints.blob]", settings["DataStorage__serviceUri"], StringComparison.Ordinal);
        Assert.EndsWith(".primaryEndpoints.table]", settings["Storage__TableServiceUri"], StringComparison.Ordinal);
        Assert.EndsWith(".primaryEndpoints.queue]", settings["AzureWebJobsStorage__queueServiceUri"], StringComparison.Ordinal);
        Assert.Equal("ledger", settings["Storage__LedgerTable"]);
        Assert.Contains("parameters('hostStorageAccountName')", Site.String("properties.functionAppConfig.deployment.storage.value"), StringComparison.Ordinal);
    }

    [Fact]
    public void AppSettings_BlobTriggerConnection_IsIdentityBasedServiceUriForm()
    {
        // The serviceUri form (not blobServiceUri) keeps the blob trigger's poison queue in AzureWebJobsStorage.
        var settings = AppSettings;
        Assert.Equal("managedidentity", settings["DataStorage__credential"]);
        Assert.Equal(["DataStorage__credential", "DataStorage__serviceUri"],
            settings.Keys.Where(key => key.StartsWith("DataStorage", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AppSettings_PowerBi_DefaultToTheGlobalCloud()
    {
        var settings = AppSettings;
        Assert.Equal("https://api.powerbi.com/v1.0/myorg/", settings["PowerBi__ApiBaseUri"]);
        Assert.Equal("https://analysis.windows.net/powerbi/api/.default", settings["PowerBi__Scope"]);
        // The authority follows the cloud the template is deployed to (login.chinacloudapi.cn in China).
        Assert.Equal("[environment().authentication.loginEndpoint]", settings["AZURE_AUTHORITY_HOST"]);
        // Refresh is on only once both ids are set.
        Assert.Contains("parameters('powerBiWorkspaceId')", settings["PowerBi__Enabled"], StringComparison.Ordinal);
        Assert.Contains("parameters('powerBiDatasetId')", settings["PowerBi__Enabled"], StringComparison.Ordinal);
    }

    [Fact]
    public void Site_AzdServiceTag_NamesTheServiceInAzureYaml()
    {
        Assert.Contains("'azd-service-name'", Site.String("tags"), StringComparison.Ordinal);
        Assert.Contains("parameters('azdServiceName')", Site.String("tags"), StringComparison.Ordinal);
        var serviceName = Site.Scope.Resolve(System.Text.Json.Nodes.JsonValue.Create("[parameters('azdServiceName')]"))!.GetValue<string>();
        Assert.Equal(serviceName, Assert.Single(AzdProject.Services).Key);
    }

    private static string AccountParameter(string endpointExpression)
    {
        var match = System.Text.RegularExpressions.Regex.Match(endpointExpression, @"'Microsoft\.Storage/storageAccounts', parameters\('(\w+)'\)");
        Assert.True(match.Success, endpointExpression);
        return match.Groups[1].Value;
    }

    [Fact]
    public void ApplicationInsights_LocalAuth_IsOff()
    {
        Assert.True(CompiledTemplates.Single("Microsoft.Insights/components").Bool("properties.DisableLocalAuth"));
        Assert.True(CompiledTemplates.Single("Microsoft.OperationalInsights/workspaces").Bool("properties.features.disableLocalAuth"));
    }

    [Fact]
    public void Outputs_CarryNoSecrets()
    {
        var outputs = CompiledTemplates.MainJson["outputs"]!.AsObject();
        Assert.All(outputs, output => Assert.DoesNotContain("list", output.Value!["value"]!.ToString(), StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(outputs, output => output.Value!["type"]!.GetValue<string>().StartsWith("secure", StringComparison.OrdinalIgnoreCase));
    }
}
