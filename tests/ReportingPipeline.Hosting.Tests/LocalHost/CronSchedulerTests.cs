using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ReportingPipeline.Hosting.LocalHost;

namespace ReportingPipeline.Hosting.Tests.LocalHost;

public sealed class CronSchedulerTests
{
    [Fact]
    public async Task ExecuteAsync_EverySecond_RunsBuildMartsRepeatedlyAndStopsCleanly()
    {
        var handlers = new RecordingHandlers();
        using var scheduler = Scheduler(handlers, buildMarts: "*/1 * * * * *", closePeriod: "");

        await scheduler.StartAsync(CancellationToken.None);
        await Eventually.HoldsAsync(() => handlers.Calls.Count >= 2, "two BuildMarts runs");
        await scheduler.StopAsync(CancellationToken.None);

        Assert.All(handlers.Calls, c => Assert.Equal("build", c));
        Assert.True(scheduler.ExecuteTask!.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task ExecuteAsync_JobFails_KeepsItsSchedule()
    {
        var handlers = new RecordingHandlers { Fail = call => call == "close" ? new IOException("storage down") : null };
        using var scheduler = Scheduler(handlers, buildMarts: "", closePeriod: "*/1 * * * * *");

        await scheduler.StartAsync(CancellationToken.None);
        await Eventually.HoldsAsync(() => handlers.Calls.Count >= 2, "a second CloseReportingPeriod run after a failure");
        await scheduler.StopAsync(CancellationToken.None);

        Assert.All(handlers.Calls, c => Assert.Equal("close", c));
    }

    [Fact]
    public async Task ExecuteAsync_ScheduleMonthsAway_WaitsQuietlyWithoutRunning()
    {
        var handlers = new RecordingHandlers();
        var logger = new RecordingLogger<CronScheduler>();
        var next = DateTime.UtcNow.AddMonths(-1);
        using var scheduler = Scheduler(handlers, buildMarts: $"0 0 0 1 {next.Month} *", closePeriod: "0 5 16 10 * *", logger);

        await scheduler.StartAsync(CancellationToken.None);
        await Eventually.HoldsAsync(() => logger.Entries.Count(e => e.Message.StartsWith("Scheduled", StringComparison.Ordinal)) == 2, "both jobs scheduled");
        await Task.Delay(200);
        var runningBeforeStop = !scheduler.ExecuteTask!.IsCompleted;
        await scheduler.StopAsync(CancellationToken.None);

        Assert.True(runningBeforeStop);
        Assert.Empty(handlers.Calls);
        Assert.DoesNotContain(logger.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Theory]
    [InlineData("0 */15 * * *")]
    [InlineData("every minute")]
    public void Constructor_NotSixFieldCron_ThrowsNamingTheSetting(string schedule)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Scheduler(new RecordingHandlers(), buildMarts: schedule, closePeriod: ""));

        Assert.Contains("BuildMartsSchedule", error.Message, StringComparison.Ordinal);
        Assert.Contains(schedule, error.Message, StringComparison.Ordinal);
    }

    private static CronScheduler Scheduler(IPipelineHandlers handlers, string buildMarts, string closePeriod, ILogger<CronScheduler>? logger = null) =>
        new(handlers, Options.Create(new PipelineOptions { BuildMartsSchedule = buildMarts, CloseReportingPeriodSchedule = closePeriod }),
            TimeProvider.System, logger ?? NullLogger<CronScheduler>.Instance);
}
