using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using ReportingPipeline.Hosting.Portal;

namespace ReportingPipeline.Functions.Portal;

/// <summary><c>GET /api/stations/{station}/periods/{period}/template</c>: the prefilled workbook.</summary>
public sealed class PortalTemplate(StationPortal portal)
{
    [Function(nameof(PortalTemplate))]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "stations/{station}/periods/{period}/template")] HttpRequest request,
        string station,
        string period,
        CancellationToken cancellationToken) =>
        new PortalResult(await portal.TemplateAsync(PortalHttp.PlatformUser(request), station, period, cancellationToken));
}
