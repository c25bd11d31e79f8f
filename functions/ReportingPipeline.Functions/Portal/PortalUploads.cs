using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using ReportingPipeline.Hosting.Portal;

namespace ReportingPipeline.Functions.Portal;

/// <summary><c>GET /api/stations/{station}/periods/{period}/uploads</c>: every upload of the month with its report.</summary>
public sealed class PortalUploads(StationPortal portal)
{
    [Function(nameof(PortalUploads))]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "stations/{station}/periods/{period}/uploads")] HttpRequest request,
        string station,
        string period,
        CancellationToken cancellationToken) =>
        new PortalResult(await portal.UploadsAsync(PortalHttp.PlatformUser(request), station, period, cancellationToken));
}
