using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using ReportingPipeline.Hosting;

namespace ReportingPipeline.Functions;

/// <summary>
/// The build new uploads asked for (<see cref="QueuedMartBuildRequests"/>): the request's marker is removed first, so an
/// upload recorded from then on asks again, then the marts are built (under the build lock, as every build is).
/// </summary>
public sealed class BuildMartsRequested(IPipelineHandlers handlers, QueuedMartBuildRequests requests, ILogger<BuildMartsRequested> logger)
{
    [Function(nameof(BuildMartsRequested))]
    public async Task RunAsync([QueueTrigger(MartBuildQueue.Name)] string message, CancellationToken cancellationToken)
    {
        await requests.ClearAsync(cancellationToken);
        var build = await handlers.BuildMartsAsync(cancellationToken);
        logger.LogInformation("Mart build {BuildId} after new uploads ({Request}): {Rebuilt} months rebuilt", build.BuildId, message, build.PeriodsRebuilt.Count);
    }
}
