using System.Net;
using System.Text.Json;
using Azure.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ReportingPipeline.Hosting.PowerBi;

namespace ReportingPipeline.Hosting.Tests.PowerBi;

public sealed class PowerBiRefreshClientTests
{
    [Fact]
    public async Task RequestRefreshAsync_Enabled_PostsRefreshWithBearerTokenAndNoNotification()
    {
        using var server = new LoopbackHttpServer();
        var credential = new FakeCredential("token-abc");
        await using var services = Services(server, credential, enabled: true);

        var requested = await services.GetRequiredService<PowerBiRefreshClient>().RequestRefreshAsync();

        Assert.True(requested);
        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1.0/myorg/groups/ws-1/datasets/ds-9/refreshes", request.Path);
        Assert.Equal("Bearer token-abc", request.Authorization);
        Assert.StartsWith("application/json", request.ContentType, StringComparison.Ordinal);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("NoNotification", body.RootElement.GetProperty("notifyOption").GetString());
        Assert.Equal(PowerBiOptions.Scope, Assert.Single(credential.Scopes.Distinct()));
    }

    [Fact]
    public async Task RequestRefreshAsync_ServiceUnavailableThenAccepted_RetriesAndSucceeds()
    {
        using var server = new LoopbackHttpServer((HttpStatusCode.ServiceUnavailable, "1"));
        await using var services = Services(server, new FakeCredential("t"), enabled: true);

        var requested = await services.GetRequiredService<PowerBiRefreshClient>().RequestRefreshAsync();

        Assert.True(requested);
        Assert.Equal(2, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.Equal("Bearer t", r.Authorization));
    }

    [Fact]
    public async Task RequestRefreshAsync_BadRequest_ThrowsWithoutRetrying()
    {
        using var server = new LoopbackHttpServer((HttpStatusCode.BadRequest, null));
        await using var services = Services(server, new FakeCredential("t"), enabled: true);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => services.GetRequiredService<PowerBiRefreshClient>().RequestRefreshAsync());

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Contains("ds-9", error.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task RequestRefreshAsync_Disabled_SendsNothing()
    {
        using var server = new LoopbackHttpServer();
        var credential = new FakeCredential("t");
        await using var services = Services(server, credential, enabled: false);

        var requested = await services.GetRequiredService<PowerBiRefreshClient>().RequestRefreshAsync();

        Assert.False(requested);
        Assert.Empty(server.Requests);
        Assert.Empty(credential.Scopes);
    }

    internal static ServiceProvider Services(LoopbackHttpServer server, TokenCredential credential, bool enabled)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PowerBi:Enabled"] = enabled ? "true" : "false",
            ["PowerBi:WorkspaceId"] = "ws-1",
            ["PowerBi:DatasetId"] = "ds-9",
            ["PowerBi:ApiBaseUri"] = server.BaseUri.ToString(),
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton(credential);
        services.AddPowerBiRefresh();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
