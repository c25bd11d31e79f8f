using System.Text.RegularExpressions;
using ReportingPipeline.Core.Marts;
using ReportingPipeline.Presentation.Measures;
using ReportingPipeline.Presentation.PowerBi;

namespace ReportingPipeline.Presentation.Tests.PowerBi;

/// <summary>
/// Structural tests of the committed model (TMDL read from disk): the semantics an analyst relies on at every level,
/// which a new measure or relationship must not break.
/// </summary>
public sealed partial class PowerBiModelTests
{
    private static readonly string Dates = $"{MartTables.DimPeriod.Name}[date]";

    [Fact]
    public void Relationships_NoneFiltersBothWays()
    {
        var model = PowerBiFolder.Model();

        Assert.NotEmpty(model.Relationships);
        Assert.All(model.Relationships, r => Assert.Null(r.CrossFiltering));
        Assert.DoesNotContain("bothDirections", PowerBiFolder.Read(Path.Combine(PowerBiFolder.ModelDefinition, "relationships.tmdl")), StringComparison.Ordinal);
    }

    [Fact]
    public void Columns_KeysAndTechnicalColumnsOfTheFacts_AreHidden()
    {
        var model = PowerBiFolder.Model();

        foreach (var r in model.Relationships)
        {
            var column = model[r.FromTable].Columns.Single(c => c.Name == r.FromColumn);
            Assert.True(column.IsHidden, $"{r.FromTable}[{r.FromColumn}] joins {r.ToTable} but is visible");
        }

        foreach (var column in model.Tables.SelectMany(t => t.Columns.Select(c => (Table: t.Name, Column: c))))
        {
            if (PowerBiModel.TechnicalColumns.Contains(column.Column.Name))
            {
                Assert.True(column.Column.IsHidden, $"{column.Table}[{column.Column.Name}] is technical but visible");
            }
        }

        Assert.Contains("\n\tdiscourageImplicitMeasures\n", PowerBiFolder.Read(Path.Combine(PowerBiFolder.ModelDefinition, "model.tmdl")), StringComparison.Ordinal);
    }

    [Fact]
    public void Tables_NoModelTableAddsUpAcrossLevels()
    {
        var model = PowerBiFolder.Model();

        // A table whose rows hold several levels of the hierarchy at once (a rollup) sums each region several times.
        Assert.DoesNotContain(model.Tables, t => t.Name == MartTables.AggRegionMonth.Name);
        Assert.All(model.Tables, t => Assert.DoesNotContain(t.Columns, c => c.Name == "level"));
        Assert.All(model.Tables, t => Assert.DoesNotContain(t.Columns, c => c.Name.StartsWith("ytd_", StringComparison.Ordinal)));
        Assert.DoesNotContain(MartTables.AggRegionMonth.Name, PowerBiFolder.Read(Path.Combine(PowerBiFolder.ModelDefinition, "model.tmdl")), StringComparison.Ordinal);
    }

    [Fact]
    public void Measures_StockMeasures_TakeTheLastMonthOfTheSelectionNeverASumOverMonths()
    {
        var measures = PowerBiFolder.Model().Measures.ToDictionary(m => m.Name, StringComparer.Ordinal);
        var stocks = MeasureCatalogue.All.Where(m => m.Additivity == Additivity.Stock && m.Time == MeasureTime.Selection).ToList();

        Assert.Equal(["social_workers", "certified_workers", "volunteers"], stocks.Select(s => s.Key));
        foreach (var stock in stocks)
        {
            var column = $"{stock.Table!.Name}[{stock.Column}]";
            // Whatever measure sums a head count column must do it inside LASTNONBLANK over the months.
            foreach (var measure in measures.Values.Where(m => m.Expression.Contains($"SUM({column})", StringComparison.Ordinal)))
            {
                foreach (Match sum in Regex.Matches(measure.Expression, Regex.Escape($"SUM({column})")))
                {
                    var after = measure.Expression[sum.Index..];
                    Assert.StartsWith($"SUM({column}), LASTNONBLANK({Dates}, ", after, StringComparison.Ordinal);
                }
            }

            Assert.Contains("LASTNONBLANK(", measures[stock.Name].Expression, StringComparison.Ordinal);
            // Taken among the selection's closed months when it has any: an open month has only its early reporters.
            Assert.Contains($"IF({PowerBiMeasures.AnyClosedMonthVariable}, CALCULATE(COUNTROWS({stock.Table.Name}), KEEPFILTERS(dim_period[closed] = TRUE()))",
                measures[stock.Name].Expression, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Measures_Ratios_AreTheRatioOfTwoSummedMeasures()
    {
        var measures = PowerBiFolder.Model().Measures.ToDictionary(m => m.Name, StringComparer.Ordinal);

        foreach (var ratio in MeasureCatalogue.All.Where(m => m.Additivity == Additivity.RatioOfSums && m.Time == MeasureTime.Selection))
        {
            var numerator = MeasureCatalogue.Get(ratio.Numerator!);
            var denominator = MeasureCatalogue.Get(ratio.Denominator!);
            Assert.NotEqual(Additivity.RatioOfSums, numerator.Additivity);
            Assert.NotEqual(Additivity.RatioOfSums, denominator.Additivity);
            Assert.Matches($@"^DIVIDE\(\[{Regex.Escape(numerator.Name)}\]( \+ 0)?, \[{Regex.Escape(denominator.Name)}\]\)$", measures[ratio.Name].Expression);
        }

        foreach (var measure in measures.Values)
        {
            Assert.DoesNotContain("AVERAGE", measure.Expression, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotMatch(@"SUMX?\([^)]*(rate|share|coverage)", measure.Expression);
        }
    }

    [Fact]
    public void Measures_AnchoredMeasures_AnchorToTheLatestClosedMonthNeverAnOpenOne()
    {
        var measures = PowerBiFolder.Model().Measures;
        var anchor = $"VAR {PowerBiMeasures.LatestClosedMonthVariable} = CALCULATE(MAX({Dates}), {MartTables.DimPeriod.Name}[closed] = TRUE())";

        foreach (var measure in measures)
        {
            // Every measure that picks its own months (clears the month filter) does so from the latest closed month.
            if (measure.Expression.Contains($"REMOVEFILTERS({MartTables.DimPeriod.Name})", StringComparison.Ordinal))
            {
                Assert.Contains(anchor, measure.Expression, StringComparison.Ordinal);
            }

            // "The latest month" of the selection without the closed filter is the open month with no data yet.
            foreach (Match max in Regex.Matches(measure.Expression, Regex.Escape($"MAX({Dates})")))
            {
                Assert.StartsWith($"MAX({Dates}), {MartTables.DimPeriod.Name}[closed] = TRUE())", measure.Expression[max.Index..], StringComparison.Ordinal);
            }
        }

        Assert.All(MeasureCatalogue.All.Where(m => m.Time != MeasureTime.Selection), m => Assert.True(m.AnchoredToLatestClosedMonth, m.Key));
    }

    [Fact]
    public void Measures_ChangeOfARate_IsInPercentagePoints()
    {
        var measures = PowerBiFolder.Model().Measures.ToDictionary(m => m.Name, StringComparer.Ordinal);

        foreach (var change in MeasureCatalogue.All.Where(m => m.Time == MeasureTime.MonthOnMonth))
        {
            var of = MeasureCatalogue.Get(change.Base!);
            var measure = measures[change.Name];
            if (of.Additivity == Additivity.RatioOfSums)
            {
                Assert.Equal(MeasureFormat.PointChange, change.Format);
                Assert.DoesNotContain("%", measure.FormatString!, StringComparison.Ordinal);
                Assert.Contains("个百分点", measure.FormatString!, StringComparison.Ordinal);
                Assert.Contains("(Current - Previous) * 100", measure.Expression, StringComparison.Ordinal);
            }
            else
            {
                Assert.Equal(MeasureFormat.RelativeChange, change.Format);
                Assert.Contains("%", measure.FormatString!, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Measures_StationFacts_AreBlankForAVillageAndFollowTheRegionsTowns()
    {
        var measures = PowerBiFolder.Model().Measures.ToDictionary(m => m.Name, StringComparer.Ordinal);

        foreach (var definition in MeasureCatalogue.All.Where(m => m.Time == MeasureTime.Selection && m.Additivity != Additivity.RatioOfSums))
        {
            var expression = measures[definition.Name].Expression;
            if (definition.IsVillageGrain)
            {
                Assert.DoesNotContain("BLANK()", expression, StringComparison.Ordinal);
            }
            else
            {
                Assert.StartsWith("IF(ISFILTERED(dim_region[village_code]) || ISFILTERED(dim_region[village_name]),\nBLANK(),", expression, StringComparison.Ordinal);
                Assert.Contains("KEEPFILTERS(TREATAS(VALUES(dim_region[town_code]), dim_station[station_code]))", expression, StringComparison.Ordinal);
            }
        }

        // Village coverage counts one village per expected village-month, never the town's whole count.
        Assert.DoesNotContain("RELATED(dim_station[villages])", measures[PowerBiMeasures.VillagesExpected].Expression, StringComparison.Ordinal);
        Assert.Contains("COUNTROWS(dim_region)", measures[PowerBiMeasures.VillagesExpected].Expression, StringComparison.Ordinal);
    }

    [Fact]
    public void Roles_FromTheHierarchy_OnePerCityAndDistrictFilteringBothDimensions()
    {
        var reference = SmallReference.Create();
        var files = PowerBiProject.Files(reference);
        var roles = files.Where(f => f.Key.Contains("/definition/roles/", StringComparison.Ordinal)).ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);

        var regions = reference.Regions.Where(r => r.Level is Core.Reference.RegionLevel.City or Core.Reference.RegionLevel.District).ToList();
        Assert.Equal(regions.Count, roles.Count);
        foreach (var region in regions)
        {
            var level = region.Level == Core.Reference.RegionLevel.City ? "city" : "district";
            var role = roles[$"{PowerBiProject.SemanticModelFolder}/definition/roles/{level}-{region.Code}.tmdl"];
            Assert.Contains("\tmodelPermission: read\n", role, StringComparison.Ordinal);
            Assert.Contains($"\ttablePermission dim_region = [{level}_code] = \"{region.Code}\"\n", role, StringComparison.Ordinal);
            Assert.Contains($"\ttablePermission dim_station = [{level}_code] = \"{region.Code}\"\n", role, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(PowerBiProject.Files().Keys, k => k.Contains("/roles/", StringComparison.Ordinal));
    }

    [Fact]
    public void ReportPages_MonthSlicers_SingleSelectSyncedDefaultingToTheLatestClosedMonth()
    {
        var pages = Path.Combine(PowerBiFolder.ReportDefinition, "pages");
        var slicers = Directory.EnumerateFiles(pages, "visual.json", SearchOption.AllDirectories)
            .Select(PowerBiFolder.Read).Where(v => v.Contains("\"visualType\": \"slicer\"", StringComparison.Ordinal)).ToList();

        Assert.Equal(Directory.EnumerateDirectories(pages).Count(), slicers.Count);
        Assert.All(slicers, s =>
        {
            Assert.Contains($"\"Property\": \"{PowerBiReport.MonthChoiceColumn}\"", s, StringComparison.Ordinal);
            Assert.Contains("\"strictSingleSelect\"", s, StringComparison.Ordinal);
            Assert.Contains($"\"groupName\": \"{PowerBiReport.MonthSyncGroup}\"", s, StringComparison.Ordinal);
            Assert.Contains($"'{PowerBiReport.LatestClosedMonthLabel}'", s, StringComparison.Ordinal);
        });
        foreach (var trend in PowerBiReport.Pages.SelectMany(p => p.Visuals.Where(v => v.Trend).Select(v => (Page: p, Visual: v))))
        {
            var page = PowerBiFolder.Read(Path.Combine(pages, trend.Page.Name, "page.json"));
            Assert.Contains($"\"target\": \"{trend.Visual.Name}\",\n      \"type\": \"NoFilter\"", page, StringComparison.Ordinal);
        }

        var notReported = PowerBiReport.Pages.SelectMany(p => p.Visuals).Single(v => v.Name == "not_reported_stations");
        Assert.True(notReported.ClosedMonthsOnly);
        Assert.Contains(notReported.Roles.SelectMany(r => r.Fields), f => f.Table == MartTables.DimPeriod.Name && f.Property == "label_zh");
        Assert.Contains(PowerBiReport.Pages, p => p.DrillThrough is { Property: "district_name" });
    }
}
