using ReportingPipeline.Core.Contract;

namespace ReportingPipeline.Core.Tests.Contract;

public sealed class PeriodTests
{
    [Theory]
    [InlineData("2026-10", 2026, 10)]
    [InlineData(" 2020-11 ", 2020, 11)]
    public void TryParse_WellFormed_ReadsYearAndMonth(string text, int year, int month)
    {
        Assert.True(Period.TryParse(text, out var period));
        Assert.Equal(new Period(year, month), period);
    }

    [Theory]
    [InlineData("2026-13")]
    [InlineData("2026/10")]
    [InlineData("202610")]
    [InlineData("")]
    public void TryParse_Malformed_Fails(string text) => Assert.False(Period.TryParse(text, out _));

    [Fact]
    public void Add_AcrossYearEnd_RollsOver()
    {
        Assert.Equal(new Period(2027, 1), new Period(2026, 12).Next);
        Assert.Equal(new Period(2025, 12), new Period(2026, 1).Previous);
        Assert.Equal(14, new Period(2027, 1).MonthsSince(new Period(2025, 11)));
    }

    [Fact]
    public void DeadlineOf_DefaultPolicy_IsDay10OfNextMonthShanghai()
    {
        var deadline = DeadlinePolicy.Default.DeadlineOf(new Period(2026, 12));
        Assert.Equal(new DateTimeOffset(2027, 1, 10, 23, 59, 59, TimeSpan.FromHours(8)), deadline);
        Assert.True(DeadlinePolicy.Default.IsOnTime(new Period(2026, 12), deadline));
        Assert.False(DeadlinePolicy.Default.IsOnTime(new Period(2026, 12), deadline.AddSeconds(1)));
    }
}
