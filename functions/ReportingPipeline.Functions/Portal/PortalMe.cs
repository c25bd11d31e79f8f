using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using ReportingPipeline.Hosting.Portal;

namespace ReportingPipeline.Functions.Portal;

/// <summary><c>GET /api/me</c>: the signed-in user and the stations they may act for.</summary>
public sealed class PortalMe(StationPortal portal)
{
    [Function(nameof(PortalMe))]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me")] HttpRequest request,
        CancellationToken cancellationToken) =>
        new PortalResult(await portal.MeAsync(PortalHttp.PlatformUser(request), cancellationToken));
}
