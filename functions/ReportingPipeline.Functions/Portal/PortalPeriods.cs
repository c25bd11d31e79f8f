using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using ReportingPipeline.Hosting.Portal;

namespace ReportingPipeline.Functions.Portal;

/// <summary><c>GET /api/stations/{station}/periods</c>: the station's months with status, version, on time and deadline.</summary>
public sealed class PortalPeriods(StationPortal portal)
{
    [Function(nameof(PortalPeriods))]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "stations/{station}/periods")] HttpRequest request,
        string station,
        CancellationToken cancellationToken) =>
        new PortalResult(await portal.PeriodsAsync(PortalHttp.PlatformUser(request), station, cancellationToken));
}
