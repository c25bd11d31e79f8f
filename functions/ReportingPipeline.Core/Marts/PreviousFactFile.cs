using Parquet;
using Parquet.Schema;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Ports;

namespace ReportingPipeline.Core.Marts;

/// <summary>
/// A fact file of the previous build, read one row group at a time (never the whole month in memory) to copy
/// the rows of unchanged stations into the new file. Rows are consumed in file order, station by station:
/// the builder writes a month's stations in the order of <see cref="MonthInputs.Expected"/>, so walking the
/// expected stations in that order meets each station's rows at the cursor. A file in any other order is
/// noticed (rows are left over at the end) and the month is rebuilt from JSON.
/// </summary>
internal sealed class PreviousFactFile : IAsyncDisposable
{
    private readonly MemoryStream _content;
    private readonly ParquetReader _reader;
    private readonly DataField[] _fields;
    private readonly MartColumnValues[] _columns;
    private readonly MartColumnValues.StringValues _stations;
    private int _group = -1;
    private int _rows;
    private int _row;

    private PreviousFactFile(MartTable table, MemoryStream content, ParquetReader reader, DataField[] fields)
    {
        Table = table;
        _content = content;
        _reader = reader;
        _fields = fields;
        _columns = [.. table.Columns.Select(MartColumnValues.For)];
        _stations = (MartColumnValues.StringValues)_columns[table.IndexOf(MartTables.StationColumn)];
    }

    public MartTable Table { get; }

    /// <summary>What reading a previous Parquet file can throw when the file is damaged: the month is then rebuilt from JSON.</summary>
    public static bool IsUnreadable(Exception e) =>
        e is ParquetException or IOException or InvalidDataException or InvalidCastException or ArgumentException or IndexOutOfRangeException or NotSupportedException;

    /// <summary>The file, or null when it is not in the store or its columns are not the table's declaration.</summary>
    /// <param name="builtFrom">The inputs the manifest says built the file; a file whose footer names others is not it.</param>
    public static async Task<PreviousFactFile?> OpenAsync(IBlobStore store, MartTable table, Period period, string part, string builtFrom, CancellationToken cancellationToken)
    {
        var content = new MemoryStream();
        await using (var blob = await store.OpenReadAsync(Containers.Marts, table.FileName(period, part), cancellationToken))
        {
            if (blob is null)
            {
                return null;
            }

            await blob.CopyToAsync(content, cancellationToken);
        }

        content.Position = 0;
        var reader = await ParquetReader.CreateAsync(content, cancellationToken: cancellationToken);
        var fields = reader.Schema.GetDataFields();
        if (!fields.Select(f => f.Name).SequenceEqual(table.Columns.Select(c => c.Name), StringComparer.Ordinal)
            || reader.CustomMetadata?.GetValueOrDefault(MartFileWriter.InputsKey) != builtFrom)
        {
            await reader.DisposeAsync();
            await content.DisposeAsync();
            return null;
        }

        return new PreviousFactFile(table, content, reader, fields);
    }

    /// <summary>The station of the row at the cursor; null past the last row.</summary>
    public async ValueTask<string?> PeekStationAsync(CancellationToken cancellationToken)
    {
        while (_row >= _rows)
        {
            if (_group + 1 >= _reader.RowGroupCount)
            {
                return null;
            }

            using var group = _reader.OpenRowGroupReader(++_group);
            _rows = checked((int)group.RowCount);
            _row = 0;
            for (var c = 0; c < _columns.Length; c++)
            {
                await _columns[c].ReadAsync(group, _fields[c], _rows, cancellationToken);
            }
        }

        return _stations.Values[_row];
    }

    /// <summary>Copies the rows of <paramref name="stationCode"/> at the cursor into <paramref name="target"/>, value by value.</summary>
    public async Task CopyAsync(string stationCode, MartFileWriter target, CancellationToken cancellationToken)
    {
        while (await PeekStationAsync(cancellationToken) == stationCode)
        {
            for (var c = 0; c < _columns.Length; c++)
            {
                _columns[c].CopyTo(target.Column(c), _row);
            }

            _row++;
            await target.EndRowAsync(cancellationToken);
        }
    }

    /// <summary>Passes over the rows of <paramref name="stationCode"/> at the cursor: a changed station's old rows.</summary>
    public async Task SkipAsync(string stationCode, CancellationToken cancellationToken)
    {
        while (await PeekStationAsync(cancellationToken) == stationCode)
        {
            _row++;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _reader.DisposeAsync();
        await _content.DisposeAsync();
    }
}
