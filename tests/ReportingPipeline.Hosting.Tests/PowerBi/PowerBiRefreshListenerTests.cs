using System.Net;
using Microsoft.Extensions.DependencyInjection;
using ReportingPipeline.Core.Marts;
using ReportingPipeline.Testing;

namespace ReportingPipeline.Hosting.Tests.PowerBi;

public sealed class PowerBiRefreshListenerTests
{
    private static readonly MartBuildResult Build = new("build-7", [new(2024, 3)], [], new Dictionary<string, long>(), false);

    [Fact]
    public async Task OnMartsPublishedAsync_Enabled_RequestsOneRefresh()
    {
        using var server = new LoopbackHttpServer();
        await using var services = PowerBiRefreshClientTests.Services(server, new FakeCredential("t"), enabled: true);

        var listener = Assert.Single(services.GetServices<IMartsPublishedListener>());
        await listener.OnMartsPublishedAsync(Build, CancellationToken.None);

        Assert.Equal("/v1.0/myorg/groups/ws-1/datasets/ds-9/refreshes", Assert.Single(server.Requests).Path);
    }

    [Fact]
    public async Task OnMartsPublishedAsync_PowerBiRefuses_DoesNotFailTheBuild()
    {
        using var server = new LoopbackHttpServer((HttpStatusCode.Forbidden, null));
        await using var services = PowerBiRefreshClientTests.Services(server, new FakeCredential("t"), enabled: true);

        await Assert.Single(services.GetServices<IMartsPublishedListener>()).OnMartsPublishedAsync(Build, CancellationToken.None);

        Assert.Single(server.Requests);
    }
}
