using ReportingPipeline.Hosting.Portal;
using ReportingPipeline.Storage;
using ReportingPipeline.Storage.Portal;

namespace ReportingPipeline.Infra.Tests;

/// <summary>What the station portal needs of the deployment: sign-in in front of the app, CORS for its page on the uploads account only, the right to sign upload SAS.</summary>
public sealed class PortalTemplateTests
{
    private static ArmResource Auth => CompiledTemplates.Single("Microsoft.Web/sites/config");

    [Fact]
    public void AuthSettings_RequireSignInAndSendBrowsersToEntraId()
    {
        var auth = Auth;
        Assert.True(auth.Bool("properties.platform.enabled"));
        Assert.True(auth.Bool("properties.globalValidation.requireAuthentication"));
        // A browser whose session expired goes to the sign-in, not a bare 401; the page's XMLHttpRequest calls still get 401.
        Assert.Equal("RedirectToLoginPage", auth.String("properties.globalValidation.unauthenticatedClientAction"));
        Assert.Equal("azureactivedirectory", auth.String("properties.globalValidation.redirectToProvider"));
        Assert.Contains("\"X-Requested-With\": \"XMLHttpRequest\"", System.Text.Encoding.UTF8.GetString(PortalPage.Content), StringComparison.Ordinal);
        Assert.True(auth.Bool("properties.httpSettings.requireHttps"));
        // The deployment cloud's sign-in endpoint and the staff's tenant, v2.0 tokens.
        var issuer = auth.String("properties.identityProviders.azureActiveDirectory.registration.openIdIssuer")!;
        Assert.Contains("environment().authentication.loginEndpoint", issuer, StringComparison.Ordinal);
        Assert.Contains("portalTenantId", issuer, StringComparison.Ordinal);
        Assert.Contains("/v2.0", issuer, StringComparison.Ordinal);
    }

    [Fact]
    public void AuthSettings_WithoutAClientId_StayClosedRatherThanOpen()
    {
        // No provider until the registration exists: requests are refused, never let through anonymously.
        Assert.Equal("[not(empty(parameters('portalClientId')))]", Auth.Body["properties"]!["identityProviders"]!["azureActiveDirectory"]!["enabled"]!.ToString());
        Assert.Equal("", Auth.String("properties.identityProviders.azureActiveDirectory.registration.clientId"));
        Assert.True(Auth.Bool("properties.globalValidation.requireAuthentication"));

        var configured = Assert.Single(CompiledTemplates.OfType("Microsoft.Web/sites/config", overrides: new Dictionary<string, System.Text.Json.Nodes.JsonNode?> { ["portalClientId"] = "11111111-2222-3333-4444-555555555555" }));
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
            Assert.Empty(Origins(service));
        }

        var data = Assert.Single(services, s => s.Scope.Name == "data-storage");
        var origin = Assert.Single(Origins(data));
        var rule = data.Body["properties"]!["cors"]!["corsRules"]!.ToString();
        Assert.Contains("createArray('PUT', 'OPTIONS')", rule, StringComparison.Ordinal);
        Assert.Contains("createArray(" + string.Join(", ", BlobCors.AllowedHeaders.Select(h => $"'{h}'")) + ")", rule, StringComparison.Ordinal);
        Assert.Contains("if(empty(parameters('corsOrigins')), createArray()", rule, StringComparison.Ordinal);

        // The page is served by that very app: portalOrigin when set (a custom domain, another cloud), else its default
        // host name in the deployment's cloud; never a wildcard.
        Assert.StartsWith("[if(empty(parameters('portalOrigin')), format('https://{0}{1}', variables('functionAppName'), ", origin, StringComparison.Ordinal);
        Assert.EndsWith(", parameters('portalOrigin'))]", origin, StringComparison.Ordinal);
        Assert.Contains("'.azurewebsites.net'", origin, StringComparison.Ordinal);
        Assert.DoesNotContain("*", origin, StringComparison.Ordinal);
        Assert.Equal("", CompiledTemplates.MainJson["parameters"]!["portalOrigin"]!["defaultValue"]!.GetValue<string>());
    }

    [Fact]
    public void AuthSettings_Issuer_IsAParameterForEntraExternalId()
    {
        const string externalId = "https://11111111-2222-3333-4444-555555555555.ciamlogin.com/11111111-2222-3333-4444-555555555555/v2.0";
        var configured = Assert.Single(CompiledTemplates.OfType("Microsoft.Web/sites/config", overrides: new Dictionary<string, System.Text.Json.Nodes.JsonNode?> { ["portalOpenIdIssuer"] = externalId }));
        Assert.Equal(externalId, configured.String("properties.identityProviders.azureActiveDirectory.registration.openIdIssuer"));
    }

    private static string[] Origins(ArmResource blobService) =>
        blobService.Scope.Resolve(System.Text.Json.Nodes.JsonValue.Create("[parameters('corsOrigins')]")) is System.Text.Json.Nodes.JsonArray origins
            ? [.. origins.Select(o => o!.GetValue<string>())]
            : [];

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
