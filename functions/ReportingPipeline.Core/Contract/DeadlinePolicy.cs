namespace ReportingPipeline.Core.Contract;

/// <summary>
/// When a month's report is due: by default day 10 of the following month, 23:59 Asia/Shanghai.
/// </summary>
public readonly record struct DeadlinePolicy(int DayOfFollowingMonth, TimeOnly TimeOfDay, TimeSpan UtcOffset)
{
    /// <summary>China has one time zone and no daylight saving: Asia/Shanghai is UTC+8 all year.</summary>
    public static readonly DeadlinePolicy Default = new(10, new TimeOnly(23, 59, 59), TimeSpan.FromHours(8));

    public DateTimeOffset DeadlineOf(Period period)
    {
        var next = period.Next;
        var day = Math.Min(DayOfFollowingMonth, DateTime.DaysInMonth(next.Year, next.Month));
        return new DateTimeOffset(new DateOnly(next.Year, next.Month, day), TimeOfDay, UtcOffset);
    }

    public bool IsOnTime(Period period, DateTimeOffset receivedAt) => receivedAt <= DeadlineOf(period);

    /// <summary>A month is closed once its deadline has passed: stations that have not reported are then missing.</summary>
    public bool IsClosed(Period period, DateTimeOffset now) => now > DeadlineOf(period);
}
