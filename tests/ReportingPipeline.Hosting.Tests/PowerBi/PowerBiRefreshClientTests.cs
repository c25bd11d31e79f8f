using System.Net;
using System.Text.Json;
using Azure.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ReportingPipeline.Hosting.PowerBi;
using ReportingPipeline.Testing;

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
        Assert.Equal(PowerBiOptions.PublicCloudScope, Assert.Single(credential.Scopes.Distinct()));
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
    public async Task RequestRefreshAsync_TooManyRequestsWithRetryAfter_WaitsAndRetries()
    {
        using var server = new LoopbackHttpServer((HttpStatusCode.TooManyRequests, "1"), (HttpStatusCode.TooManyRequests, "1"));
        await using var services = Services(server, new FakeCredential("t"), enabled: true);

        var requested = await services.GetRequiredService<PowerBiRefreshClient>().RequestRefreshAsync();

        Assert.True(requested);
        Assert.Equal(3, server.Requests.Count);
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    public async Task RequestRefreshAsync_RefusedWithoutRetryAfter_ThrowsAfterOneRequest(HttpStatusCode status)
    {
        // Without the service's word that the request was not taken, a second POST could queue a duplicate refresh.
        using var server = new LoopbackHttpServer((status, null));
        await using var services = Services(server, new FakeCredential("t"), enabled: true);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => services.GetRequiredService<PowerBiRefreshClient>().RequestRefreshAsync());

        Assert.Equal(status, error.StatusCode);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task RequestRefreshAsync_ServiceTooSlow_GivesUpAfterOneRequest()
    {
        using var server = new LoopbackHttpServer { FirstAnswerDelay = TimeSpan.FromSeconds(3) };
        await using var services = Services(server, new FakeCredential("t"), enabled: true, ("PowerBi:AttemptTimeout", "00:00:01"));

        await Assert.ThrowsAsync<Polly.Timeout.TimeoutRejectedException>(() => services.GetRequiredService<PowerBiRefreshClient>().RequestRefreshAsync());

        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task RequestRefreshAsync_NationalCloudScope_AsksForThatScope()
    {
        using var server = new LoopbackHttpServer();
        var credential = new FakeCredential("t");
        const string china = "https://analysis.chinacloudapi.cn/powerbi/api/.default";
        await using var services = Services(server, credential, enabled: true, ("PowerBi:Scope", china));

        await services.GetRequiredService<PowerBiRefreshClient>().RequestRefreshAsync();

        Assert.Equal(china, Assert.Single(credential.Scopes.Distinct()));
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

    internal static ServiceProvider Services(LoopbackHttpServer server, TokenCredential credential, bool enabled, params (string Key, string Value)[] settings)
    {
        var values = new Dictionary<string, string?>
        {
            ["PowerBi:Enabled"] = enabled ? "true" : "false",
            ["PowerBi:WorkspaceId"] = "ws-1",
            ["PowerBi:DatasetId"] = "ds-9",
            ["PowerBi:ApiBaseUri"] = server.BaseUri.ToString(),
        };
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton(credential);
        services.AddPowerBiRefresh();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
