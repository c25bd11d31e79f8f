using Parquet;
using Parquet.Schema;
using ReportingPipeline.Core.Contract;

namespace ReportingPipeline.Core.Marts;

/// <summary>
/// Writes one Parquet file of a mart table into memory, column buffers flushed as a row group every
/// <see cref="RowGroupRows"/> rows (fewer for wide tables, see <see cref="RowGroupCells"/>) so that a month of national data never sits in memory row by row. The
/// Parquet schema comes from the table's declaration, nothing else.
/// </summary>
internal sealed class MartFileWriter : IAsyncDisposable
{
    /// <summary>Big enough for Power BI and DuckDB to read efficiently, small enough to bound memory.</summary>
    public const int RowGroupRows = 250_000;

    /// <summary>
    /// Values buffered per row group: agg_region_month has about 60 columns, and 250,000 of its rows (a national
    /// month has 530,000) held as nullable decimals took hundreds of megabytes.
    /// </summary>
    public const int RowGroupCells = 5_000_000;

    private readonly MemoryStream _output;
    private readonly ParquetWriter _writer;
    private readonly DataField[] _fields;
    private readonly ColumnBuffer[] _buffers;
    private int _pendingRows;
    private bool _finished;

    private MartFileWriter(MartTable table, string? part, MemoryStream output, ParquetWriter writer, DataField[] fields)
    {
        Table = table;
        Part = part;
        _output = output;
        _writer = writer;
        _fields = fields;
        _buffers = [.. table.Columns.Select(ColumnBuffer.For)];
    }

    public MartTable Table { get; }

    /// <summary>The part of the month the file is (<see cref="MartParts"/>); null for a dimension.</summary>
    public string? Part { get; }

    /// <summary>The file's blob name in <c>marts</c>.</summary>
    public string FileName(Period? period) => Table.FileName(period, Part);

    /// <summary>Rows written so far.</summary>
    public long Rows { get; private set; }

    public static async Task<MartFileWriter> CreateAsync(MartTable table, CancellationToken cancellationToken) =>
        await CreateAsync(table, null, cancellationToken);

    /// <summary>A file of part <paramref name="part"/> of a month of <paramref name="table"/>.</summary>
    public static async Task<MartFileWriter> CreateAsync(MartTable table, string? part, CancellationToken cancellationToken)
    {
        var fields = table.Columns.Select(SchemaField).ToArray();
        var output = new MemoryStream();
        var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), output, OptionsFor(table, fields), cancellationToken: cancellationToken);
        writer.CustomMetadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["mart_table"] = table.Name };
        return new MartFileWriter(table, part, output, writer, fields);
    }

    /// <summary>
    /// A string column chunk is dictionary-encoded only when at most this share of its values is distinct.
    /// Parquet.Net writes dictionary indexes as RLE runs without bit-packing, so each index costs two or three
    /// bytes before Snappy: names that are mostly unique (village names, region names of agg_region_month)
    /// come out 10 % smaller plain. Codes and enum values repeat far more and keep their dictionary.
    /// </summary>
    public const double DictionaryThreshold = 0.5;

    /// <summary>
    /// Snappy, and dictionary encoding for string columns whose values repeat (see <see cref="DictionaryThreshold"/>):
    /// Parquet.Net leaves strings plain unless told. Integers, decimals and dates stay plain: Parquet.Net 6.1
    /// dictionary-encodes strings only, and the delta encodings it could use instead are not known to be read by
    /// Power BI (PLAIN, PLAIN/RLE_DICTIONARY and RLE are what every reader understands). Snappy rather than
    /// GZIP or ZSTD: GZIP (Optimal) nearly halves the marts but adds about 17 % to a full build's cpu, and that
    /// Power BI reads ZSTD is not documented (docs/benchmarks.md, "Round 4: compression codec").
    /// </summary>
    private static ParquetOptions OptionsFor(MartTable table, DataField[] fields)
    {
        var options = new ParquetOptions { CompressionMethod = CompressionMethod.Snappy, DictionaryEncodingThreshold = DictionaryThreshold };
        for (var i = 0; i < fields.Length; i++)
        {
            if (table.Columns[i].Type == MartColumnType.String)
            {
                options.ColumnEncodingHints[fields[i].Path.ToString()] = EncodingHint.Dictionary;
            }
        }

        return options;
    }

    /// <summary>The Parquet field a declared column becomes.</summary>
    public static DataField SchemaField(MartColumn column) => column.Type switch
    {
        MartColumnType.String => new DataField<string>(column.Name, column.Nullable),
        MartColumnType.Boolean => new DataField<bool>(column.Name, column.Nullable),
        MartColumnType.Int32 => new DataField<int>(column.Name, column.Nullable),
        MartColumnType.Int64 => new DataField<long>(column.Name, column.Nullable),
        MartColumnType.Money => new DecimalDataField(column.Name, 18, 2, forceByteArrayEncoding: false, isNullable: column.Nullable),
        MartColumnType.Hours => new DecimalDataField(column.Name, 18, 1, forceByteArrayEncoding: false, isNullable: column.Nullable),
        MartColumnType.Ratio => new DataField<double>(column.Name, column.Nullable),
        MartColumnType.Date => new DataField<DateOnly>(column.Name, column.Nullable),
        // Parquet.Net's default for DateTime is INT96 (Impala); the contract forbids it.
        MartColumnType.Timestamp => new DateTimeDataField(column.Name, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: column.Nullable),
        _ => throw new ArgumentOutOfRangeException(nameof(column), column.Type, "Unknown mart column type."),
    };

    public StringColumn Strings(string name) => Buffer<StringColumn>(name, MartColumnType.String);

    public ValueColumn<bool> Booleans(string name) => Buffer<ValueColumn<bool>>(name, MartColumnType.Boolean);

    public ValueColumn<int> Int32s(string name) => Buffer<ValueColumn<int>>(name, MartColumnType.Int32);

    public ValueColumn<long> Int64s(string name) => Buffer<ValueColumn<long>>(name, MartColumnType.Int64);

    public ValueColumn<double> Ratios(string name) => Buffer<ValueColumn<double>>(name, MartColumnType.Ratio);

    public ValueColumn<DateOnly> Dates(string name) => Buffer<ValueColumn<DateOnly>>(name, MartColumnType.Date);

    public TimestampColumn Timestamps(string name) => Buffer<TimestampColumn>(name, MartColumnType.Timestamp);

    /// <summary>A DECIMAL column (money or hours): values are rounded to the column's scale.</summary>
    public DecimalColumn Decimals(string name) => Buffer<DecimalColumn>(name, MartColumnType.Money, MartColumnType.Hours);

    /// <summary>The buffer of column <paramref name="index"/>, whatever its type.</summary>
    public ColumnBuffer Column(int index) => _buffers[index];

    /// <summary>Ends a row: every column must have received exactly one value for it.</summary>
    public async ValueTask EndRowAsync(CancellationToken cancellationToken)
    {
        Rows++;
        _pendingRows++;
        if (_pendingRows >= Math.Min(RowGroupRows, RowGroupCells / _buffers.Length))
        {
            await FlushAsync(cancellationToken);
        }
    }

    /// <summary>The footer key that names the inputs a file was built from (the manifest's fingerprint of them).</summary>
    public const string InputsKey = "input_fingerprint";

    /// <summary>
    /// Writes the last row group and the footer, which carries <paramref name="inputs"/> (see <see cref="InputsKey"/>):
    /// a file then says itself which inputs built it, so that a build killed before its manifest cannot leave a
    /// file the next build would take for the manifest's. Returns the file's bytes.
    /// </summary>
    public async Task<MemoryStream> FinishAsync(string inputs, CancellationToken cancellationToken)
    {
        _writer.CustomMetadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["mart_table"] = Table.Name, [InputsKey] = inputs };
        // An empty partition still gets a file with the schema, so readers see the table and its columns.
        if (_pendingRows > 0 || Rows == 0)
        {
            await FlushAsync(cancellationToken);
        }

        _finished = true;
        await _writer.DisposeAsync();
        _output.Position = 0;
        return _output;
    }

    /// <summary>Abandons an unfinished file (a failed build); a finished one belongs to its caller.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_finished)
        {
            _finished = true;
            await _writer.DisposeAsync();
            await _output.DisposeAsync();
        }
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        using var rowGroup = _writer.CreateRowGroup();
        for (var i = 0; i < _buffers.Length; i++)
        {
            if (_buffers[i].Count != _pendingRows)
            {
                throw new InvalidOperationException(
                    $"{Table.Name}.{Table.Columns[i].Name} has {_buffers[i].Count} values for {_pendingRows} rows.");
            }

            await _buffers[i].WriteAsync(rowGroup, _fields[i], cancellationToken);
            _buffers[i].Clear();
        }

        rowGroup.CompleteValidate();
        _pendingRows = 0;
    }

    private T Buffer<T>(string name, params MartColumnType[] types)
        where T : ColumnBuffer
    {
        var index = Table.IndexOf(name);
        if (!types.Contains(Table.Columns[index].Type) || _buffers[index] is not T buffer)
        {
            throw new InvalidOperationException($"{Table.Name}.{name} is {Table.Columns[index].Type}, not {string.Join('/', types)}.");
        }

        return buffer;
    }
}

/// <summary>The values of one column waiting for the next row group.</summary>
internal abstract class ColumnBuffer(MartColumn column)
{
    public MartColumn Column { get; } = column;

    public abstract int Count { get; }

    public abstract Task WriteAsync(ParquetRowGroupWriter rowGroup, DataField field, CancellationToken cancellationToken);

    public abstract void Clear();

    /// <summary>Adds a null (for a nullable column): the value a level or row does not carry.</summary>
    public abstract void AddNull();

    public static ColumnBuffer For(MartColumn column) => column.Type switch
    {
        MartColumnType.String => new StringColumn(column),
        MartColumnType.Boolean => new ValueColumn<bool>(column),
        MartColumnType.Int32 => new ValueColumn<int>(column),
        MartColumnType.Int64 => new ValueColumn<long>(column),
        MartColumnType.Money => new DecimalColumn(column, 2),
        MartColumnType.Hours => new DecimalColumn(column, 1),
        MartColumnType.Ratio => new ValueColumn<double>(column),
        MartColumnType.Date => new ValueColumn<DateOnly>(column),
        MartColumnType.Timestamp => new TimestampColumn(column),
        _ => throw new ArgumentOutOfRangeException(nameof(column), column.Type, "Unknown mart column type."),
    };

    protected InvalidOperationException NullInRequiredColumn() => new($"Column {Column.Name} is not nullable but was given a null.");
}

internal sealed class StringColumn(MartColumn column) : ColumnBuffer(column)
{
    private readonly List<string?> _values = [];

    public override int Count => _values.Count;

    public void Add(string? value)
    {
        if (value is null && !Column.Nullable)
        {
            throw NullInRequiredColumn();
        }

        _values.Add(value);
    }

    public override void AddNull() => Add(null);

    public override Task WriteAsync(ParquetRowGroupWriter rowGroup, DataField field, CancellationToken cancellationToken) =>
        rowGroup.WriteAsync(field, _values!);

    public override void Clear() => _values.Clear();
}

internal class ValueColumn<T>(MartColumn column) : ColumnBuffer(column)
    where T : struct
{
    private T?[] _values = new T?[1024];
    private int _count;

    public override int Count => _count;

    public void Add(T? value)
    {
        if (value is null && !Column.Nullable)
        {
            throw NullInRequiredColumn();
        }

        if (_count == _values.Length)
        {
            Array.Resize(ref _values, _values.Length * 2);
        }

        _values[_count++] = value;
    }

    public override void AddNull() => Add(null);

    public override async Task WriteAsync(ParquetRowGroupWriter rowGroup, DataField field, CancellationToken cancellationToken)
    {
        if (Column.Nullable)
        {
            await rowGroup.WriteAsync<T>(field, new ReadOnlyMemory<T?>(_values, 0, _count), cancellationToken: cancellationToken);
            return;
        }

        var values = new T[_count];
        for (var i = 0; i < _count; i++)
        {
            values[i] = _values[i]!.Value;
        }

        await rowGroup.WriteAsync<T>(field, values.AsMemory(), cancellationToken: cancellationToken);
    }

    public override void Clear()
    {
        Array.Clear(_values, 0, _count);
        _count = 0;
    }
}

/// <summary>DECIMAL values rounded to the column's scale (sums of 2-decimal values stay exact; this only guards).</summary>
internal sealed class DecimalColumn(MartColumn column, int scale) : ValueColumn<decimal>(column)
{
    public new void Add(decimal? value) =>
        base.Add(value is { } v ? Math.Round(v, scale, MidpointRounding.AwayFromZero) : null);
}

/// <summary>Timestamps are written as UTC instants, whatever offset they arrive with.</summary>
internal sealed class TimestampColumn(MartColumn column) : ValueColumn<DateTime>(column)
{
    public void Add(DateTimeOffset? value) => base.Add(value?.UtcDateTime);
}
