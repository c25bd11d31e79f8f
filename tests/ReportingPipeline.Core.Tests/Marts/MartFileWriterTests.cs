using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Marts;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Testing;

namespace ReportingPipeline.Core.Tests.Marts;

public sealed class MartFileWriterTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "rp-writer-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task FinishAsync_CountsThatRepeat_AreDictionaryEncodedWithBitPackedIndexes()
    {
        // 20,000 rows of a month's services: counts drawn from a dozen values, as a village's counts are. PLAIN
        // INT64 takes 160 KB a column before Snappy (Parquet.Net wrote them so); a dictionary of 12 values with
        // 4-bit indexes takes 10 KB.
        var table = MartTables.FctServices;
        var random = new Random(17);
        long[] sums = new long[table.Columns.Count];
        await using (var file = await MartFileWriter.CreateAsync(table, "4401", CancellationToken.None))
        {
            for (var row = 0; row < 20_000; row++)
            {
                for (var c = 0; c < table.Columns.Count; c++)
                {
                    switch (file.Column(c))
                    {
                        case StringColumn strings: strings.Add($"44010300100{row / 5:D4}"); break;
                        case ValueColumn<DateOnly> dates: dates.Add(new DateOnly(2025, 6, 1)); break;
                        case ValueColumn<long> longs:
                            var value = random.Next(12) * 3L;
                            sums[c] += value;
                            longs.Add(value);
                            break;
                        case ValueColumn<int> ints: ints.Add(row % 4); break;
                        default: file.Column(c).AddNull(); break;
                    }
                }

                await file.EndRowAsync(CancellationToken.None);
            }

            await SaveAsync(await file.FinishAsync("test-inputs", CancellationToken.None), "fct_services/period=2025-06/part-4401.parquet");
        }

        using var marts = new MartReader(_folder);
        var counts = table.Columns.Select((c, i) => (c, i)).Where(x => x.c.Type == MartColumnType.Int64).ToList();
        Assert.NotEmpty(counts);
        foreach (var (column, index) in counts)
        {
            var chunk = marts.Query($"SELECT encodings, total_compressed_size FROM parquet_metadata('{marts.Glob("fct_services")}') WHERE path_in_schema = '{column.Name}'").Single();
            Assert.Contains("RLE_DICTIONARY", (string)chunk[0]!, StringComparison.Ordinal);
            Assert.True(Convert.ToInt64(chunk[1], System.Globalization.CultureInfo.InvariantCulture) < 16_000, $"{column.Name}: {chunk[1]} bytes for 20,000 values of 12 kinds");
            Assert.Equal(sums[index], marts.Scalar<long>($"SELECT sum({column.Name}) FROM fct_services"));
        }

        // Codes of which a fifth are distinct (4,000 of 20,000) would need 12-bit indexes that hardly compress: PLAIN.
        var codes = (string)marts.Query($"SELECT encodings FROM parquet_metadata('{marts.Glob("fct_services")}') WHERE path_in_schema = 'village_code'").Single()[0]!;
        Assert.DoesNotContain("DICTIONARY", codes, StringComparison.Ordinal);
        Assert.Equal(4_000, marts.Scalar<long>("SELECT count(DISTINCT village_code) FROM fct_services"));
    }

    [Fact]
    public async Task WriteAllAsync_FilesFinishedInParallel_AreStoredInTheOrderGivenWithTheBytesOfAFileFinishedAlone()
    {
        var period = new Period(2025, 6);
        var store = new RecordingBlobStore(new InMemoryBlobStore());
        var build = await MartBuild.StartAsync(store, null, DateTimeOffset.UnixEpoch, CancellationToken.None);

        // The first table gets the most rows, so it is the last to finish when the files finish side by side.
        var alone = new List<byte[]>();
        foreach (var (table, rows) in MartTables.Facts.Select((t, i) => (t, (MartTables.Facts.Count - i) * 20_000)))
        {
            await using var file = await FilledAsync(table, rows);
            using var bytes = await file.FinishAsync("test-inputs", CancellationToken.None);
            alone.Add(bytes.ToArray());
        }

        var files = new List<MartFileWriter>();
        foreach (var (table, rows) in MartTables.Facts.Select((t, i) => (t, (MartTables.Facts.Count - i) * 20_000)))
        {
            files.Add(await FilledAsync(table, rows));
        }

        await build.WriteAllAsync(files, period, [period], "test-inputs", CancellationToken.None);

        var names = MartTables.Facts.Select(t => t.FileName(period, "4401")).ToList();
        Assert.Equal(names, build.Written);
        Assert.Equal(names.Select(n => $"write {Containers.Marts}/{n}"), store.Changes);
        for (var i = 0; i < names.Count; i++)
        {
            await using var stored = await store.OpenReadAsync(Containers.Marts, names[i]);
            using var copy = new MemoryStream();
            await stored!.CopyToAsync(copy);
            Assert.Equal(alone[i], copy.ToArray());
            Assert.Equal(alone[i].Length, build.Files[names[i]].Bytes);
        }
    }

    [Fact]
    public async Task EndRowsAsync_ColumnsFilledByRangesAcrossRowGroups_WritesTheBytesOfAFileFilledRowByRow()
    {
        // agg_region_month is filled column by column, a row group at a time: more rows than one group takes must
        // end each group where a file filled row by row ends it, with the same values (nulls among them).
        var table = MartTables.AggRegionMonth;
        int rows;
        await using (var probe = await MartFileWriter.CreateAsync(table, "4401", CancellationToken.None))
        {
            rows = probe.RowsLeftInGroup + 1_000;
        }

        static long? Count(int row) => row % 5 == 0 ? null : row * 3L;
        static decimal? Amount(int row) => row % 7 == 0 ? null : row % 1_000 / 10m;
        static double? Ratio(int row) => row % 3 == 0 ? null : row / 7.0;

        byte[] byRow;
        await using (var file = await MartFileWriter.CreateAsync(table, "4401", CancellationToken.None))
        {
            for (var row = 0; row < rows; row++)
            {
                for (var c = 0; c < table.Columns.Count; c++)
                {
                    switch (file.Column(c))
                    {
                        case StringColumn strings: strings.Add($"{table.Columns[c].Name}-{row % 97}"); break;
                        case ValueColumn<DateOnly> dates: dates.Add(new DateOnly(2025, 6, 1)); break;
                        case DecimalColumn decimals: decimals.Add(Amount(row)); break;
                        case ValueColumn<long> longs: longs.Add(Count(row)); break;
                        case ValueColumn<double> doubles: doubles.Add(Ratio(row)); break;
                        default: throw new InvalidOperationException($"{table.Name}.{table.Columns[c].Name}: no made-up value.");
                    }
                }

                await file.EndRowAsync(CancellationToken.None);
            }

            byRow = (await file.FinishAsync("test-inputs", CancellationToken.None)).ToArray();
        }

        byte[] byRange;
        var groups = 0;
        await using (var file = await MartFileWriter.CreateAsync(table, "4401", CancellationToken.None))
        {
            for (var start = 0; start < rows; groups++)
            {
                var count = Math.Min(file.RowsLeftInGroup, rows - start);
                for (var c = 0; c < table.Columns.Count; c++)
                {
                    switch (file.Column(c))
                    {
                        case StringColumn strings:
                            for (var row = start; row < start + count; row++)
                            {
                                strings.Add($"{table.Columns[c].Name}-{row % 97}");
                            }

                            break;
                        case ValueColumn<DateOnly> dates:
                            for (var row = start; row < start + count; row++)
                            {
                                dates.Add(new DateOnly(2025, 6, 1));
                            }

                            break;
                        case DecimalColumn decimals: Fill(decimals.AddRange(count), start, Amount); break;
                        case ValueColumn<long> longs: Fill(longs.AddRange(count), start, Count); break;
                        case ValueColumn<double> doubles: Fill(doubles.AddRange(count), start, Ratio); break;
                        default: throw new InvalidOperationException($"{table.Name}.{table.Columns[c].Name}: no made-up value.");
                    }
                }

                await file.EndRowsAsync(count, CancellationToken.None);
                start += count;
            }

            byRange = (await file.FinishAsync("test-inputs", CancellationToken.None)).ToArray();
        }

        Assert.Equal(2, groups);
        Assert.True(byRange.AsSpan().SequenceEqual(byRow), "the file filled by ranges differs in bytes");
        await SaveAsync(new MemoryStream(byRange), "agg_region_month/month=2025-06/part-4401.parquet");
        using var marts = new MartReader(_folder);
        Assert.Equal(2L, marts.Scalar<long>($"SELECT count(DISTINCT row_group_id) FROM parquet_metadata('{marts.Glob("agg_region_month")}')"));
        Assert.Equal((long)rows, marts.Scalar<long>("SELECT count(*) FROM agg_region_month"));
        var counted = table.Columns.First(c => c.Type == MartColumnType.Int64).Name;
        Assert.Equal(Enumerable.Range(0, rows).Sum(r => Count(r) ?? 0), marts.Scalar<long>($"SELECT sum({counted}) FROM agg_region_month"));

        static void Fill<T>(Span<T?> values, int start, Func<int, T?> value)
            where T : struct
        {
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = value(start + i);
            }
        }
    }

    /// <summary>A file of <paramref name="table"/> with <paramref name="rows"/> rows of made-up values of each column's type.</summary>
    private static async Task<MartFileWriter> FilledAsync(MartTable table, int rows)
    {
        var file = await MartFileWriter.CreateAsync(table, "4401", CancellationToken.None);
        for (var row = 0; row < rows; row++)
        {
            for (var c = 0; c < table.Columns.Count; c++)
            {
                switch (file.Column(c))
                {
                    case StringColumn strings: strings.Add($"{table.Columns[c].Name}-{row % 97}"); break;
                    case DecimalColumn decimals: decimals.Add(row % 1_000 / 10m); break;
                    case TimestampColumn timestamps: timestamps.Add(DateTimeOffset.UnixEpoch.AddMinutes(row)); break;
                    case ValueColumn<bool> booleans: booleans.Add(row % 3 == 0); break;
                    case ValueColumn<int> ints: ints.Add(row % 13); break;
                    case ValueColumn<long> longs: longs.Add(row % 211); break;
                    case ValueColumn<double> doubles: doubles.Add(row / 7.0); break;
                    case ValueColumn<DateOnly> dates: dates.Add(new DateOnly(2025, 6, 1).AddDays(row % 30)); break;
                    default: throw new InvalidOperationException($"{table.Name}.{table.Columns[c].Name}: no made-up value.");
                }
            }

            await file.EndRowAsync(CancellationToken.None);
        }

        return file;
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private async Task SaveAsync(MemoryStream bytes, string path)
    {
        var target = Path.Combine(_folder, path);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        await using var output = File.Create(target);
        await bytes.CopyToAsync(output);
    }
}
