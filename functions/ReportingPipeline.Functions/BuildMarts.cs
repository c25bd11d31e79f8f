using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using ReportingPipeline.Hosting;

namespace ReportingPipeline.Functions;

/// <summary>The scheduled mart build (app setting <c>BuildMartsSchedule</c>, six-field cron, UTC): rebuilds the months whose inputs changed.</summary>
public sealed class BuildMarts(IPipelineHandlers handlers, ILogger<BuildMarts> logger)
{
    [Function(nameof(BuildMarts))]
    public async Task RunAsync([TimerTrigger("%BuildMartsSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var build = await handlers.BuildMartsAsync(cancellationToken);
        logger.LogInformation("Mart build {BuildId}: {Rebuilt} months rebuilt (past due {IsPastDue})", build.BuildId, build.PeriodsRebuilt.Count, timer.IsPastDue);
    }
}
