using Cronos;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ReportingPipeline.Hosting.LocalHost;

/// <summary>
/// The local stand-in for the Functions timer triggers: runs <c>BuildMarts</c> and <c>CloseReportingPeriod</c> on
/// their six-field cron schedules (with seconds, in UTC, as Functions reads them). An empty schedule turns a job off.
/// A run that fails is logged and the job waits for its next occurrence; occurrences missed while a run is still
/// going are skipped, not queued, so a job never overlaps itself.
/// </summary>
public sealed class CronScheduler : BackgroundService
{
    // Task.Delay takes at most ~49 days, and a monthly or yearly schedule can be further off: wait in steps.
    private static readonly TimeSpan LongestWait = TimeSpan.FromDays(1);

    private readonly IPipelineHandlers _handlers;
    private readonly TimeProvider _time;
    private readonly ILogger<CronScheduler> _logger;
    private readonly IReadOnlyList<Job> _jobs;

    public CronScheduler(IPipelineHandlers handlers, IOptions<PipelineOptions> options, TimeProvider time, ILogger<CronScheduler> logger)
    {
        _handlers = handlers;
        _time = time;
        _logger = logger;
        // Parsed here so that a bad schedule stops the host at start with a clear message.
        _jobs = new[]
            {
                Job.Parse("BuildMarts", nameof(PipelineOptions.BuildMartsSchedule), options.Value.BuildMartsSchedule, (h, ct) => h.BuildMartsAsync(ct)),
                Job.Parse("CloseReportingPeriod", nameof(PipelineOptions.CloseReportingPeriodSchedule), options.Value.CloseReportingPeriodSchedule, (h, ct) => h.CloseReportingPeriodAsync(ct)),
            }
            .OfType<Job>()
            .ToList();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var job in _jobs)
        {
            _logger.LogInformation("Scheduled {Job} on {Schedule} (UTC)", job.Name, job.Schedule);
        }

        await Task.WhenAll(_jobs.Select(job => RunAsync(job, stoppingToken)));
    }

    private async Task RunAsync(Job job, CancellationToken stoppingToken)
    {
        var from = _time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            var next = job.Expression.GetNextOccurrence(from, TimeZoneInfo.Utc);
            if (next is not { } due)
            {
                _logger.LogWarning("{Job} has no further occurrence of {Schedule}", job.Name, job.Schedule);
                return;
            }

            try
            {
                // A timer may wake a little early: wait until the occurrence has really come, so it fires once.
                for (var now = _time.GetUtcNow(); now < due; now = _time.GetUtcNow())
                {
                    await Task.Delay(due - now < LongestWait ? due - now : LongestWait, _time, stoppingToken);
                }

                _logger.LogInformation("{Job} due at {Due:o}: running", job.Name, due);
                await job.Run(_handlers, stoppingToken);
                _logger.LogInformation("{Job} finished", job.Name);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _logger.LogError(e, "{Job} due at {Due:o} failed; waiting for its next occurrence", job.Name, due);
            }

            var finished = _time.GetUtcNow();
            from = finished > due ? finished : due;
        }
    }

    private sealed record Job(string Name, string Schedule, CronExpression Expression, Func<IPipelineHandlers, CancellationToken, Task> Run)
    {
        public static Job? Parse(string name, string key, string? schedule, Func<IPipelineHandlers, CancellationToken, Task> run)
        {
            if (string.IsNullOrWhiteSpace(schedule))
            {
                return null;
            }

            try
            {
                return new Job(name, schedule, CronExpression.Parse(schedule, CronFormat.IncludeSeconds), run);
            }
            catch (CronFormatException e)
            {
                throw new InvalidOperationException($"{key} '{schedule}' is not a six-field cron expression (second minute hour day month weekday): {e.Message}", e);
            }
        }
    }
}
