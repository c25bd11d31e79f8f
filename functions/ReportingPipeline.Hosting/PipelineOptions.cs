using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Intake;
using ReportingPipeline.Core.Reading;

namespace ReportingPipeline.Hosting;

/// <summary>The pipeline's settings (configuration section <c>Pipeline</c>); the same keys in every host.</summary>
public sealed class PipelineOptions
{
    /// <summary>Reports are due on this day of the following month, 23:59:59 Asia/Shanghai.</summary>
    public int DeadlineDay { get; set; } = DeadlinePolicy.Default.DayOfFollowingMonth;

    /// <summary>Six-field cron (with seconds) for the mart build; Functions reads it as %BuildMartsSchedule%.</summary>
    public string BuildMartsSchedule { get; set; } = "0 */15 * * * *";

    /// <summary>Six-field cron for closing the month after its deadline (UTC): day 11, 00:05 Shanghai = day 10, 16:05 UTC.</summary>
    public string CloseReportingPeriodSchedule { get; set; } = "0 5 16 10 * *";

    /// <summary>
    /// After an upload that changes the marts, <c>pipeline host</c> builds once no further such upload has come for this
    /// long (a burst of uploads makes one build), but never later than <see cref="MartBuildMaxDelay"/> after the first.
    /// </summary>
    public TimeSpan MartBuildQuietPeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The longest an upload that changes the marts waits for its build to start: in <c>pipeline host</c> the bound on
    /// the quiet period, in the Functions app the delay of the build request's queue message (it has no quiet period).
    /// </summary>
    public TimeSpan MartBuildMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest upload accepted, in bytes.</summary>
    public long MaxFileBytes { get; set; } = ReadLimits.Default.MaxFileBytes;

    public DeadlinePolicy Deadline => DeadlinePolicy.Default with { DayOfFollowingMonth = DeadlineDay };

    public IntakeOptions ToIntakeOptions() => IntakeOptions.Default with
    {
        Deadline = Deadline,
        Limits = ReadLimits.Default with { MaxFileBytes = MaxFileBytes },
    };
}
