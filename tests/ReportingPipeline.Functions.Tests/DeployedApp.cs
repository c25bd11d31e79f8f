using System.Text.Json.Nodes;
using ReportingPipeline.Testing;

namespace ReportingPipeline.Functions.Tests;

/// <summary>The Functions app as infra/bicep deploys it (prod parameters, Event Grid subscribed).</summary>
internal static class DeployedApp
{
    public static readonly IReadOnlyDictionary<string, JsonNode?> Subscribed = new Dictionary<string, JsonNode?> { ["subscribeEventGrid"] = true };

    public static ArmResource Site => CompiledTemplates.Single("Microsoft.Web/sites", overrides: Subscribed);

    /// <summary>The app settings by name, with their values as far as they are known before deployment (else the ARM expression).</summary>
    public static IReadOnlyDictionary<string, string> AppSettings =>
        Site.Property("properties.siteConfig.appSettings")!.AsArray()
            .ToDictionary(s => s!["name"]!.GetValue<string>(), s => Site.Scope.Resolve(s!["value"])?.ToString() ?? "", StringComparer.Ordinal);

    /// <summary>
    /// The deployed app settings, pointed at Azurite: the settings whose values are the accounts' endpoints or the
    /// Application Insights connection (known only once deployed) are replaced by their local equivalents; every
    /// other setting is used as deployed.
    /// </summary>
    public static Dictionary<string, string?> AppSettingsOn(AzuriteFixture azurite)
    {
        var settings = AppSettings.ToDictionary(s => s.Key, s => (string?)s.Value, StringComparer.Ordinal);
        foreach (var endpoint in settings.Keys.Where(IsEndpoint).ToList())
        {
            settings.Remove(endpoint);
        }

        settings["AzureWebJobsStorage"] = azurite.ConnectionString;
        settings["DataStorage"] = azurite.ConnectionString;
        settings["Storage__ConnectionString"] = azurite.ConnectionString;
        settings["APPLICATIONINSIGHTS_CONNECTION_STRING"] = TestTelemetry.ConnectionString;
        settings.Remove("APPLICATIONINSIGHTS_AUTHENTICATION_STRING");
        // The deployment cloud's sign-in authority (environment().authentication.loginEndpoint): the public cloud's.
        settings["AZURE_AUTHORITY_HOST"] = "https://login.microsoftonline.com/";
        // No Power BI service here (its refresh client has tests of its own against a loopback server).
        settings["PowerBi__Enabled"] = "false";

        var unresolved = settings.Where(s => s.Value is { } value && value.StartsWith('[')).Select(s => s.Key).ToList();
        Assert.True(unresolved.Count == 0, "Deployed settings with values only Azure knows, not replaced for Azurite: " + string.Join(", ", unresolved));
        return settings;
    }

    /// <summary>A storage endpoint or identity setting of a connection (replaced by a connection string locally).</summary>
    private static bool IsEndpoint(string name) =>
        name.EndsWith("ServiceUri", StringComparison.Ordinal) || name.EndsWith("__serviceUri", StringComparison.Ordinal)
        || name.EndsWith("__credential", StringComparison.Ordinal) || name.EndsWith("__clientId", StringComparison.Ordinal)
        || name == "Storage__ManagedIdentityClientId";
}
