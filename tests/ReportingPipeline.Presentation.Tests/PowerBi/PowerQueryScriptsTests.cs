using System.Text.RegularExpressions;
using ReportingPipeline.Core.Marts;
using ReportingPipeline.Presentation.PowerBi;

namespace ReportingPipeline.Presentation.Tests.PowerBi;

/// <summary>The committed <c>queries/*.pq</c> against the Parquet schema of marts the builder really wrote, as DuckDB reads it.</summary>
public sealed partial class PowerQueryScriptsTests(BuiltMarts marts) : IClassFixture<BuiltMarts>
{
    // The Parquet types (DuckDB's names) each M type holds without loss.
    private static readonly Dictionary<string, Func<string, bool>> Holds = new(StringComparer.Ordinal)
    {
        ["type text"] = t => t == "VARCHAR",
        ["Int64.Type"] = t => t is "BIGINT" or "INTEGER",
        // Fixed decimal keeps four decimal places.
        ["Currency.Type"] = t => DecimalScale().Match(t) is { Success: true } m && int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) <= 4,
        ["type number"] = t => t == "DOUBLE",
        ["type date"] = t => t == "DATE",
        // UTC instants, converted to Beijing time by the query and loaded without a zone.
        ["type datetime"] = t => t == "TIMESTAMP WITH TIME ZONE",
        ["type logical"] = t => t == "BOOLEAN",
    };

    [Fact]
    public void Queries_TypeLists_MatchTheParquetSchemaColumnByColumn()
    {
        using var reader = marts.Scenario.OpenReader();

        foreach (var table in PowerBiModel.Tables)
        {
            var script = PowerBiFolder.Read(Path.Combine(PowerBiFolder.Root, "queries", table.Name + ".pq"));
            var typed = TypeEntry().Matches(script).Select(m => (Name: m.Groups["name"].Value, Type: m.Groups["type"].Value)).ToList();
            var parquet = reader.Describe(table.Name);

            Assert.Equal(parquet.Select(c => c.Name), typed.Select(t => t.Name));
            foreach (var ((name, mType), (_, duckType)) in typed.Zip(parquet))
            {
                Assert.True(Holds.TryGetValue(mType, out var holds), $"{table.Name}.{name}: unexpected M type {mType}");
                Assert.True(holds(duckType), $"{table.Name}.{name}: M type {mType} does not match Parquet {duckType}");
            }
        }
    }

    [Fact]
    public void Queries_Money_IsFixedDecimalAndCountsAreWholeNumbers()
    {
        foreach (var table in PowerBiModel.Tables)
        {
            var script = PowerBiFolder.Read(Path.Combine(PowerBiFolder.Root, "queries", table.Name + ".pq"));
            var types = TypeEntry().Matches(script).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["type"].Value, StringComparer.Ordinal);
            foreach (var column in table.Columns.Where(c => c.Type == MartColumnType.Money))
            {
                Assert.Equal("Currency.Type", types[column.Name]);
            }

            foreach (var column in table.Columns.Where(c => c.Type == MartColumnType.Int64))
            {
                Assert.Equal("Int64.Type", types[column.Name]);
            }
        }
    }

    [Fact]
    public void Queries_Source_OneSharedDataLakePathAndTheFilesTheManifestLists()
    {
        var all = Directory.EnumerateFiles(Path.Combine(PowerBiFolder.Root, "queries"), "*.pq").Select(PowerBiFolder.Read).ToList();

        // One data source path (one credential in the service): the shared query lists the container once.
        Assert.Equal(1, all.Sum(q => Regex.Count(q, @"AzureStorage\.DataLake\(")));
        Assert.Contains(PowerQueryScripts.SharedQueries, q => q.M.Contains($"AzureStorage.DataLake(Text.TrimEnd({PowerQueryScripts.StorageAccountUrlParameter}, \"/\") & \"/marts\"", StringComparison.Ordinal));
        foreach (var table in PowerBiModel.Tables)
        {
            var script = PowerQueryScripts.For(table);

            Assert.Contains($"{PowerQueryScripts.ManifestQuery}[tables], each [name] = \"{table.Name}\"", script, StringComparison.Ordinal);
            Assert.Contains($"Table.SelectRows({PowerQueryScripts.SourceQuery}, each List.Contains(Names, [Path]))", script, StringComparison.Ordinal);
            Assert.Contains("Parquet.Document", script, StringComparison.Ordinal);
            // A file a newer build rewrote after this build's manifest is refused, by size and by write time.
            Assert.Contains("[Attributes][Size] = Record.Field(Bytes, [Path]) and [Date modified] <= ManifestWritten", script, StringComparison.Ordinal);
            Assert.Contains($"[Path] = \"{MartManifest.BlobName}\"){{0}}[Date modified]", script, StringComparison.Ordinal);
            Assert.Equal(table.Columns.Count, TypeEntry().Count(script));
        }
    }

    [Fact]
    public void Queries_MissingColumn_IsAnErrorNeverSilentNulls()
    {
        foreach (var table in PowerBiModel.Tables)
        {
            var script = PowerQueryScripts.For(table);

            Assert.Contains("MissingField.Error", script, StringComparison.Ordinal);
            Assert.DoesNotContain("MissingField.UseNull", script, StringComparison.Ordinal);
            Assert.DoesNotContain("MissingField.Ignore", script, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Queries_Facts_ReadOnlyTheMonthFoldersBetweenRangeStartAndRangeEnd()
    {
        foreach (var table in PowerBiModel.Tables)
        {
            var script = PowerQueryScripts.For(table);
            var filtered = script.Contains($">= {PowerQueryScripts.RangeStartParameter}", StringComparison.Ordinal)
                && script.Contains($"< {PowerQueryScripts.RangeEndParameter}", StringComparison.Ordinal);

            Assert.Equal(table.IsPartitioned, filtered);
        }

        var model = PowerBiFolder.Model();
        Assert.Contains($"expression {PowerQueryScripts.RangeStartParameter} = ", model.Expressions, StringComparison.Ordinal);
        Assert.Contains($"expression {PowerQueryScripts.RangeEndParameter} = ", model.Expressions, StringComparison.Ordinal);
        foreach (var table in PowerBiModel.Tables)
        {
            var tmdl = PowerBiFolder.Read(Path.Combine(PowerBiFolder.ModelDefinition, "tables", table.Name + ".tmdl"));
            Assert.Equal(table.IsPartitioned, tmdl.Contains("\trefreshPolicy\n\t\tpolicyType: basic\n", StringComparison.Ordinal));
            Assert.Equal(table.IsPartitioned, tmdl.Contains("\t\tincrementalGranularity: month\n", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Queries_Timestamps_AreConvertedExplicitlyToBeijingTime()
    {
        foreach (var table in PowerBiModel.Tables)
        {
            var script = PowerQueryScripts.For(table);
            foreach (var column in table.Columns.Where(c => c.Type == MartColumnType.Timestamp))
            {
                Assert.Contains($"{{\"{column.Name}\", Beijing, type datetime}}", script, StringComparison.Ordinal);
                Assert.Contains("DateTimeZone.SwitchZone(", script, StringComparison.Ordinal);
                Assert.Contains(", 8))", script, StringComparison.Ordinal);
            }

            Assert.DoesNotContain("datetimezone}", script, StringComparison.Ordinal);
        }
    }

    [GeneratedRegex(@"\{""(?<name>[^""]+)"", (?<type>type \w+|[A-Za-z0-9]+\.Type)\}")]
    private static partial Regex TypeEntry();

    [GeneratedRegex(@"^DECIMAL\(\d+,(\d+)\)$")]
    private static partial Regex DecimalScale();
}
