using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using ReportingPipeline.Core.Marts;

namespace ReportingPipeline.Hosting.PowerBi;

/// <summary>
/// Refreshes the Power BI dataset after a mart build that changed something. A failure is logged, not thrown:
/// the marts are already published, and the next build asks again.
/// </summary>
/// <remarks>
/// The handlers are singletons, and a typed client must not live as long as they do (its pooled handler would
/// never be renewed), so a fresh <see cref="PowerBiRefreshClient"/> is made from the factories for each build.
/// </remarks>
public sealed class PowerBiRefreshListener(
    IHttpClientFactory httpClients,
    ITypedHttpClientFactory<PowerBiRefreshClient> refreshClients,
    ILogger<PowerBiRefreshListener> logger) : IMartsPublishedListener
{
    public async Task OnMartsPublishedAsync(MartBuildResult result, CancellationToken cancellationToken)
    {
        var client = refreshClients.CreateClient(httpClients.CreateClient(nameof(PowerBiRefreshClient)));
        try
        {
            await client.RequestRefreshAsync(cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or Polly.Timeout.TimeoutRejectedException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            logger.LogWarning(e, "Power BI refresh after mart build {BuildId} failed; the next build will ask again", result.BuildId);
        }
    }
}
