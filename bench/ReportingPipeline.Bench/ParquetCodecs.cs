using System.Globalization;
using System.Text;
using DuckDB.NET.Data;

namespace ReportingPipeline.Bench;

/// <summary>
/// What the marts' compression codec costs and gains, beside DuckDB's: DuckDB's marts rewritten with another
/// codec (so that our size is also compared with DuckDB writing the codec we write, not only its Snappy), and a
/// read of every column of every table by DuckDB, as an analyst's refresh reads the marts.
/// </summary>
internal static class ParquetCodecs
{
    /// <summary>
    /// <c>child duckdb-recompress --from DIR --out DIR (--codec gzip | --codec-of OUR_MARTS)</c>: DuckDB's marts
    /// (<see cref="DuckDbMarts"/>) copied table by table into <c>--out</c> with <c>COMPRESSION codec</c> (DuckDB's
    /// default level), the same rows in the same order and the same month partitions; <c>--codec-of</c> takes the
    /// codec our marts were written with from their footers. Figures: MB per table (<c>TABLE_mb</c>) and in all
    /// (<c>total_mb</c>), and <c>codec_NAME</c> = 1. Rewriting DuckDB's
    /// Snappy marts with Snappy gives back their size within 0.1 %, so this is DuckDB's build as if it had written that codec.
    /// </summary>
    public static async Task<Measurement> RecompressAsync(IReadOnlyDictionary<string, string> options)
    {
        var from = options["from"].Replace('\\', '/');
        var output = options["out"];
        await using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync();
        var codec = (options.TryGetValue("codec-of", out var ours) ? await CodecOfAsync(connection, ours) : options["codec"]).ToLowerInvariant();
        if (codec is not ("snappy" or "gzip" or "zstd" or "brotli" or "lz4" or "uncompressed"))
        {
            throw new ArgumentException($"No Parquet codec {codec} in DuckDB.");
        }

        if (Directory.Exists(output))
        {
            Directory.Delete(output, recursive: true);
        }

        Directory.CreateDirectory(output);
        var to = output.Replace('\\', '/');
        var timed = new Timed();
        await ExecuteAsync(connection, "SET threads = 2; SET preserve_insertion_order = true");
        var figures = new Dictionary<string, double>();
        long total = 0;
        foreach (var table in DuckDbMarts.Tables)
        {
            var single = Path.Combine(options["from"], table + ".parquet");
            await ExecuteAsync(connection, File.Exists(single)
                ? $"COPY (SELECT * FROM read_parquet('{from}/{table}.parquet')) TO '{to}/{table}.parquet' (FORMAT parquet, COMPRESSION {codec})"
                : $"COPY (SELECT * FROM read_parquet('{from}/{table}/*/*.parquet', hive_partitioning = true)) TO '{to}/{table}' (FORMAT parquet, COMPRESSION {codec}, PARTITION_BY (period))");
            var bytes = TableBytes(output, table);
            total += bytes;
            figures[table + "_mb"] = bytes / 1e6;
        }

        figures["total_mb"] = total / 1e6;
        figures["codec_" + codec] = 1; // which codec, for the harness's row (figures are numbers)
        return timed.Stop("duckdb-recompress", figures);
    }

    /// <summary>
    /// <c>child read-marts --marts DIR [--passes N]</c>: DuckDB (2 threads) reads every column of every table of
    /// <see cref="DuckDbMarts.Tables"/> (a sum of each number, the length of each string, a count of every other
    /// value), so that every column chunk is decompressed and decoded, as an import refresh does. The first pass
    /// is not timed (it warms DuckDB and the page cache); the figures are the mean of the next N passes (default 3).
    /// </summary>
    public static async Task<Measurement> ReadMartsAsync(IReadOnlyDictionary<string, string> options)
    {
        var marts = options["marts"];
        var passes = options.TryGetValue("passes", out var p) ? int.Parse(p, CultureInfo.InvariantCulture) : 3;
        await using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync();
        await ExecuteAsync(connection, "SET threads = 2");
        var queries = new List<string>();
        var figures = new Dictionary<string, double>();
        foreach (var table in DuckDbMarts.Tables)
        {
            var single = Path.Combine(marts, table + ".parquet");
            var files = File.Exists(single) ? $"'{single.Replace('\\', '/')}'" : $"'{marts.Replace('\\', '/')}/{table}/**/*.parquet'";
            var source = $"read_parquet({files}, hive_partitioning = false)";
            var columns = new List<(string Name, string Type)>();
            await using (var describe = connection.CreateCommand())
            {
                describe.CommandText = $"DESCRIBE SELECT * FROM {source}";
                await using var reader = await describe.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    columns.Add((reader.GetString(0), reader.GetString(1)));
                }
            }

            var select = new StringBuilder("SELECT count(*)");
            foreach (var (name, type) in columns)
            {
                select.Append(type switch
                {
                    "VARCHAR" => $", sum(length(\"{name}\"))",
                    _ when type.StartsWith("DECIMAL", StringComparison.Ordinal) || type is "BIGINT" or "INTEGER" or "DOUBLE" => $", sum(\"{name}\")",
                    _ => $", count(\"{name}\")",
                });
            }

            queries.Add(select.Append(" FROM ").Append(source).ToString());
            await using var metadata = connection.CreateCommand();
            metadata.CommandText = $"SELECT sum(total_uncompressed_size)::DOUBLE FROM parquet_metadata({files})";
            figures[table + "_raw_mb"] = Convert.ToDouble(await metadata.ExecuteScalarAsync(), CultureInfo.InvariantCulture) / 1e6;
        }

        long rows = 0;
        await ReadAllAsync(connection, queries);
        var timed = new Timed();
        for (var i = 0; i < passes; i++)
        {
            rows = await ReadAllAsync(connection, queries);
        }

        figures["rows"] = rows;
        figures["passes"] = passes;
        figures["marts_mb"] = DuckDbMarts.Tables.Sum(t => TableBytes(marts, t)) / 1e6;
        var measured = timed.Stop("read-marts", figures);
        return measured with { Seconds = measured.Seconds / passes, CpuSeconds = measured.CpuSeconds / passes };
    }

    /// <summary>The one codec of every column chunk of every table in <paramref name="marts"/> (our marts), as their footers say.</summary>
    private static async Task<string> CodecOfAsync(DuckDBConnection connection, string marts)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT DISTINCT compression FROM parquet_metadata('{marts.Replace('\\', '/')}/*/**/*.parquet')";
        var codecs = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            codecs.Add(reader.GetString(0));
        }

        return codecs.Count == 1 ? codecs[0] : throw new InvalidOperationException($"{marts}: not one codec but {string.Join(", ", codecs)}.");
    }

    /// <summary>Bytes of one table: its folder of month files, or its single file (DuckDB names dimensions <c>table.parquet</c>).</summary>
    public static long TableBytes(string marts, string table)
    {
        var single = Path.Combine(marts, table + ".parquet");
        return Scenarios.DirectoryBytes(Path.Combine(marts, table)) + (File.Exists(single) ? new FileInfo(single).Length : 0);
    }

    private static async Task<long> ReadAllAsync(DuckDBConnection connection, List<string> queries)
    {
        long rows = 0;
        foreach (var query in queries)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = query;
            rows += Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }

        return rows;
    }

    private static async Task ExecuteAsync(DuckDBConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
