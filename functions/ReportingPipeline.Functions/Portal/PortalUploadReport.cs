using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using ReportingPipeline.Hosting.Portal;

namespace ReportingPipeline.Functions.Portal;

/// <summary><c>GET /api/stations/{station}/periods/{period}/uploads/{fileName}/report</c>: the readable report of one upload.</summary>
public sealed class PortalUploadReport(StationPortal portal)
{
    [Function(nameof(PortalUploadReport))]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "stations/{station}/periods/{period}/uploads/{fileName}/report")] HttpRequest request,
        string station,
        string period,
        string fileName,
        CancellationToken cancellationToken) =>
        new PortalResult(await portal.ReportAsync(PortalHttp.PlatformUser(request), station, period, fileName, cancellationToken));
}
