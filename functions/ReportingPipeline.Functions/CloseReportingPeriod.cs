using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using ReportingPipeline.Hosting;

namespace ReportingPipeline.Functions;

/// <summary>
/// After the monthly deadline (app setting <c>CloseReportingPeriodSchedule</c>): the closed month's missing stations
/// are recorded and the month rebuilt.
/// </summary>
public sealed class CloseReportingPeriod(IPipelineHandlers handlers, ILogger<CloseReportingPeriod> logger)
{
    [Function(nameof(CloseReportingPeriod))]
    public async Task RunAsync([TimerTrigger("%CloseReportingPeriodSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var build = await handlers.CloseReportingPeriodAsync(cancellationToken);
        logger.LogInformation("Closed reporting period: mart build {BuildId}, {Rebuilt} months rebuilt (past due {IsPastDue})",
            build.BuildId, build.PeriodsRebuilt.Count, timer.IsPastDue);
    }
}
