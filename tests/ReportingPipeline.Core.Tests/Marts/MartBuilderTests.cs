using System.Text.Json;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Marts;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Testing;
using static ReportingPipeline.Testing.MartScenario;

namespace ReportingPipeline.Core.Tests.Marts;

public sealed class MartBuilderTests(BuiltMarts built) : IClassFixture<BuiltMarts>
{
    private static readonly string[] AcceptedStatuses = ["accepted", "accepted_with_warnings"];

    private MartScenario Scenario => built.Scenario;

    [Fact]
    public void BuildAsync_SmallProvince_CoversFirstLedgerMonthToLatestEntry()
    {
        // First entry 2021-12; April closed at "now", May has an entry but is still open.
        Assert.Equal([.. Period.Range(P(2021, 12), P(2022, 5))], built.Result.Periods);
        Assert.True(built.Result.ManifestWritten);
    }

    [Fact]
    public void BuildAsync_SmallProvince_WritesEveryTableInItsLayout()
    {
        using var marts = Scenario.OpenReader();
        foreach (var table in MartTables.All)
        {
            // A month in parts: one per city (Guangzhou 4401, Yunfu 4453), and agg_region_month's province and city rows in the province's (44).
            string[] parts = table == MartTables.AggRegionMonth ? ["44", "4401", "4453"] : ["4401", "4453"];
            IReadOnlyList<string> expected = table.IsPartitioned
                ? [.. built.Result.Periods.SelectMany(p => parts.Select(part => $"{table.Name}/month={p}/part-{part}.parquet"))]
                : [$"{table.Name}/{table.Name}.parquet"];
            Assert.Equal(expected, marts.Files(table.Name));
        }
    }

    [Fact]
    public void BuildAsync_SmallProvince_DuckDbDefaultHiveReadOfEveryFactFolderGetsPeriodAsDate()
    {
        // What an analyst types: the table folder's partitions, DuckDB's defaults (hive partitions detected).
        // With the month in a folder key that is no column, the files' own period DATE comes through unchanged.
        using var marts = Scenario.OpenReader();
        foreach (var table in MartTables.All.Where(t => t.IsPartitioned))
        {
            var folder = Path.Combine(marts.Folder, table.Name).Replace('\\', '/');
            var columns = marts.Query($"DESCRIBE SELECT * FROM read_parquet('{folder}/*/*.parquet')")
                .ToDictionary(r => (string)r[0]!, r => (string)r[1]!, StringComparer.Ordinal);
            Assert.Equal("DATE", columns[MartTables.PeriodColumn]);
            Assert.Equal("VARCHAR", columns[MartTable.PartitionKey]);
            Assert.Equal(0L, marts.Scalar<long>($"""
                SELECT count(*) FROM read_parquet('{folder}/*/*.parquet', hive_partitioning = true)
                WHERE strftime({MartTables.PeriodColumn}, '%Y-%m') <> {MartTable.PartitionKey}
                """));
        }
    }

    [Fact]
    public void BuildAsync_SmallProvince_EveryColumnHasItsDeclaredParquetType()
    {
        using var marts = Scenario.OpenReader();
        foreach (var table in MartTables.All)
        {
            Assert.Equal(table.Columns.Select(c => c.Name), marts.Describe(table.Name).Select(c => c.Name));
            var duckTypes = marts.Describe(table.Name).ToDictionary(c => c.Name, c => c.Type);
            var schema = marts.ParquetSchema(table.Name);
            foreach (var column in table.Columns)
            {
                var where = $"{table.Name}.{column.Name}";
                var expectedDuckType = column.Type switch
                {
                    MartColumnType.String => "VARCHAR",
                    MartColumnType.Boolean => "BOOLEAN",
                    MartColumnType.Int32 => "INTEGER",
                    MartColumnType.Int64 => "BIGINT",
                    MartColumnType.Money => "DECIMAL(18,2)",
                    MartColumnType.Hours => "DECIMAL(18,1)",
                    MartColumnType.Ratio => "DOUBLE",
                    MartColumnType.Date => "DATE",
                    MartColumnType.Timestamp => "TIMESTAMP WITH TIME ZONE",
                    _ => throw new InvalidOperationException(where),
                };
                Assert.True(expectedDuckType == duckTypes[column.Name], $"{where}: {duckTypes[column.Name]}, expected {expectedDuckType}");

                foreach (var file in schema.Where(s => s.Name == column.Name))
                {
                    Assert.NotEqual("INT96", file.PhysicalType);
                    Assert.Equal(column.Nullable ? "OPTIONAL" : "REQUIRED", file.Repetition);
                    switch (column.Type)
                    {
                        case MartColumnType.Timestamp:
                            Assert.Equal("INT64", file.PhysicalType);
                            Assert.Contains("isAdjustedToUTC=1", file.LogicalType, StringComparison.Ordinal);
                            Assert.Contains("MICROS", file.LogicalType, StringComparison.Ordinal);
                            break;
                        case MartColumnType.Date:
                            Assert.Equal("INT32", file.PhysicalType);
                            Assert.Equal("DATE", file.ConvertedType);
                            break;
                        case MartColumnType.Money or MartColumnType.Hours:
                            Assert.Equal("DECIMAL", file.ConvertedType);
                            Assert.Equal(18, file.Precision);
                            Assert.Equal(column.Type == MartColumnType.Money ? 2 : 1, file.Scale);
                            break;
                        case MartColumnType.Int64:
                            Assert.Equal("INT64", file.PhysicalType);
                            break;
                        case MartColumnType.String:
                            Assert.Equal("BYTE_ARRAY", file.PhysicalType);
                            Assert.Equal("UTF8", file.ConvertedType);
                            break;
                        default:
                            break;
                    }
                }
            }
        }
    }

    [Fact]
    public void BuildAsync_SmallProvince_ColumnChunksUseCompactEncodingsEveryReaderKnows()
    {
        // Power BI's Parquet connector is not known to read the delta encodings or BYTE_STREAM_SPLIT; decimals
        // as INT64 take 8 bytes a value where a 16-byte FIXED_LEN_BYTE_ARRAY would double them.
        string[] readable = ["PLAIN", "PLAIN_DICTIONARY", "RLE_DICTIONARY", "RLE", "BIT_PACKED"];
        using var marts = Scenario.OpenReader();
        foreach (var table in MartTables.All)
        {
            var types = table.Columns.ToDictionary(c => c.Name, c => c.Type, StringComparer.Ordinal);
            foreach (var chunk in marts.Query($"SELECT path_in_schema, type, encodings, compression FROM parquet_metadata('{marts.Glob(table.Name)}')"))
            {
                var (name, physical, encodings, codec) = ((string)chunk[0]!, (string)chunk[1]!, (string)chunk[2]!, (string)chunk[3]!);
                Assert.Equal("SNAPPY", codec);
                Assert.All(encodings.Split(", "), e => Assert.True(readable.Contains(e), $"{table.Name}.{name} is {e}"));
                if (types[name] is MartColumnType.Money or MartColumnType.Hours)
                {
                    Assert.Equal("INT64", physical);
                }
            }
        }

        // Three levels over every region of a city part (district, town, village): a dictionary in every city's file.
        Assert.True(marts.Scalar<bool>($"SELECT bool_and(encodings LIKE '%DICTIONARY%') FROM parquet_metadata('{marts.Glob("agg_region_month")}') WHERE path_in_schema = 'level' AND NOT file_name LIKE '%part-44.parquet'"));
    }

    [Fact]
    public void BuildAsync_SmallProvince_EveryFactKeyExistsInItsDimension()
    {
        using var marts = Scenario.OpenReader();
        foreach (var table in MartTables.Facts.Append(MartTables.AggRegionMonth))
        {
            Assert.Equal(0L, marts.Scalar<long>($"SELECT count(*) FROM {table.Name} f ANTI JOIN dim_period p ON p.date = f.period"));
        }

        foreach (var table in MartTables.Facts)
        {
            Assert.Equal(0L, marts.Scalar<long>($"SELECT count(*) FROM {table.Name} f ANTI JOIN dim_station s USING (station_code)"));
        }

        foreach (var table in new[] { MartTables.FctVisits, MartTables.FctServices })
        {
            // The village exists and lies in the reporting station's town.
            Assert.Equal(0L, marts.Scalar<long>(
                $"SELECT count(*) FROM {table.Name} f ANTI JOIN dim_region r ON r.village_code = f.village_code AND r.town_code = f.station_code"));
            Assert.True(marts.Scalar<long>($"SELECT count(*) FROM {table.Name}") > 0);
        }

        Assert.Equal(0L, marts.Scalar<long>("""
            SELECT count(*) FROM agg_region_month a
            WHERE NOT EXISTS (SELECT 1 FROM dim_region r WHERE a.region_code IN (r.village_code, r.town_code, r.district_code, r.city_code, r.province_code))
            """));
    }

    [Fact]
    public void BuildAsync_SmallProvince_OneSubmissionRowPerExpectedStationMonth()
    {
        using var marts = Scenario.OpenReader();
        var expected = built.Result.Periods
            .SelectMany(p => Scenario.Reference.StationsOpenIn(p).Select(s => $"{p}/{s.StationCode}"))
            .Order(StringComparer.Ordinal);
        var written = marts.Query("SELECT strftime(period, '%Y-%m') || '/' || station_code FROM fct_submission ORDER BY 1").Select(r => (string)r[0]!);
        Assert.Equal(expected, written);

        // The late station is not expected before March, the closed one not after February.
        Assert.Equal(0L, marts.Scalar<long>($"SELECT count(*) FROM fct_submission WHERE station_code = '{SmallReference.Liwan2Late}' AND period < DATE '2022-03-01'"));
        Assert.Equal(0L, marts.Scalar<long>($"SELECT count(*) FROM fct_submission WHERE station_code = '{SmallReference.YuexiuClosed}' AND period > DATE '2022-02-01'"));
    }

    [Theory]
    [InlineData("2022-02", SmallReference.Liwan1, "accepted_with_warnings", true, 1, 0L, 2L, 1L)]
    [InlineData("2022-03", SmallReference.Liwan1, "accepted", true, 2, 0L, 0L, 2L)] // v2 after the deadline: v1 was on time
    [InlineData("2022-04", SmallReference.Liwan1, "accepted", false, 1, 0L, 0L, 1L)] // late
    [InlineData("2022-03", SmallReference.Liwan2Late, "rejected", false, null, 1L, 0L, 2L)] // the latest rejection's counts
    [InlineData("2022-05", SmallReference.Liwan2Late, "missing", null, null, null, null, 0L)] // May is still open
    [InlineData("2022-01", SmallReference.YuexiuClosed, "missing", false, null, null, null, 0L)] // January is closed
    [InlineData("2022-02", SmallReference.YuexiuClosed, "accepted_with_warnings", true, 1, 0L, 1L, 2L)] // accepted after a rejection
    [InlineData("2021-12", SmallReference.Yuncheng, "missing", false, null, null, null, 0L)]
    public void BuildAsync_SmallProvince_SubmissionStatusFollowsLedger(
        string period, string station, string status, bool? onTime, int? version, long? errors, long? warnings, long uploads)
    {
        using var marts = Scenario.OpenReader();
        var row = Assert.Single(marts.Rows($"SELECT * FROM fct_submission WHERE strftime(period, '%Y-%m') = '{period}' AND station_code = '{station}'"));
        Assert.Equal(status, row["status"]);
        Assert.Equal(onTime, (bool?)row["on_time"]);
        Assert.Equal(version, (int?)row["version"]);
        Assert.Equal(errors, (long?)row["errors"]);
        Assert.Equal(warnings, (long?)row["warnings"]);
        Assert.Equal(uploads, (long)row["uploads"]!);
        Assert.Equal(period != "2022-05", (bool)row["period_closed"]!);
        Assert.Equal(status == "missing", row["sha256"] is null);
    }

    [Fact]
    public async Task BuildAsync_SmallProvince_TimestampsAreTheUtcInstants()
    {
        using var marts = Scenario.OpenReader();
        var entry = (await Scenario.Ledger.GetAsync(P(2022, 3), SmallReference.Liwan1))!.Entry;
        Assert.Equal(entry.Current!.ReceivedAt.ToUnixTimeMilliseconds() * 1000, marts.Scalar<long>(
            $"SELECT epoch_us(received_at) FROM fct_submission WHERE period = DATE '2022-03-01' AND station_code = '{SmallReference.Liwan1}'"));
        Assert.Equal(DeadlinePolicy.Default.DeadlineOf(P(2021, 12)).ToUnixTimeMilliseconds() * 1000, marts.Scalar<long>(
            "SELECT epoch_us(deadline) FROM dim_period WHERE period_key = 202112"));
        var june = Assert.Single(marts.Rows("SELECT * FROM dim_period WHERE period_key = 202203"));
        Assert.Equal("2022-03", june["label"]);
        Assert.Equal("2022年3月", june["label_zh"]);
        Assert.Equal(1, (int)june["quarter"]!);
        Assert.Equal(true, june["closed"]);
    }

    [Fact]
    public void BuildAsync_Resubmission_FactsCarryTheCurrentVersionOnly()
    {
        using var marts = Scenario.OpenReader();
        var v2 = SampleSubmissions.For(Scenario.Reference, SmallReference.Liwan1, P(2022, 3), 5);
        var filter = $"period = DATE '2022-03-01' AND station_code = '{SmallReference.Liwan1}'";
        Assert.Equal(v2.Visits.Sum(v => v.ResidentVisits ?? 0), marts.Scalar<long>($"SELECT sum(resident_visits) FROM fct_visits WHERE {filter}"));
        Assert.Equal(v2.Services.Count, marts.Scalar<long>($"SELECT count(*) FROM fct_services WHERE {filter}"));
        Assert.Equal(v2.Funds.Sum(f => f.Received ?? 0), marts.Scalar<decimal>($"SELECT sum(received) FROM fct_funds WHERE {filter}"));
        Assert.Equal(2, marts.Scalar<int>($"SELECT version FROM fct_station_month WHERE {filter}"));
        // A blank cell stays missing: the first village's newly_identified is null in every sample.
        Assert.Equal(1L, marts.Scalar<long>($"SELECT count(*) FROM fct_visits WHERE {filter} AND newly_identified IS NULL"));
    }

    [Fact]
    public void BuildAsync_SmallProvince_IssuesAreThoseOfCurrentOrLatestRejectedUpload()
    {
        using var marts = Scenario.OpenReader();
        // Rejected twice (3 errors, then 1): only the latest upload's issue.
        Assert.Equal(1L, marts.Scalar<long>($"SELECT count(*) FROM fct_validation_issue WHERE period = DATE '2022-03-01' AND station_code = '{SmallReference.Liwan2Late}' AND severity = 'error' AND version IS NULL"));
        // Accepted with warnings after a rejection: the accepted version's warning, not the rejection's errors.
        var rows = marts.Rows($"SELECT * FROM fct_validation_issue WHERE period = DATE '2022-02-01' AND station_code = '{SmallReference.YuexiuClosed}'");
        Assert.Equal("warning", Assert.Single(rows)["severity"]);
        Assert.Equal(0L, marts.Scalar<long>("""
            SELECT count(*) FROM fct_validation_issue i JOIN fct_submission s USING (period, station_code)
            WHERE i.sha256 IS DISTINCT FROM s.sha256
            """));
        Assert.Equal(0L, marts.Scalar<long>("SELECT count(*) FROM fct_validation_issue WHERE station_code = '440999001'"));
    }

    [Fact]
    public void BuildAsync_SmallProvince_AggregatesEqualSqlRecomputationFromFacts()
    {
        using var marts = Scenario.OpenReader();
        AssertAggregatesMatchFacts(marts);

        // Spot checks a reader can follow: Guangdong in March 2022 expects A, B, D (C closed in February).
        var march = Assert.Single(marts.Rows("SELECT * FROM agg_region_month WHERE level = 'province' AND period = DATE '2022-03-01'"));
        Assert.Equal(3L, march["stations_expected"]);
        Assert.Equal(2L, march["stations_reported"]);
        Assert.Equal(2.0 / 3.0, (double)march["reporting_rate"]!);
        var village = Assert.Single(marts.Rows("SELECT * FROM agg_region_month WHERE level = 'village' AND region_code = '445302002001' AND period = DATE '2022-03-01'"));
        Assert.Equal(0L, village["villages_expected"]); // a town without a station
        Assert.Null(village["village_visit_coverage"]);
        Assert.Null(village["stations_expected"]);
    }

    [Fact]
    public async Task BuildAsync_SmallProvince_ManifestNamesInputsAndFiles()
    {
        using var marts = Scenario.OpenReader();
        var manifest = await Scenario.ReadManifestAsync();
        Assert.Equal(Scenario.Reference.Fingerprint, manifest.ReferenceFingerprint);
        var march = Assert.Single(manifest.Periods, p => p.Period == P(2022, 3));
        Assert.True(march.Closed);
        var entry = (await Scenario.Ledger.GetAsync(P(2022, 3), SmallReference.Liwan1))!.Entry;
        var marchInputs = await Scenario.ReadInputsAsync(P(2022, 3));
        Assert.Contains(new ManifestInput(SmallReference.Liwan1, 2, entry.Current!.Sha256, 2), marchInputs);
        Assert.Contains(marchInputs, i => i.StationCode == SmallReference.Liwan2Late && i.Version == 0);
        Assert.DoesNotContain(marchInputs, i => i.StationCode == SmallReference.Yuncheng && i.Version == 0);
        Assert.False(Assert.Single(manifest.Periods, p => p.Period == P(2022, 5)).Closed);

        foreach (var table in manifest.Tables)
        {
            foreach (var file in table.Files)
            {
                Assert.Equal(file.Rows, marts.Scalar<long>($"SELECT count(*) FROM read_parquet('{Path.Combine(Scenario.MartsFolder, file.Name)}')"));
            }

            Assert.Equal(table.Rows, table.Files.Sum(f => f.Rows));
        }

        var agg = manifest.FindFile(MartTables.AggRegionMonth.FileName(P(2022, 3), "4401"))!;
        Assert.Equal([P(2022, 1), P(2022, 2), P(2022, 3)], agg.InputPeriods);
        Assert.Equal([P(2022, 3)], manifest.FindFile(MartTables.FctVisits.FileName(P(2022, 3), "4401"))!.InputPeriods);
    }

    [Fact]
    public async Task BuildAsync_NothingChanged_WritesNothing()
    {
        using var scenario = new MartScenario();
        await scenario.SeedAsync();
        await scenario.BuildAsync();
        var before = scenario.Snapshot();
        var versions = await scenario.VersionsAsync();

        var again = await scenario.BuildAsync(Now.AddHours(1));

        Assert.Empty(again.FilesWritten);
        Assert.Empty(again.FilesDeleted);
        Assert.False(again.ManifestWritten);
        Assert.Empty(again.PeriodsRebuilt);
        Assert.Equal(versions, await scenario.VersionsAsync());
        AssertSameBytes(before, scenario.Snapshot(), []);
    }

    [Fact]
    public async Task BuildAsync_ResubmissionOfOneMonth_RewritesThatMonthAndLaterYearToDateOnly()
    {
        using var scenario = new MartScenario();
        await scenario.SeedAsync();
        await scenario.BuildAsync();
        var before = scenario.Snapshot();

        await scenario.AcceptAsync(P(2022, 2), SmallReference.Yuncheng, 21, At(2022, 5, 19)); // v2 of February
        var result = await scenario.BuildAsync();

        // Yuncheng is in Yunfu (4453): February's Yunfu part of every fact table, and from February on, the Yunfu
        // and province parts of agg_region_month (their year to date moved); Guangzhou's files stay as they were.
        string[] changed =
        [
            .. MartTables.Facts.Select(t => t.FileName(P(2022, 2), "4453")),
            .. Period.Range(P(2022, 2), P(2022, 5)).SelectMany(p => new[] { MartTables.AggRegionMonth.FileName(p, "44"), MartTables.AggRegionMonth.FileName(p, "4453") }),
            ManifestMonthInputs.BlobNameFor(P(2022, 2)),
            MartManifest.BlobName,
        ];
        Assert.Equal(changed.Order(StringComparer.Ordinal), result.FilesWritten.Append(MartManifest.BlobName).Order(StringComparer.Ordinal));
        changed = [.. changed, LedgerRecentChanges.BlobName]; // written with every manifest
        Assert.Equal([P(2022, 2), P(2022, 3), P(2022, 4), P(2022, 5)], result.PeriodsRebuilt);
        AssertSameBytes(before, scenario.Snapshot(), changed);

        using var marts = scenario.OpenReader();
        AssertAggregatesMatchFacts(marts); // the year to date was carried on from January's file
        Assert.Equal(2, marts.Scalar<int>($"SELECT version FROM fct_submission WHERE period = DATE '2022-02-01' AND station_code = '{SmallReference.Yuncheng}'"));
        var manifest = await scenario.ReadManifestAsync();
        var entry = (await scenario.Ledger.GetAsync(P(2022, 2), SmallReference.Yuncheng))!.Entry;
        Assert.Contains(new ManifestInput(SmallReference.Yuncheng, 2, entry.Current!.Sha256, 2), await scenario.ReadInputsAsync(P(2022, 2)));
        Assert.Equal(result.BuildId, manifest.FindFile(MartTables.FctVisits.FileName(P(2022, 2), "4453"))!.BuildId);
        Assert.NotEqual(result.BuildId, manifest.FindFile(MartTables.FctVisits.FileName(P(2022, 2), "4401"))!.BuildId);
        Assert.NotEqual(result.BuildId, manifest.FindFile(MartTables.FctVisits.FileName(P(2022, 1), "4453"))!.BuildId);
    }

    [Fact]
    public async Task BuildAsync_AfterAResubmission_ReadsOnlyTheLedgerChangesAndMatchesAFullBuild()
    {
        using var scenario = new MartScenario();
        await scenario.SeedAsync();
        scenario.BackdateLedger(TimeSpan.FromHours(3));
        scenario.BackdateLedger(TimeSpan.FromHours(1), P(2022, 5), SmallReference.Liwan1); // the newest entry the first build sees
        var first = await scenario.BuildAsync();

        await scenario.AcceptAsync(P(2022, 2), SmallReference.Yuncheng, 21, At(2022, 5, 19)); // v2 of February
        var result = await scenario.BuildAsync(Now.AddHours(1));
        var incremental = scenario.DumpMarts();
        Directory.Delete(scenario.MartsFolder, recursive: true);
        var full = await scenario.BuildAsync(Now.AddHours(1));

        Assert.True(first.LedgerFullScan);
        Assert.False(result.LedgerFullScan);
        // The corrected entry and the newest one before the first build (changes are read from a little before
        // it), not the 16 others.
        Assert.Equal(2, result.LedgerChangesRead);
        Assert.Equal([P(2022, 2), P(2022, 3), P(2022, 4), P(2022, 5)], result.PeriodsRebuilt);
        Assert.True(full.LedgerFullScan);
        Assert.Equal(scenario.DumpMarts(), incremental);
        Assert.Contains(new ManifestInput(SmallReference.Yuncheng, 2, (await scenario.Ledger.GetAsync(P(2022, 2), SmallReference.Yuncheng))!.Entry.Current!.Sha256, 2),
            await scenario.ReadInputsAsync(P(2022, 2)));
    }

    [Fact]
    public async Task BuildAsync_FirstUploadOfANewMonth_ExtendsTheMonthsFromTheChangesAlone()
    {
        using var scenario = new MartScenario();
        await scenario.SeedAsync();
        scenario.BackdateLedger(TimeSpan.FromHours(3));
        await scenario.BuildAsync(At(2022, 5, 31, 20));

        // June opens on 1 June; a station files early, before May's deadline has passed.
        var now = At(2022, 6, 1, 14);
        await scenario.AcceptAsync(P(2022, 6), SmallReference.Yuncheng, 23, At(2022, 6, 1, 9));
        var result = await scenario.BuildAsync(now);
        var incremental = scenario.DumpMarts();
        Directory.Delete(scenario.MartsFolder, recursive: true);
        await scenario.BuildAsync(now);

        Assert.False(result.LedgerFullScan);
        Assert.Equal(P(2022, 6), result.Periods[^1]);
        Assert.Equal(scenario.DumpMarts(), incremental);
    }

    [Fact]
    public async Task BuildAsync_DayAfterTheLastFullScan_ReadsTheWholeLedgerAgain()
    {
        using var scenario = new MartScenario();
        await scenario.SeedAsync();
        await scenario.BuildAsync();

        var sameDay = await scenario.BuildAsync(Now.AddHours(23));
        var nextDay = await scenario.BuildAsync(Now.AddHours(25));

        Assert.False(sameDay.LedgerFullScan);
        Assert.True(nextDay.LedgerFullScan);
        Assert.Empty(nextDay.FilesWritten);
    }

    [Fact]
    public async Task BuildAsync_DecemberResubmission_LeavesNextYearAlone()
    {
        using var scenario = new MartScenario();
        await scenario.SeedAsync();
        await scenario.BuildAsync();

        await scenario.AcceptAsync(P(2021, 12), SmallReference.YuexiuClosed, 22, At(2022, 5, 19));
        var result = await scenario.BuildAsync();

        Assert.Equal([P(2021, 12)], result.PeriodsRebuilt);
        using var marts = scenario.OpenReader();
        AssertAggregatesMatchFacts(marts);
    }

    [Fact]
    public async Task BuildAsync_MonthCloses_RebuildsThatMonthAndPeriodDimension()
    {
        using var scenario = new MartScenario();
        await scenario.SeedAsync();
        await scenario.BuildAsync();
        var before = scenario.Snapshot();

        var result = await scenario.BuildAsync(At(2022, 6, 11)); // May's deadline (10 June) has passed

        Assert.Equal([P(2022, 5)], result.PeriodsRebuilt);
        string[] changed =
        [
            MartTables.DimPeriod.FileName(),
            .. MartTables.Facts.SelectMany(t => new[] { t.FileName(P(2022, 5), "4401"), t.FileName(P(2022, 5), "4453") }),
            .. new[] { "44", "4401", "4453" }.Select(part => MartTables.AggRegionMonth.FileName(P(2022, 5), part)),
            ManifestMonthInputs.BlobNameFor(P(2022, 5)), // closed now
        ];
        Assert.Equal(changed.Order(StringComparer.Ordinal), result.FilesWritten.Order(StringComparer.Ordinal));
        AssertSameBytes(before, scenario.Snapshot(), [.. changed, MartManifest.BlobName, LedgerRecentChanges.BlobName]);
        using var marts = scenario.OpenReader();
        Assert.Equal(false, Assert.Single(marts.Rows($"SELECT on_time FROM fct_submission WHERE period = DATE '2022-05-01' AND station_code = '{SmallReference.Liwan2Late}'"))["on_time"]);
        AssertAggregatesMatchFacts(marts);
    }

    [Fact]
    public async Task BuildAsync_ReferenceChanged_RebuildsEveryFile()
    {
        using var scenario = new MartScenario();
        await scenario.SeedAsync();
        var first = await scenario.BuildAsync();
        scenario.Reference = SmallReference.Create("small-reference-v2");

        var result = await scenario.BuildAsync();

        Assert.True(result.ReferenceRebuilt);
        // Everything but dim_period, which depends on the months covered, and the months' inputs files, which are the
        // ledger's: neither depends on the reference.
        Assert.Equal(
            first.FilesWritten.Where(f => f != MartTables.DimPeriod.FileName() && ManifestMonthInputs.PeriodOf(f) is null).Order(StringComparer.Ordinal),
            result.FilesWritten.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task BuildAsync_EmptyLedger_CoversTheLastClosedMonthWithEveryStationMissing()
    {
        using var scenario = new MartScenario();

        var result = await scenario.BuildAsync();

        Assert.Equal([P(2022, 4)], result.Periods);
        using var marts = scenario.OpenReader();
        Assert.Equal(0L, marts.Scalar<long>("SELECT count(*) FROM fct_submission WHERE status <> 'missing'"));
        Assert.Equal(0L, marts.Scalar<long>("SELECT count(*) FROM fct_visits"));
        AssertAggregatesMatchFacts(marts);
    }

    private static void AssertAggregatesMatchFacts(MartReader marts)
    {
        var columns = string.Join(", ", MartTables.AggRegionMonth.Columns.Select(c => c.Name));
        var recomputed = $"SELECT {columns} FROM ({AggregateRecomputation.Sql})";
        var written = $"SELECT {columns} FROM agg_region_month";
        var missing = marts.Rows($"{recomputed} EXCEPT ALL {written} ORDER BY period, level, region_code LIMIT 3");
        var extra = marts.Rows($"{written} EXCEPT ALL {recomputed} ORDER BY period, level, region_code LIMIT 3");
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"agg_region_month differs from the recomputation.\nExpected:\n{Describe(missing)}\nWritten:\n{Describe(extra)}");
        Assert.Equal(marts.Scalar<long>($"SELECT count(*) FROM ({recomputed})"), marts.Scalar<long>("SELECT count(*) FROM agg_region_month"));
        Assert.True(marts.Scalar<long>("SELECT count(*) FROM agg_region_month WHERE level = 'village'") > 0);
    }

    private static string Describe(IEnumerable<IReadOnlyDictionary<string, object?>> rows) =>
        string.Join('\n', rows.Select(r => string.Join(", ", r.Select(kv => $"{kv.Key}={kv.Value}"))));

    private static void AssertSameBytes(IReadOnlyDictionary<string, byte[]> before, IReadOnlyDictionary<string, byte[]> after, IReadOnlyCollection<string> changed)
    {
        Assert.Equal(before.Keys.Order(StringComparer.Ordinal), after.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, bytes) in before)
        {
            if (!changed.Contains(name))
            {
                Assert.True(bytes.AsSpan().SequenceEqual(after[name]), $"{name} was rewritten");
            }
        }
    }

}
