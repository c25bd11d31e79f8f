using ReportingPipeline.Core.Marts;
using ReportingPipeline.Presentation.PowerBi;

namespace ReportingPipeline.Presentation.Tests.PowerBi;

/// <summary>The measures as the committed TMDL and measures.dax spell them, against marts the builder really wrote.</summary>
public sealed class PowerBiMeasuresTests(BuiltMarts marts) : IClassFixture<BuiltMarts>
{
    [Fact]
    public void Measures_EveryColumnReference_NamesAColumnOfTheMarts()
    {
        var model = PowerBiFolder.Model();
        using var reader = marts.Scenario.OpenReader();
        var columns = model.Tables.ToDictionary(
            t => t.Name,
            t => reader.Describe(t.Name).Select(c => c.Name).ToHashSet(StringComparer.Ordinal),
            StringComparer.Ordinal);

        Assert.NotEmpty(model.Measures);
        foreach (var measure in model.Measures)
        {
            foreach (var (table, column) in TmdlModel.ColumnReferences(measure.Expression))
            {
                Assert.True(columns.ContainsKey(table), $"measure {measure.Name} names table {table}, which is not a mart");
                Assert.True(columns[table].Contains(column), $"measure {measure.Name} names {table}[{column}], which {table} does not have");
            }
        }
    }

    [Fact]
    public void Measures_EveryMeasureReference_NamesAMeasureOfTheModel()
    {
        var model = PowerBiFolder.Model();
        var names = model.Measures.Select(m => m.Name).ToList();

        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        foreach (var measure in model.Measures)
        {
            foreach (var reference in TmdlModel.MeasureReferences(measure.Expression))
            {
                Assert.True(names.Contains(reference), $"measure {measure.Name} uses [{reference}], which is not a measure");
                Assert.NotEqual(measure.Name, reference);
            }

            Assert.True(TmdlModel.ColumnReferences(measure.Expression).Any() || TmdlModel.MeasureReferences(measure.Expression).Any()
                || measure.Expression.StartsWith("COUNTROWS(", StringComparison.Ordinal), $"measure {measure.Name} reads nothing");
        }
    }

    [Fact]
    public void Measures_EachOne_IsFormattedAndFiledInAChineseFolder()
    {
        foreach (var measure in PowerBiFolder.Model().Measures)
        {
            Assert.False(string.IsNullOrWhiteSpace(measure.FormatString), measure.Name);
            Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", measure.DisplayFolder ?? "");
        }
    }

    [Fact]
    public void Measures_TheQuestionsAnalystsAsk_AreAllAnswered()
    {
        var names = PowerBiFolder.Model().Measures.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);

        string[] required =
        [
            PowerBiMeasures.ReportingRate, PowerBiMeasures.OnTimeRate, PowerBiMeasures.VillageVisitCoverage, PowerBiMeasures.CertifiedShare,
            PowerBiMeasures.PeopleServed, PowerBiMeasures.HotlineLoad, PowerBiMeasures.SpendRate,
        ];
        Assert.All(required, n => Assert.Contains(n, names));
        Assert.Contains(names, n => n.EndsWith("环比", StringComparison.Ordinal));
        Assert.Contains(names, n => n.EndsWith("年累计", StringComparison.Ordinal));
    }

    [Fact]
    public void Measures_Ratios_DivideSumsAndNeverAverage()
    {
        var measures = PowerBiFolder.Model().Measures.ToDictionary(m => m.Name, StringComparer.Ordinal);

        foreach (var measure in measures.Values)
        {
            Assert.DoesNotContain("AVERAGE", measure.Expression, StringComparison.OrdinalIgnoreCase);
            if (measure.FormatString!.Contains('%', StringComparison.Ordinal))
            {
                // A share divides sums itself, or compares shares that do (a month-on-month difference of a rate).
                var dividesItself = measure.Expression.Contains("DIVIDE(", StringComparison.Ordinal);
                var comparesRates = TmdlModel.MeasureReferences(measure.Expression)
                    .All(r => measures[r].Expression.Contains("DIVIDE(", StringComparison.Ordinal));
                Assert.True(dividesItself || comparesRates, $"{measure.Name} is a percentage without DIVIDE");
            }
        }
    }

    [Fact]
    public void MeasuresDax_DefinesExactlyTheModelsMeasures()
    {
        var dax = PowerBiFolder.Read(Path.Combine(PowerBiFolder.Root, "measures.dax"));
        var defined = System.Text.RegularExpressions.Regex.Matches(dax, @"^\s*MEASURE (?<table>\w+)\[(?<name>[^\]]+)\] =", System.Text.RegularExpressions.RegexOptions.Multiline)
            .Select(m => (m.Groups["table"].Value, m.Groups["name"].Value))
            .Order()
            .ToList();

        Assert.Equal(PowerBiFolder.Model().Measures.Select(m => (m.Table, m.Name)).Order(), defined);
        foreach (var measure in PowerBiFolder.Model().Measures)
        {
            var body = string.Join('\n', measure.Expression.Split('\n').Select(l => l.Trim()));
            Assert.Contains(body, string.Join('\n', dax.Split('\n').Select(l => l.Trim())), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Col_UnknownColumn_FailsTheGenerator() =>
        Assert.Throws<KeyNotFoundException>(() => PowerBiMeasures.Col(MartTables.FctVisits, "no_such_column"));
}
