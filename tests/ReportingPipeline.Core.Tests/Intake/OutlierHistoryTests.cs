using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Intake;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Testing;

namespace ReportingPipeline.Core.Tests.Intake;

public sealed class OutlierHistoryTests
{
    [Fact]
    public void Pick_TakesSixMostRecentAcceptedMonthsBeforeThePeriod()
    {
        var entries = Enumerable.Range(1, 12).Select(m => Accepted(new Period(2026, m), $"sha-{m}")).ToList();
        entries[7] = LedgerEntry.Empty(new Period(2026, 8), TestReference.StationCode); // August: nothing accepted

        var picked = OutlierHistory.Pick(entries, TestReference.StationCode, new Period(2026, 10));

        Assert.Equal(["2026-09", "2026-07", "2026-06", "2026-05", "2026-04", "2026-03"], picked.Select(h => h.Period.ToString()));
        Assert.Equal($"2026-09/{TestReference.StationCode}/sha-9.json", picked[0].StagedBlobName(TestReference.StationCode));
    }

    [Fact]
    public void Pick_IgnoresOtherStations()
    {
        var entries = new[] { Accepted(new Period(2026, 8), "sha", TestReference.OtherStationCode) };

        Assert.Empty(OutlierHistory.Pick(entries, TestReference.StationCode, new Period(2026, 9)));
    }

    private static LedgerEntry Accepted(Period period, string sha, string station = TestReference.StationCode) =>
        new(period, station, 1, [new UploadRecord($"{period}/{station}/f.xlsx", sha, 1, default, default, SubmissionStatus.Accepted, 1, true, 0, 0, "t")], default);
}
