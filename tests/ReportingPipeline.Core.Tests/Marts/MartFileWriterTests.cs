using ReportingPipeline.Core.Marts;
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
