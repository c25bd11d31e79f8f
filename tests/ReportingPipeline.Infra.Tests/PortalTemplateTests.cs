using ReportingPipeline.Hosting.Portal;
using ReportingPipeline.Storage;
using ReportingPipeline.Storage.Portal;

namespace ReportingPipeline.Infra.Tests;

/// <summary>What the station portal needs of the deployment: sign-in in front of the app, CORS for its page on the uploads account only, the right to sign upload SAS.</summary>
public sealed class PortalTemplateTests
{
    private static ArmResource Auth => CompiledTemplates.Single("Microsoft.Web/sites/config");

    [Fact]
    public void AuthSettings_RequireSignInAndAnswer401WithEntraId()
    {
        var auth = Auth;
        Assert.True(auth.Bool("properties.platform.enabled"));
        Assert.True(auth.Bool("properties.globalValidation.requireAuthentication"));
        Assert.Equal("Return401", auth.String("properties.globalValidation.unauthenticatedClientAction"));
        Assert.True(auth.Bool("properties.httpSettings.requireHttps"));
        Assert.EndsWith("/v2.0", auth.String("properties.identityProviders.azureActiveDirectory.registration.openIdIssuer"), StringComparison.Ordinal);
        Assert.StartsWith("https://login.", auth.String("properties.identityProviders.azureActiveDirectory.registration.openIdIssuer"), StringComparison.Ordinal);
    }

    [Fact]
    public void AuthSettings_WithoutAClientId_StayClosedRatherThanOpen()
    {
        // No provider until the registration exists: requests are refused, never let through anonymously.
        Assert.False(Auth.Bool("properties.identityProviders.azureActiveDirectory.enabled"));
        Assert.True(Auth.Bool("properties.globalValidation.requireAuthentication"));

        var configured = Assert.Single(CompiledTemplates.OfType("Microsoft.Web/sites/config", overrides: new Dictionary<string, System.Text.Json.Nodes.JsonNode?> { ["portalClientId"] = "11111111-2222-3333-4444-555555555555" }));
        Assert.True(configured.Bool("properties.identityProviders.azureActiveDirectory.enabled"));
        Assert.Equal("11111111-2222-3333-4444-555555555555", configured.String("properties.identityProviders.azureActiveDirectory.registration.clientId"));
    }

    [Fact]
    public void AuthSettings_ExcludeOnlyTheBlobEventWebhook()
    {
        var excluded = Auth.Property("properties.globalValidation.excludedPaths")!.AsArray().Select(p => p!.GetValue<string>()).ToList();
        Assert.Equal(["/runtime/webhooks/blobs"], excluded);
    }

    [Fact]
    public void Cors_OnlyTheUploadsAccount_OnlyThePortalOrigin_OnlyPut()
    {
        var services = CompiledTemplates.OfType("Microsoft.Storage/storageAccounts/blobServices");
        foreach (var service in services.Where(s => s.Scope.Name != "data-storage"))
        {
            Assert.Empty(service.Property("properties.cors.corsRules")!.AsArray());
        }

        var data = Assert.Single(services, s => s.Scope.Name == "data-storage");
        var rule = Assert.Single(data.Property("properties.cors.corsRules")!.AsArray())!;
        var origin = Assert.Single(data.Scope.ResolveDeep(rule["allowedOrigins"])!.AsArray())!.GetValue<string>();
        Assert.Equal(["PUT", "OPTIONS"], data.Scope.ResolveDeep(rule["allowedMethods"])!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal(BlobCors.AllowedHeaders, data.Scope.ResolveDeep(rule["allowedHeaders"])!.AsArray().Select(h => h!.GetValue<string>()));

        // The page is served by that very app.
        var site = CompiledTemplates.Single("Microsoft.Web/sites");
        Assert.Equal(origin, "https://" + site.String("name") + ".azurewebsites.net");
    }

    [Fact]
    public void AppSettings_NameTheUsersTableTheDataAccountHolds()
    {
        var site = CompiledTemplates.Single("Microsoft.Web/sites");
        var settings = site.Property("properties.siteConfig.appSettings")!.AsArray()
            .ToDictionary(s => s!["name"]!.GetValue<string>(), s => site.Scope.Resolve(s!["value"])!.ToString());
        var table = settings[$"{StorageOptions.SectionName}__{nameof(StorageOptions.StationUsersTable)}"];
        Assert.Equal(TableStationUsers.DefaultTableName, table);
        var account = Assert.Single(CompiledTemplates.OfType("Microsoft.Storage/storageAccounts"), a => a.Scope.Name == "data-storage");
        var tables = account.Scope.Resolve(System.Text.Json.Nodes.JsonValue.Create("[parameters('tables')]"))!.AsArray().Select(t => t!.GetValue<string>());
        Assert.Contains(table, tables);
        Assert.Equal(TimeSpan.FromMinutes(15), StationPortal.UploadUrlLifetime);
    }
}
