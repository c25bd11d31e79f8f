namespace ReportingPipeline.Hosting;

/// <summary>A clock stopped at one instant: <c>--now</c> on the command line, so a run can be replayed exactly.</summary>
public sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now.ToUniversalTime();
}
