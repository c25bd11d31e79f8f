using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Hosting.Portal;

namespace ReportingPipeline.Functions.Portal;

/// <summary><c>GET /api/portal</c>: the station portal's page (App Service Authentication signs the user in first).</summary>
public sealed class PortalHome(IUploadUrlIssuer uploads)
{
    [Function(nameof(PortalHome))]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "portal")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        await PortalPage.WriteAsync(request.HttpContext.Response, uploads.Endpoint, cancellationToken);
        return new EmptyResult();
    }
}
