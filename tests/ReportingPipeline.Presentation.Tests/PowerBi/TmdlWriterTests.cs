using ReportingPipeline.Core.Marts;
using ReportingPipeline.Presentation.PowerBi;

namespace ReportingPipeline.Presentation.Tests.PowerBi;

/// <summary>
/// The committed TMDL model, parsed from its files, against marts the builder really wrote (read back by DuckDB):
/// every table, column, relationship and hierarchy level the model names must exist there with a compatible type.
/// </summary>
public sealed class TmdlWriterTests(BuiltMarts marts) : IClassFixture<BuiltMarts>
{
    // What each TMDL dataType can load without loss, as DuckDB names the Parquet column types.
    private static readonly Dictionary<string, Func<string, bool>> Compatible = new(StringComparer.Ordinal)
    {
        ["string"] = t => t == "VARCHAR",
        ["int64"] = t => t is "BIGINT" or "INTEGER",
        ["decimal"] = t => t.StartsWith("DECIMAL(", StringComparison.Ordinal),
        ["double"] = t => t == "DOUBLE",
        ["dateTime"] = t => t is "DATE" or "TIMESTAMP WITH TIME ZONE",
        ["boolean"] = t => t == "BOOLEAN",
    };

    [Fact]
    public void Tables_EveryModelTable_IsAMartWithTheSameColumnsOfCompatibleTypes()
    {
        var model = PowerBiFolder.Model();
        using var reader = marts.Scenario.OpenReader();

        Assert.Equal(PowerBiModel.Tables.Select(t => t.Name).Order(StringComparer.Ordinal), model.Tables.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.Equal(model.Tables.Select(t => t.Name).Order(StringComparer.Ordinal), model.TableRefs.Order(StringComparer.Ordinal));
        foreach (var table in model.Tables)
        {
            Assert.NotEmpty(reader.Files(table.Name));
            var parquet = reader.Describe(table.Name).ToDictionary(c => c.Name, c => c.Type, StringComparer.Ordinal);
            Assert.Equal(parquet.Keys.Order(StringComparer.Ordinal), table.Columns.Where(c => c.SourceColumn is not null).Select(c => c.SourceColumn!).Order(StringComparer.Ordinal));
            // The one calculated column: the month slicers' field.
            Assert.All(table.Columns.Where(c => c.SourceColumn is null), c => Assert.Equal(PowerBiReport.MonthChoiceColumn, c.Name));
            foreach (var column in table.Columns.Where(c => c.SourceColumn is not null))
            {
                Assert.Equal(column.SourceColumn, column.Name);
                Assert.True(Compatible.TryGetValue(column.DataType, out var accepts), $"{table.Name}.{column.Name}: unknown dataType {column.DataType}");
                Assert.True(accepts(parquet[column.SourceColumn!]), $"{table.Name}.{column.Name}: dataType {column.DataType} cannot hold Parquet {parquet[column.SourceColumn!]}");
            }
        }
    }

    [Fact]
    public void Relationships_EveryKey_IsUniqueInItsDimensionAndEveryFactValueIsFoundThere()
    {
        var model = PowerBiFolder.Model();
        using var reader = marts.Scenario.OpenReader();

        Assert.NotEmpty(model.Relationships);
        foreach (var r in model.Relationships)
        {
            var from = model[r.FromTable].Columns.Single(c => c.Name == r.FromColumn);
            var to = model[r.ToTable].Columns.Single(c => c.Name == r.ToColumn);
            Assert.Equal(from.DataType, to.DataType);
            var duplicates = reader.Scalar<long>($"SELECT COUNT(*) - COUNT(DISTINCT {to.SourceColumn}) FROM {r.ToTable}");
            Assert.True(duplicates == 0, $"{r.ToTable}.{r.ToColumn} has {duplicates} duplicate values: it cannot be the one side of {r.FromTable}.{r.FromColumn}");
            if (MartTables.Dimensions.Any(d => d.Name == r.FromTable))
            {
                // dim_region → dim_station: a town whose station has not opened yet has villages but no station; its
                // villages simply filter no station facts.
                continue;
            }

            var orphans = reader.Scalar<long>($"""
                SELECT COUNT(*) FROM {r.FromTable} f
                WHERE f.{from.SourceColumn} IS NOT NULL AND f.{from.SourceColumn} NOT IN (SELECT {to.SourceColumn} FROM {r.ToTable})
                """);
            Assert.True(orphans == 0, $"{orphans} rows of {r.FromTable}.{r.FromColumn} find no {r.ToTable}.{r.ToColumn}");
            Assert.True(reader.Scalar<long>($"SELECT COUNT({from.SourceColumn}) FROM {r.FromTable}") > 0, $"{r.FromTable}.{r.FromColumn} is never set");
        }
    }

    [Fact]
    public void Relationships_EveryFact_JoinsThePeriodAndOneRegionOrStationDimension()
    {
        var model = PowerBiFolder.Model();

        foreach (var fact in MartTables.Facts)
        {
            Assert.Contains(model.Relationships, r => r.FromTable == fact.Name && r.FromColumn == MartTables.PeriodColumn && r.ToTable == MartTables.DimPeriod.Name);
        }

        foreach (var fact in MartTables.Facts)
        {
            var places = model.Relationships.Where(r => r.FromTable == fact.Name && r.ToTable is "dim_region" or "dim_station").ToList();
            var place = Assert.Single(places);
            Assert.Equal(fact.Columns.Any(c => c.Name == MartTables.VillageColumn) ? MartTables.VillageColumn : MartTables.StationColumn, place.FromColumn);
        }

        // Each pair of tables is joined at most once, so no filter has two paths to choose between.
        Assert.Equal(model.Relationships.Count, model.Relationships.Select(r => (r.FromTable, r.ToTable)).Distinct().Count());
    }

    [Fact]
    public void DimRegion_Hierarchy_DescendsCityDistrictTownVillage()
    {
        var region = PowerBiFolder.Model()[MartTables.DimRegion.Name];

        var levels = Assert.Single(region.Hierarchies).Value;
        Assert.Equal(["city_name", "district_name", "town_name", "village_name"], levels);
        Assert.All(levels, l => Assert.Contains(region.Columns, c => c.Name == l));
    }

    [Fact]
    public void DimPeriod_MonthGrain_IsNotMarkedAsDateTableAndHasAUniqueDateKey()
    {
        var model = PowerBiFolder.Model();
        using var reader = marts.Scenario.OpenReader();

        // A marked date table must hold contiguous days; dim_period holds months, so it is not marked.
        Assert.DoesNotContain(model.Tables, t => t.DataCategory == "Time");
        var dateTable = model[MartTables.DimPeriod.Name];
        var key = Assert.Single(dateTable.Columns, c => c.IsKey);
        Assert.Equal("dateTime", key.DataType);
        Assert.Equal("DATE", reader.Describe(dateTable.Name).Single(c => c.Name == key.SourceColumn!).Type);
        Assert.Equal(
            reader.Scalar<long>($"SELECT COUNT(*) FROM {dateTable.Name}"),
            reader.Scalar<long>($"SELECT COUNT(DISTINCT {key.SourceColumn}) FROM {dateTable.Name} WHERE {key.SourceColumn} IS NOT NULL"));
        Assert.All(dateTable.Columns.Where(c => c.SortByColumn is not null), c => Assert.Contains(dateTable.Columns, o => o.Name == c.SortByColumn));
    }

    [Fact]
    public void Partitions_EveryTable_LoadsWithItsPowerQueryScript()
    {
        var model = PowerBiFolder.Model();

        foreach (var table in model.Tables)
        {
            Assert.Equal("m", table.PartitionKind);
            Assert.Equal(PowerBiFolder.Read(Path.Combine(PowerBiFolder.Root, "queries", table.Name + ".pq")), table.PartitionSource);
        }

        Assert.Contains($"expression {PowerQueryScripts.StorageAccountUrlParameter} = ", model.Expressions, StringComparison.Ordinal);
        Assert.Contains("IsParameterQuery=true", model.Expressions, StringComparison.Ordinal);
    }

    [Fact]
    public void Columns_SummarizeBy_AddsUpOnlyCountsAndMoney()
    {
        var model = PowerBiFolder.Model();

        foreach (var column in model.Tables.SelectMany(t => t.Columns))
        {
            var additive = column.DataType == "decimal" || (column.DataType == "int64" && column.SummarizeBy == "sum");
            Assert.True(column.SummarizeBy == (additive ? "sum" : "none"), $"{column.Name}: {column.DataType} summarized by {column.SummarizeBy}");
        }

        // Ratios (double) are never summed: a sum of shares means nothing.
        Assert.All(model.Tables.SelectMany(t => t.Columns).Where(c => c.DataType is "double" or "string" or "dateTime" or "boolean"),
            c => Assert.Equal("none", c.SummarizeBy));
    }
}
