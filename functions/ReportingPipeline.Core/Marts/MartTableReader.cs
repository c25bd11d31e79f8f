using Parquet;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Ports;

namespace ReportingPipeline.Core.Marts;

/// <summary>
/// Some columns of a mart table, read back from its Parquet files: one array per column, rows in file order.
/// Values are boxed as the declared type (string, bool, int, long, decimal, double, DateOnly, DateTime) or null.
/// </summary>
public sealed class MartRows(MartTable table, IReadOnlyDictionary<string, List<object?>> columns, int count)
{
    public MartTable Table { get; } = table;

    public int Count { get; } = count;

    public string? String(string column, int row) => (string?)Column(column)[row];

    public long? Long(string column, int row) => Column(column)[row] switch
    {
        null => null,
        long l => l,
        int i => i,
        var v => throw new InvalidOperationException($"{Table.Name}.{column} holds {v.GetType().Name}, not an integer."),
    };

    /// <summary>Any numeric column as a double: ratios as stored, counts exactly, DECIMAL yuan to the nearest representable.</summary>
    public double? Number(string column, int row) => Column(column)[row] switch
    {
        null => null,
        double d => d,
        decimal d => (double)d,
        long l => l,
        int i => i,
        var v => throw new InvalidOperationException($"{Table.Name}.{column} holds {v.GetType().Name}, not a number."),
    };

    public bool? Bool(string column, int row) => (bool?)Column(column)[row];

    public DateOnly? Date(string column, int row) => (DateOnly?)Column(column)[row];

    public DateTimeOffset? Timestamp(string column, int row) =>
        Column(column)[row] is DateTime t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null;

    /// <summary>The month of a <c>period</c> (DATE) column.</summary>
    public Period PeriodOf(int row) => Period.Of(Date(MartTables.PeriodColumn, row) ?? throw new InvalidOperationException($"{Table.Name} has a row without a period."));

    private List<object?> Column(string name) =>
        columns.TryGetValue(name, out var values) ? values : throw new KeyNotFoundException($"{Table.Name}.{name} was not read.");
}

/// <summary>
/// Reads mart tables through <see cref="IBlobStore"/>, the files the manifest lists (so a partition left from an
/// older build is never mixed in). Columns are read by their declaration in <see cref="MartTables"/>.
/// </summary>
public sealed class MartTableReader(IBlobStore store, MartManifest manifest)
{
    /// <summary>
    /// The named columns of every file of <paramref name="table"/>, or of the partitions of <paramref name="periods"/>
    /// only; with <paramref name="keep"/>, only the rows whose string column passes it (village rows of a national
    /// rollup would otherwise all be boxed to be thrown away).
    /// </summary>
    public async Task<MartRows> ReadAsync(
        MartTable table,
        IReadOnlyCollection<string> columnNames,
        IReadOnlySet<Period>? periods = null,
        (string Column, Func<string?, bool> Predicate)? keep = null,
        CancellationToken cancellationToken = default)
    {
        var columns = columnNames.Select(n => table[n]).ToList();
        var readers = columns.Select(MartColumnValues.For).ToList();
        var values = columns.ToDictionary(c => c.Name, _ => new List<object?>(), StringComparer.Ordinal);
        var count = 0;
        var files = manifest.FindTable(table.Name)?.Files ?? [];
        foreach (var file in files.Where(f => periods is null || f.Period is not { } p || periods.Contains(p)).OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            await using var blob = await store.OpenReadAsync(Containers.Marts, file.Name, cancellationToken)
                ?? throw new InvalidOperationException($"marts/{file.Name} is in the manifest but not in the store.");
            using var buffer = new MemoryStream();
            await blob.CopyToAsync(buffer, cancellationToken);
            buffer.Position = 0;
            await using var reader = await ParquetReader.CreateAsync(buffer, cancellationToken: cancellationToken);
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                var rows = checked((int)group.RowCount);
                bool[]? mask = null;
                if (keep is { } filter)
                {
                    var keys = new string?[rows];
                    await group.ReadAsync(reader.Schema.FindDataField(table[filter.Column].Name), keys.AsMemory(), cancellationToken: cancellationToken);
                    mask = [.. keys.Select(filter.Predicate)];
                }

                for (var c = 0; c < columns.Count; c++)
                {
                    await readers[c].ReadAsync(group, reader.Schema.FindDataField(columns[c].Name), rows, cancellationToken);
                    var target = values[columns[c].Name];
                    for (var r = 0; r < rows; r++)
                    {
                        if (mask is null || mask[r])
                        {
                            target.Add(readers[c].Boxed(r));
                        }
                    }
                }

                count += mask?.Count(k => k) ?? rows;
            }
        }

        return new MartRows(table, values, count);
    }
}
