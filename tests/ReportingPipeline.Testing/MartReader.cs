using System.Data.Common;
using DuckDB.NET.Data;
using ReportingPipeline.Core.Marts;

namespace ReportingPipeline.Testing;

/// <summary>One column of a Parquet file as DuckDB's <c>parquet_schema</c> reports it.</summary>
/// <param name="PhysicalType">INT32, INT64, BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY, DOUBLE, BOOLEAN, INT96.</param>
/// <param name="LogicalType">The logical type annotation as DuckDB prints it (e.g. <c>TimestampType(isAdjustedToUTC=1, ...)</c>), or null.</param>
/// <param name="ConvertedType">The legacy converted type (UTF8, DATE, DECIMAL, ...), or null.</param>
public sealed record ParquetColumnSchema(string File, string Name, string PhysicalType, string? LogicalType, string? ConvertedType, int? Precision, int? Scale, string Repetition);

/// <summary>
/// Opens a <c>marts</c> folder with DuckDB, as an analyst's tools would: one view per table over
/// <c>read_parquet('{table}/**/*.parquet')</c>, named as the table. For tests of the marts and of anything
/// that builds them.
/// </summary>
public sealed class MartReader : IDisposable
{
    private readonly DuckDBConnection _connection;

    public MartReader(string martsFolder)
    {
        Folder = Path.GetFullPath(martsFolder);
        _connection = new DuckDBConnection("DataSource=:memory:");
        _connection.Open();
        foreach (var table in MartTables.All)
        {
            if (Files(table.Name).Count > 0)
            {
                Execute($"CREATE VIEW {table.Name} AS SELECT * FROM read_parquet('{Glob(table.Name)}', hive_partitioning = false)");
            }
        }
    }

    public string Folder { get; }

    /// <summary>The Parquet files of a table, relative to the folder, in name order.</summary>
    public IReadOnlyList<string> Files(string table)
    {
        var folder = Path.Combine(Folder, table);
        return Directory.Exists(folder)
            ? [.. Directory.EnumerateFiles(folder, "*.parquet", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(Folder, f).Replace(Path.DirectorySeparatorChar, '/'))
                .Order(StringComparer.Ordinal)]
            : [];
    }

    /// <summary>The glob DuckDB reads a table with.</summary>
    public string Glob(string table) => Path.Combine(Folder, table).Replace('\\', '/') + "/**/*.parquet";

    public void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>Runs a query; each row as an array of values (DBNull becomes null).</summary>
    public IReadOnlyList<object?[]> Query(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        return ReadAll(reader);
    }

    /// <summary>Every row of a table as text, sorted: for comparing two builds' marts whatever their row order.</summary>
    public IReadOnlyList<string> Dump(string table) =>
        [.. Query($"SELECT * FROM {table}")
            .Select(row => string.Join('|', row.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture))))
            .Order(StringComparer.Ordinal)];

    /// <summary>Runs a query; each row as a dictionary by column name.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, object?>> Rows(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var names = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToArray();
        return [.. ReadAll(reader).Select(row => (IReadOnlyDictionary<string, object?>)names.Zip(row).ToDictionary(x => x.First, x => x.Second, StringComparer.Ordinal))];
    }

    public T Scalar<T>(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        var value = command.ExecuteScalar();
        if (value is System.Numerics.BigInteger huge)
        {
            // DuckDB sums BIGINT into HUGEINT.
            value = (decimal)huge;
        }

        return value is null or DBNull ? default! : (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The Parquet schema of every file of a table (leaf columns only).</summary>
    public IReadOnlyList<ParquetColumnSchema> ParquetSchema(string table) =>
        [.. Query($"""
            SELECT file_name, name, type, logical_type, converted_type, precision, scale, repetition_type
            FROM parquet_schema('{Glob(table)}')
            WHERE num_children IS NULL OR num_children = 0
            """)
            .Select(r => new ParquetColumnSchema(
                (string)r[0]!, (string)r[1]!, (string)r[2]!, r[3]?.ToString(), r[4]?.ToString(),
                r[5] is null ? null : Convert.ToInt32(r[5], System.Globalization.CultureInfo.InvariantCulture),
                r[6] is null ? null : Convert.ToInt32(r[6], System.Globalization.CultureInfo.InvariantCulture),
                (string)r[7]!))];

    /// <summary>Column names and DuckDB types of a table's view (<c>DESCRIBE</c>), in order.</summary>
    public IReadOnlyList<(string Name, string Type)> Describe(string table) =>
        [.. Query($"DESCRIBE {table}").Select(r => ((string)r[0]!, (string)r[1]!))];

    public void Dispose() => _connection.Dispose();

    private static List<object?[]> ReadAll(DbDataReader reader)
    {
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }
}
