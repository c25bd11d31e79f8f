using Parquet;
using Parquet.Schema;

namespace ReportingPipeline.Core.Marts;

/// <summary>Reading one column of a row group, the one way every reader of the marts does it.</summary>
internal static class ParquetColumns
{
    /// <summary>
    /// The values of a value-type column, null where the file has none. A REQUIRED column is read densely:
    /// Parquet.Net 6.1 reading one into nullable memory returned nulls at random once a process had run a
    /// while (3,480 of 24,119 dates of one Guangdong fct_visits file; never in a fresh process).
    /// </summary>
    public static async Task<T?[]> ReadAsync<T>(ParquetRowGroupReader group, DataField field, int rows, CancellationToken cancellationToken)
        where T : struct
    {
        var values = new T?[rows];
        if (field.IsNullable)
        {
            await group.ReadAsync<T>(field, values.AsMemory(), cancellationToken: cancellationToken);
            return values;
        }

        var dense = new T[rows];
        await group.ReadAsync<T>(field, dense.AsMemory(), cancellationToken: cancellationToken);
        for (var i = 0; i < rows; i++)
        {
            values[i] = dense[i];
        }

        return values;
    }

    /// <summary>The values of a string column; a REQUIRED one that reads back a null is an unreadable file.</summary>
    public static async Task<string?[]> ReadStringsAsync(ParquetRowGroupReader group, DataField field, int rows, CancellationToken cancellationToken)
    {
        var values = new string?[rows];
        await group.ReadAsync(field, values.AsMemory(), cancellationToken: cancellationToken);
        if (!field.IsNullable && Array.IndexOf(values, null) >= 0)
        {
            throw new InvalidDataException($"The required column {field.Name} read back with nulls.");
        }

        return values;
    }
}
