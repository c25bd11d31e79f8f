using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ReportingPipeline.Hosting.LocalHost;

/// <summary>
/// Builds the marts when <see cref="PendingMartBuild"/> says a requested build is due: uploads reach the marts (and the
/// Power BI refresh is asked for, by the handlers' <see cref="IMartsPublishedListener"/>s) within the quiet period or
/// the longest delay plus one build, not at the next timer. A failed build is logged; the next upload or the
/// <c>BuildMarts</c> timer builds again.
/// </summary>
public sealed class MartBuildDebouncer(PendingMartBuild pending, IPipelineHandlers handlers, ILogger<MartBuildDebouncer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await pending.WaitUntilDueAsync(stoppingToken);
                logger.LogInformation("New uploads: building the marts");
                var result = await handlers.BuildMartsAsync(stoppingToken);
                logger.LogInformation("Mart build {BuildId} after new uploads: {Rebuilt} months rebuilt", result.BuildId, result.PeriodsRebuilt.Count);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Mart build after new uploads failed; the next upload or the BuildMarts timer builds again");
            }
        }
    }
}
