using System.Text.RegularExpressions;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Marts;

namespace ReportingPipeline.Core.Tests.Marts;

public sealed partial class MartTablesTests
{
    [Fact]
    public void All_EveryTableAndColumn_HasUniqueSnakeCaseName()
    {
        Assert.Equal(MartTables.All.Count, MartTables.All.Select(t => t.Name).Distinct().Count());
        foreach (var table in MartTables.All)
        {
            Assert.Matches(SnakeCase(), table.Name);
            Assert.Equal(table.Columns.Count, table.Columns.Select(c => c.Name).Distinct().Count());
            Assert.All(table.Columns, c => Assert.Matches(SnakeCase(), c.Name));
            Assert.All(table.Columns, c => Assert.False(string.IsNullOrWhiteSpace(c.Description), $"{table.Name}.{c.Name} has no description"));
        }
    }

    [Fact]
    public void Facts_SectionTables_CarryEveryMeasureFieldOfTheirSectionUnderItsKey()
    {
        var bySection = new Dictionary<MartTable, SectionDefinition>
        {
            [MartTables.FctVisits] = SubmissionContract.Visits,
            [MartTables.FctServices] = SubmissionContract.Services,
            [MartTables.FctHotline] = SubmissionContract.Hotline,
            [MartTables.FctFunds] = SubmissionContract.Funds,
        };
        foreach (var (table, section) in bySection)
        {
            Assert.Equal(section.Fields.Select(f => f.Key), table.Columns.Where(c => c.Field is not null).Select(c => c.Name));
            Assert.All(table.Columns.Where(c => c.Field is not null), c => Assert.Same(section[c.Name], c.Field));
        }

        Assert.Equal(
            ["social_workers", "certified_workers", "volunteers", "volunteer_hours"],
            MartTables.FctStationMonth.Columns.Where(c => c.Field is not null).Select(c => c.Name));
    }

    [Theory]
    [InlineData(FieldKind.Count, MartColumnType.Int64)]
    [InlineData(FieldKind.Money, MartColumnType.Money)]
    [InlineData(FieldKind.Hours, MartColumnType.Hours)]
    [InlineData(FieldKind.Code, MartColumnType.String)]
    [InlineData(FieldKind.Enum, MartColumnType.String)]
    public void TypeOf_FieldKind_IsTheContractType(FieldKind kind, MartColumnType expected) =>
        Assert.Equal(expected, MartTables.TypeOf(new FieldDefinition("x", "x", kind)));

    [Fact]
    public void Facts_EveryRow_CarriesPeriodAndStation()
    {
        foreach (var table in MartTables.Facts.Append(MartTables.AggRegionMonth))
        {
            Assert.Equal(MartColumnType.Date, table[MartTables.PeriodColumn].Type);
            Assert.True(table.IsPartitioned, table.Name);
        }

        Assert.All(MartTables.Facts, t => Assert.Equal(MartColumnType.String, t[MartTables.StationColumn].Type));
        Assert.All(MartTables.Dimensions, t => Assert.False(t.IsPartitioned, t.Name));
    }

    [Fact]
    public void AggregateMeasures_Ratios_NameMeasuresThatExistAtTheirLevel()
    {
        var measures = MartTables.AggregateMeasures.ToDictionary(m => m.Name);
        foreach (var ratio in MartTables.AggregateMeasures.Where(m => m.Kind == AggregateKind.Ratio))
        {
            var numerator = measures[ratio.Numerator!];
            var denominator = measures[ratio.Denominator!];
            Assert.NotEqual(AggregateKind.Ratio, numerator.Kind);
            Assert.NotEqual(AggregateKind.Ratio, denominator.Kind);
            Assert.True(!ratio.AtVillage || (numerator.AtVillage && denominator.AtVillage), ratio.Name);
            Assert.True(!ratio.YearToDate || (numerator.YearToDate && denominator.YearToDate), ratio.Name);
        }

        Assert.All(MartTables.AggregateMeasures.Where(m => m.YearToDate), m => Assert.Equal(m.Type, MartTables.AggRegionMonth[m.YearToDateName].Type));
    }

    [Fact]
    public void FileName_PartitionedAndSingle_FollowTheContractLayout()
    {
        Assert.Equal("fct_visits/month=2022-06/part-4401.parquet", MartTables.FctVisits.FileName(new Period(2022, 6), "4401"));
        Assert.Equal("dim_region/dim_region.parquet", MartTables.DimRegion.FileName());
        Assert.Throws<ArgumentNullException>(() => MartTables.FctVisits.FileName());
        Assert.Throws<ArgumentNullException>(() => MartTables.FctVisits.FileName(new Period(2022, 6)));
    }

    [GeneratedRegex("^[a-z][a-z0-9]*(_[a-z0-9]+)*$")]
    private static partial Regex SnakeCase();
}
