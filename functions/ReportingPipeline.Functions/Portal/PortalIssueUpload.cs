using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using ReportingPipeline.Hosting.Portal;

namespace ReportingPipeline.Functions.Portal;

/// <summary>
/// <c>POST /api/stations/{station}/periods/{period}/uploads</c> with <c>{"fileName": ...}</c>: a short-lived address
/// that allows creating exactly <c>submissions/{period}/{station}/{fileName}</c>; the browser uploads straight to storage.
/// </summary>
public sealed class PortalIssueUpload(StationPortal portal)
{
    [Function(nameof(PortalIssueUpload))]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "stations/{station}/periods/{period}/uploads")] HttpRequest request,
        string station,
        string period,
        CancellationToken cancellationToken)
    {
        var body = await PortalEndpoints.ReadUploadRequestAsync(request, cancellationToken);
        return new PortalResult(await portal.IssueUploadAsync(PortalHttp.PlatformUser(request), station, period, body?.FileName, cancellationToken));
    }
}
