using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Marts;
using ReportingPipeline.Presentation.Measures;

namespace ReportingPipeline.Presentation.Tests.Measures;

/// <summary>The catalogue's semantics on rows small enough to check by hand.</summary>
public sealed class MeasureEvaluatorTests
{
    private static readonly Period March = new(2022, 3);
    private static readonly Period April = new(2022, 4);

    // Two stations reported March (closed); in April (still open) only the first has reported so far.
    private static readonly MeasureEvaluator Evaluator = new(
        new Dictionary<MartTable, MartRows>
        {
            [MartTables.FctStationMonth] = StationMonths(
                (March, "440103001", 10, 6), (March, "440103002", 7, 5), (April, "440103001", 11, 8)),
        },
        [],
        [(March, true), (April, false)]);

    [Fact]
    public void Stock_SelectionWithAnOpenMonth_TakesTheLastClosedMonthNotTheEarlyReporters()
    {
        Assert.Equal(17, Total("social_workers", March, April));
        Assert.Equal(11, Total("certified_workers", March, April));
    }

    [Fact]
    public void Stock_OnlyTheOpenMonthSelected_IsItsEarlyReporters()
    {
        Assert.Equal(11, Total("social_workers", April));
    }

    private static double? Total(string key, params Period[] months)
    {
        var measure = MeasureCatalogue.Get(key);
        return MeasureEvaluator.ValueOf(measure, Evaluator.Evaluate(measure, months), RegionKey.All);
    }

    private static MartRows StationMonths(params (Period Period, string Station, long Workers, long Certified)[] rows)
    {
        var columns = MeasureEvaluator.Columns()[MartTables.FctStationMonth].ToDictionary(c => c, _ => new List<object?>(), StringComparer.Ordinal);
        foreach (var (period, station, workers, certified) in rows)
        {
            foreach (var (name, values) in columns)
            {
                values.Add(name switch
                {
                    MartTables.PeriodColumn => (object)period.FirstDay,
                    MartTables.StationColumn => station,
                    "social_workers" => workers,
                    "certified_workers" => certified,
                    _ => null,
                });
            }
        }

        return new MartRows(MartTables.FctStationMonth, columns, rows.Length);
    }
}
