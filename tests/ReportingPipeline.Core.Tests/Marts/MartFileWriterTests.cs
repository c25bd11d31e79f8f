using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Marts;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Testing;

namespace ReportingPipeline.Core.Tests.Marts;

public sealed class MartFileWriterTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "rp-writer-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task FinishAsync_StringColumns_DictionaryOnlyWhereValuesRepeat()
    {
        // 1,000 villages: codes all distinct, names 60 % distinct (too many for a dictionary whose indexes
        // Parquet.Net does not bit-pack), towns 10 % distinct, the rest one value.
        await using (var file = await MartFileWriter.CreateAsync(MartTables.DimRegion, CancellationToken.None))
        {
            for (var i = 0; i < 1_000; i++)
            {
                foreach (var column in MartTables.DimRegion.Columns)
                {
                    file.Strings(column.Name).Add(column.Name switch
                    {
                        "village_code" => $"44010300100{i:D4}",
                        "village_name" => $"村{i % 600}",
                        "town_code" or "town_name" => $"镇{i / 10}",
                        _ => column.Name,
                    });
                }

                await file.EndRowAsync(CancellationToken.None);
            }

            await SaveAsync(await file.FinishAsync("test-inputs", CancellationToken.None), "dim_region/dim_region.parquet");
        }

        using var marts = new MartReader(_folder);
        var encodings = marts.Query($"SELECT path_in_schema, encodings FROM parquet_metadata('{marts.Glob("dim_region")}')")
            .ToDictionary(r => (string)r[0]!, r => (string)r[1]!, StringComparer.Ordinal);
        Assert.DoesNotContain("DICTIONARY", encodings["village_code"], StringComparison.Ordinal);
        Assert.DoesNotContain("DICTIONARY", encodings["village_name"], StringComparison.Ordinal);
        Assert.Contains("DICTIONARY", encodings["town_code"], StringComparison.Ordinal);
        Assert.Contains("DICTIONARY", encodings["province_name"], StringComparison.Ordinal);
        Assert.Equal(1_000, marts.Scalar<long>("SELECT count(DISTINCT village_code) FROM dim_region"));
        Assert.Equal(600, marts.Scalar<long>("SELECT count(DISTINCT village_name) FROM dim_region"));
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
