using System.Globalization;
using System.Runtime.InteropServices;
using ParquetSharp;
using ParquetSharp.Schema;
using ReportingPipeline.Core.Contract;

namespace ReportingPipeline.Core.Marts;

/// <summary>
/// Writes one Parquet file of a mart table into memory, column buffers flushed as a row group every
/// <see cref="RowGroupRows"/> rows (fewer for wide tables, see <see cref="RowGroupCells"/>) so that a month of national data never sits in memory row by row. The
/// Parquet schema comes from the table's declaration, nothing else.
/// </summary>
/// <remarks>
/// Written with ParquetSharp, the .NET binding of Apache Arrow's parquet-cpp: the writer behind pyarrow and pandas,
/// whose files every Parquet reader reads, Power BI's connector included (its errors name
/// <c>parquet::ParquetException</c>: parquet-cpp reads for it). It dictionary-encodes every column whose values
/// repeat, integers and decimals too, with bit-packed indexes, as DuckDB does; Parquet.Net 6.1 dictionary-encoded
/// strings only and wrote the indexes as RLE runs, which left counts PLAIN and the marts 1.3x DuckDB's
/// (docs/benchmarks.md, "Round 6"). The pipeline reads its own marts back with Parquet.Net.
/// </remarks>
internal sealed class MartFileWriter : IAsyncDisposable
{
    /// <summary>Big enough for Power BI and DuckDB to read efficiently, small enough to bound memory.</summary>
    public const int RowGroupRows = 250_000;

    /// <summary>
    /// Values buffered per row group: agg_region_month has about 60 columns, and 250,000 of its rows (a national
    /// month has 530,000) held as nullable decimals took hundreds of megabytes.
    /// </summary>
    public const int RowGroupCells = 5_000_000;

    /// <summary>The footer key that names the inputs a file was built from (the manifest's fingerprint of them).</summary>
    public const string InputsKey = "input_fingerprint";

    private const string TableKey = "mart_table";

    private readonly MemoryStream _output;
    private ParquetFileWriter? _writer;
    private readonly Dictionary<string, string> _metadata;
    private readonly ColumnBuffer[] _buffers;
    private int _pendingRows;
    private bool _finished;

    private MartFileWriter(MartTable table, string? part)
    {
        Table = table;
        Part = part;
        _buffers = [.. table.Columns.Select(ColumnBuffer.For)];
        _output = new MemoryStream();
        // ParquetSharp reads the key-value metadata when the file is closed (FinishAsync adds the inputs).
        _metadata = new Dictionary<string, string>(StringComparer.Ordinal) { [TableKey] = table.Name };
    }

    public MartTable Table { get; }

    /// <summary>The part of the month the file is (<see cref="MartParts"/>); null for a dimension.</summary>
    public string? Part { get; }

    /// <summary>The file's blob name in <c>marts</c>.</summary>
    public string FileName(Period? period) => Table.FileName(period, Part);

    /// <summary>Rows written so far.</summary>
    public long Rows { get; private set; }

    public static Task<MartFileWriter> CreateAsync(MartTable table, CancellationToken cancellationToken) =>
        CreateAsync(table, null, cancellationToken);

    /// <summary>A file of part <paramref name="part"/> of a month of <paramref name="table"/>.</summary>
    public static Task<MartFileWriter> CreateAsync(MartTable table, string? part, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(new MartFileWriter(table, part));
    }

    /// <summary>
    /// A column is dictionary-encoded when at most this share of its first row group's values is distinct, or when
    /// they are at most <see cref="SmallDictionary"/> values. The indexes of a dictionary of thousands of values
    /// (village and region codes and names, yuan amounts) take 10 to 15 bits each and hardly compress, where
    /// Snappy finds the shared prefixes of the values themselves: such columns came out 20-40 % bigger with a
    /// dictionary than PLAIN. Counts, codes of stations and target groups repeat far more and shrink to a few
    /// bits a value.
    /// </summary>
    public const double DictionaryThreshold = 0.1;

    /// <summary>A dictionary of at most this many values (indexes of a byte or less) is used whatever the share.</summary>
    public const int SmallDictionary = 256;

    /// <summary>How the files are written, part of the tables' fingerprint (<see cref="MartFingerprint.Tables"/>).</summary>
    public static readonly string Format = string.Create(CultureInfo.InvariantCulture,
        $"parquet-cpp (ParquetSharp); Snappy; data pages v1; dictionary when distinct <= {DictionaryThreshold} or <= {SmallDictionary}");

    /// <summary>
    /// Snappy; dictionary encoding for the columns whose values repeat (<see cref="DictionaryThreshold"/>); version 1
    /// data pages, so booleans are PLAIN and nothing is delta-encoded: PLAIN, RLE_DICTIONARY and RLE are what
    /// every reader understands. Snappy rather than GZIP or ZSTD: GZIP (Optimal) nearly halves the marts but adds
    /// about 17 % to a full build's cpu, and that Power BI reads ZSTD is not documented (docs/benchmarks.md,
    /// "Round 4: compression codec").
    /// </summary>
    private WriterProperties Properties()
    {
        using var builder = new WriterPropertiesBuilder();
        builder.Compression(Compression.Snappy).EnableDictionary().DataPageVersion(ParquetDataPageVersion.V1);
        foreach (var buffer in _buffers)
        {
            if (!buffer.Repeats(Math.Max(SmallDictionary, (int)(buffer.Count * DictionaryThreshold))))
            {
                builder.DisableDictionary(buffer.Column.Name);
            }
        }

        return builder.Build();
    }

    /// <summary>The file's writer, made when its first row group is written: its encodings follow that row group's values.</summary>
    private ParquetFileWriter Writer()
    {
        if (_writer is null)
        {
            using var schema = Schema(Table);
            using var properties = Properties();
            _writer = new ParquetFileWriter(_output, schema, properties, _metadata, leaveOpen: true)
            {
                LogicalTypeFactory = DatesAsDateOnly,
            };
        }

        return _writer;
    }

    /// <summary>Dates are handed over as <see cref="DateOnly"/>: the marts mean calendar days.</summary>
    private static readonly LogicalTypeFactory DatesAsDateOnly = new() { DateAsDateOnly = true };

    /// <summary>The Parquet schema of a table: one column per declared column, in order.</summary>
    private static GroupNode Schema(MartTable table)
    {
        var nodes = new Node[table.Columns.Count];
        try
        {
            for (var i = 0; i < nodes.Length; i++)
            {
                nodes[i] = Node(table.Columns[i]);
            }

            return new GroupNode("schema", Repetition.Required, nodes);
        }
        finally
        {
            foreach (var node in nodes)
            {
                node?.Dispose();
            }
        }
    }

    /// <summary>The Parquet column a declared column becomes.</summary>
    private static PrimitiveNode Node(MartColumn column)
    {
        var repetition = column.Nullable ? Repetition.Optional : Repetition.Required;
        using var logical = column.Type switch
        {
            MartColumnType.String => LogicalType.String(),
            MartColumnType.Money => LogicalType.Decimal(18, 2),
            MartColumnType.Hours => LogicalType.Decimal(18, 1),
            MartColumnType.Date => LogicalType.Date(),
            // Not INT96 (Impala's), which the contract forbids.
            MartColumnType.Timestamp => LogicalType.Timestamp(isAdjustedToUtc: true, TimeUnit.Micros),
            MartColumnType.Boolean or MartColumnType.Int32 or MartColumnType.Int64 or MartColumnType.Ratio => LogicalType.None(),
            _ => throw new ArgumentOutOfRangeException(nameof(column), column.Type, "Unknown mart column type."),
        };
        var physical = column.Type switch
        {
            MartColumnType.String => PhysicalType.ByteArray,
            MartColumnType.Boolean => PhysicalType.Boolean,
            MartColumnType.Int32 or MartColumnType.Date => PhysicalType.Int32,
            // DECIMAL(18, s) as INT64: 8 bytes a value, where a FIXED_LEN_BYTE_ARRAY would take 16.
            MartColumnType.Int64 or MartColumnType.Money or MartColumnType.Hours or MartColumnType.Timestamp => PhysicalType.Int64,
            MartColumnType.Ratio => PhysicalType.Double,
            _ => throw new ArgumentOutOfRangeException(nameof(column), column.Type, "Unknown mart column type."),
        };
        return new PrimitiveNode(column.Name, repetition, logical, physical);
    }

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
    public ValueTask EndRowAsync(CancellationToken cancellationToken)
    {
        Rows++;
        _pendingRows++;
        if (_pendingRows >= Math.Min(RowGroupRows, RowGroupCells / _buffers.Length))
        {
            cancellationToken.ThrowIfCancellationRequested();
            Flush();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Writes the last row group and the footer, which carries <paramref name="inputs"/> (see <see cref="InputsKey"/>):
    /// a file then says itself which inputs built it, so that a build killed before its manifest cannot leave a
    /// file the next build would take for the manifest's. Returns the file's bytes.
    /// </summary>
    public Task<MemoryStream> FinishAsync(string inputs, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _metadata[InputsKey] = inputs;
        // An empty partition still gets a file with the schema, so readers see the table and its columns.
        if (_pendingRows > 0 || Rows == 0)
        {
            Flush();
        }

        _finished = true;
        _writer!.Close();
        _writer.Dispose();
        _output.Position = 0;
        return Task.FromResult(_output);
    }

    /// <summary>Abandons an unfinished file (a failed build); a finished one belongs to its caller.</summary>
    public ValueTask DisposeAsync()
    {
        if (!_finished)
        {
            _finished = true;
            _writer?.Dispose();
            _output.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private void Flush()
    {
        using var rowGroup = Writer().AppendRowGroup();
        for (var i = 0; i < _buffers.Length; i++)
        {
            if (_buffers[i].Count != _pendingRows)
            {
                throw new InvalidOperationException(
                    $"{Table.Name}.{Table.Columns[i].Name} has {_buffers[i].Count} values for {_pendingRows} rows.");
            }

            using var column = rowGroup.NextColumn();
            _buffers[i].Write(column);
            _buffers[i].Clear();
        }

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

    /// <summary>Writes the buffered values as the row group's chunk of this column.</summary>
    public abstract void Write(ColumnWriter column);

    public abstract void Clear();

    /// <summary>Adds a null (for a nullable column): the value a level or row does not carry.</summary>
    public abstract void AddNull();

    /// <summary>Whether the buffered values (nulls aside) are at most <paramref name="limit"/> distinct ones; stops counting once they are more.</summary>
    public abstract bool Repeats(int limit);

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

    public override bool Repeats(int limit)
    {
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in _values)
        {
            if (value is not null && distinct.Add(value) && distinct.Count > limit)
            {
                return false;
            }
        }

        return true;
    }

    public override void Write(ColumnWriter column)
    {
        using var writer = column.LogicalWriter<string?>(ValueColumn<int>.WriterBuffer(_values.Count));
        writer.WriteBatch(CollectionsMarshal.AsSpan(_values));
    }

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

    public override bool Repeats(int limit)
    {
        var distinct = new HashSet<T>();
        for (var i = 0; i < _count; i++)
        {
            if (_values[i] is { } value && distinct.Add(value) && distinct.Count > limit)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Values converted per batch by ParquetSharp's logical writers: its default, 4,096, or fewer for a short column
    /// (each writer allocates its buffer; a month's parts write hundreds of short columns).
    /// </summary>
    internal static int WriterBuffer(int count) => Math.Clamp(count, 1, 4_096);

    public override void Write(ColumnWriter column)
    {
        if (Column.Nullable)
        {
            using var nullable = column.LogicalWriter<T?>(WriterBuffer(_count));
            nullable.WriteBatch(_values.AsSpan(0, _count));
            return;
        }

        var values = System.Buffers.ArrayPool<T>.Shared.Rent(_count);
        try
        {
            for (var i = 0; i < _count; i++)
            {
                values[i] = _values[i]!.Value;
            }

            using var required = column.LogicalWriter<T>(WriterBuffer(_count));
            required.WriteBatch(values.AsSpan(0, _count));
        }
        finally
        {
            System.Buffers.ArrayPool<T>.Shared.Return(values);
        }
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
