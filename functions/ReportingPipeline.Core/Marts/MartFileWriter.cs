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

    /// <summary>
    /// parquet-cpp's buffers come from the C library's allocator, not its default jemalloc pool, which kept freed
    /// memory for reuse: Guangdong builds peaked at 344-353 MB (12 months) and 357-386 MB (60 months) resident with it,
    /// 237-252 and 278-285 MB with the C library's, at the same speed (docs/benchmarks.md, "Round 7").
    /// </summary>
    private static readonly MemoryPool NativeMemory = MemoryPool.SystemMemoryPool();

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
        builder.Compression(Compression.Snappy).EnableDictionary().DataPageVersion(ParquetDataPageVersion.V1).MemoryPool(NativeMemory);
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
            using var schema = Schema();
            using var properties = Properties();
            _writer = new ParquetFileWriter(_output, schema, properties, _metadata, leaveOpen: true);
        }

        return _writer;
    }

    /// <summary>The Parquet schema of the table: one column per declared column, in order, of its buffer's physical type.</summary>
    private GroupNode Schema()
    {
        var nodes = new Node[_buffers.Length];
        try
        {
            for (var i = 0; i < nodes.Length; i++)
            {
                nodes[i] = Node(_buffers[i]);
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

    /// <summary>
    /// The Parquet column a declared column becomes: the physical type its buffer stores (<see cref="ColumnBuffer.For"/>),
    /// annotated with the logical type the contract names.
    /// </summary>
    private static PrimitiveNode Node(ColumnBuffer buffer)
    {
        var column = buffer.Column;
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
            _ => throw new ArgumentOutOfRangeException(nameof(buffer), column.Type, "Unknown mart column type."),
        };
        return new PrimitiveNode(column.Name, repetition, logical, buffer.Physical);
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
    public ValueTask EndRowAsync(CancellationToken cancellationToken) => EndRowsAsync(1, cancellationToken);

    /// <summary>How many rows the current row group still takes: a file filled column by column ends at most these many rows at once.</summary>
    public int RowsLeftInGroup => RowGroupLimit - _pendingRows;

    /// <summary>Ends <paramref name="count"/> rows filled column by column (at most <see cref="RowsLeftInGroup"/>): every column must have received exactly that many values.</summary>
    public ValueTask EndRowsAsync(int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, RowsLeftInGroup);
        Rows += count;
        _pendingRows += count;
        if (_pendingRows >= RowGroupLimit)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Flush();
        }

        return ValueTask.CompletedTask;
    }

    private int RowGroupLimit => Math.Min(RowGroupRows, RowGroupCells / _buffers.Length);

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
        Release();
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
            Release();
        }

        return ValueTask.CompletedTask;
    }

    private void Release()
    {
        foreach (var buffer in _buffers)
        {
            buffer.Release();
        }
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

    // The fact files ask for a row's columns by name, so no array of types per call.
    private T Buffer<T>(string name, MartColumnType type, MartColumnType? or = null)
        where T : ColumnBuffer
    {
        var index = Table.IndexOf(name);
        var actual = Table.Columns[index].Type;
        if ((actual != type && actual != or) || _buffers[index] is not T buffer)
        {
            throw new InvalidOperationException($"{Table.Name}.{name} is {actual}, not {type}{(or is null ? string.Empty : $"/{or}")}.");
        }

        return buffer;
    }
}

/// <summary>The values of one column waiting for the next row group.</summary>
internal abstract class ColumnBuffer(MartColumn column)
{
    public MartColumn Column { get; } = column;

    public abstract int Count { get; }

    /// <summary>The Parquet physical type the values are stored as, the one <see cref="Write"/> writes.</summary>
    public abstract PhysicalType Physical { get; }

    /// <summary>
    /// Writes the buffered values as the row group's chunk of this column, through parquet-cpp's physical writer:
    /// values as stored (UTF-8 bytes, unscaled DECIMAL integers, days, microseconds), and a definition level per
    /// row of a nullable column (1 for a value, 0 for a null).
    /// </summary>
    public abstract void Write(ColumnWriter column);

    public abstract void Clear();

    /// <summary>Gives the buffer's array back to <see cref="ColumnArrays"/>: the file is finished or abandoned. The buffer is empty after it.</summary>
    public abstract void Release();

    /// <summary>Adds a null (for a nullable column): the value a level or row does not carry.</summary>
    public abstract void AddNull();

    /// <summary>Adds a null, or in a required column the empty value of its type (<see cref="MartCodeWarmUp"/>'s rows).</summary>
    public abstract void AddEmpty();

    /// <summary>Whether the buffered values (nulls aside) are at most <paramref name="limit"/> distinct ones; stops counting once they are more.</summary>
    public abstract bool Repeats(int limit);

    public static ColumnBuffer For(MartColumn column) => column.Type switch
    {
        MartColumnType.String => new StringColumn(column),
        MartColumnType.Boolean => new ValueColumn<bool>(column, Stored.As<bool, bool>(v => v)),
        MartColumnType.Int32 => new ValueColumn<int>(column, Stored.As<int, int>(v => v)),
        MartColumnType.Int64 => new ValueColumn<long>(column, Stored.As<long, long>(v => v)),
        MartColumnType.Money => new DecimalColumn(column, 2),
        MartColumnType.Hours => new DecimalColumn(column, 1),
        MartColumnType.Ratio => new ValueColumn<double>(column, Stored.As<double, double>(v => v)),
        MartColumnType.Date => new ValueColumn<DateOnly>(column, Stored.As<DateOnly, int>(d => d.DayNumber - Stored.UnixEpochDay)),
        MartColumnType.Timestamp => new TimestampColumn(column),
        _ => throw new ArgumentOutOfRangeException(nameof(column), column.Type, "Unknown mart column type."),
    };

    protected InvalidOperationException NullInRequiredColumn() => new($"Column {Column.Name} is not nullable but was given a null.");
}

/// <summary>
/// A column's buffered values in an array from <see cref="ColumnArrays"/> (null for a missing value): the storage
/// of the string and value columns, which differ only in how they write their values.
/// </summary>
internal abstract class ArrayColumn<TValue>(MartColumn column) : ColumnBuffer(column)
{
    private TValue[] _values = [];
    private int _count;

    public override int Count => _count;

    /// <summary>The values buffered since the last row group.</summary>
    protected ReadOnlySpan<TValue> Values => _values.AsSpan(0, _count);

    public void Add(TValue value)
    {
        if (value is null && !Column.Nullable)
        {
            throw NullInRequiredColumn();
        }

        if (_count == _values.Length)
        {
            _values = ColumnArrays.Grow(_values, _count);
        }

        _values[_count++] = value;
    }

    /// <summary>
    /// Room for <paramref name="count"/> more values of a nullable column, for the caller to fill at once (a file
    /// filled column by column); what is not set stays null.
    /// </summary>
    public Span<TValue> AddRange(int count)
    {
        if (!Column.Nullable)
        {
            throw new InvalidOperationException($"{Column.Name} is required: its values are added one by one, each checked.");
        }

        while (_count + count > _values.Length)
        {
            _values = ColumnArrays.Grow(_values, _count);
        }

        var added = _values.AsSpan(_count, count);
        added.Clear();
        _count += count;
        return added;
    }

    public override void AddNull() => Add(default!);

    public override void AddEmpty() => Add(Column.Nullable ? default! : Empty);

    /// <summary>The value of a required column that says nothing: an empty string, a zero, the first day.</summary>
    protected abstract TValue Empty { get; }

    public override bool Repeats(int limit)
    {
        var distinct = new HashSet<TValue>();
        foreach (var value in Values)
        {
            if (value is not null && distinct.Add(value) && distinct.Count > limit)
            {
                return false;
            }
        }

        return true;
    }

    public override void Clear()
    {
        Array.Clear(_values, 0, _count);
        _count = 0;
    }

    public override void Release()
    {
        _count = 0;
        ColumnArrays.Return(ref _values);
    }
}

internal sealed class StringColumn(MartColumn column) : ArrayColumn<string?>(column)
{
    protected override string? Empty => string.Empty;

    public override PhysicalType Physical { get; } = Stored.PhysicalOf<ByteArray>();

    /// <summary>
    /// The strings as UTF-8 in a pinned buffer, each value a pointer into it for the time of the call, a batch of
    /// <see cref="Stored.Batch"/> values at a time.
    /// </summary>
    public override unsafe void Write(ColumnWriter column)
    {
        var writer = (ColumnWriter<ByteArray>)column;
        var arrays = System.Buffers.ArrayPool<ByteArray>.Shared.Rent(Stored.Batch);
        var levels = System.Buffers.ArrayPool<short>.Shared.Rent(Stored.Batch);
        try
        {
            for (var first = 0; first < Count; first += Stored.Batch)
            {
                var values = Values.Slice(first, Math.Min(Stored.Batch, Count - first));
                var bytes = 0;
                foreach (var value in values)
                {
                    bytes += value is null ? 0 : System.Text.Encoding.UTF8.GetByteCount(value);
                }

                var utf8 = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Max(bytes, 1));
                try
                {
                    fixed (byte* start = utf8)
                    {
                        var offset = 0;
                        var count = 0;
                        for (var i = 0; i < values.Length; i++)
                        {
                            levels[i] = Stored.Level(values[i] is not null);
                            if (values[i] is { } value)
                            {
                                var length = System.Text.Encoding.UTF8.GetBytes(value, utf8.AsSpan(offset));
                                arrays[count++] = new ByteArray((IntPtr)(start + offset), length);
                                offset += length;
                            }
                        }

                        Stored.WriteBatch(writer, Column.Nullable, levels.AsSpan(0, values.Length), arrays.AsSpan(0, count));
                    }
                }
                finally
                {
                    System.Buffers.ArrayPool<byte>.Shared.Return(utf8);
                }
            }
        }
        finally
        {
            System.Buffers.ArrayPool<ByteArray>.Shared.Return(arrays);
            System.Buffers.ArrayPool<short>.Shared.Return(levels);
        }
    }

}

/// <summary>
/// The arrays column buffers hold their values in, from a pool: a build writes thousands of files, each of tens of
/// columns whose buffers grew by doubling, and those arrays (most of them big enough for the large object heap)
/// were what a Guangdong full build allocated most (1.1 of its 2.3 GB) and what made the GC collect the whole heap
/// (docs/benchmarks.md, "Round 7"). A file returns its arrays when it is finished or abandoned. The pool keeps at most
/// <see cref="PerSize"/> arrays of each size in one stack, not the shared pool's stacks per thread and per core:
/// Guangdong builds peaked at 307-338 MB resident over 12 months and 358-360 MB over 60 with it, 343-365 and 383-400 MB
/// with the shared pool (two runs each).
/// </summary>
internal static class ColumnArrays
{
    /// <summary>The first array a column gets.</summary>
    public const int Initial = 1_024;

    /// <summary>The longest array kept: a row group's column (<see cref="MartFileWriter.RowGroupRows"/> rows) fits.</summary>
    private const int MaxLength = 1 << 18;

    /// <summary>Arrays kept per size and type: what the files being written at once hold.</summary>
    private const int PerSize = 64;

    /// <summary>An array twice as big (at least <see cref="Initial"/>) holding the first <paramref name="count"/> values; the old one goes back to the pool.</summary>
    public static T[] Grow<T>(T[] values, int count)
    {
        var bigger = Pool<T>.Arrays.Rent(Math.Max(Initial, values.Length * 2));
        values.AsSpan(0, count).CopyTo(bigger);
        Return(ref values);
        return bigger;
    }

    /// <summary>Gives <paramref name="values"/> back (cleared first where it holds references) and leaves the field empty, so it is never given back twice.</summary>
    public static void Return<T>(ref T[] values)
    {
        if (values.Length > 0)
        {
            Pool<T>.Arrays.Return(values, clearArray: System.Runtime.CompilerServices.RuntimeHelpers.IsReferenceOrContainsReferences<T>());
        }

        values = [];
    }

    private static class Pool<T>
    {
        public static readonly System.Buffers.ArrayPool<T> Arrays = System.Buffers.ArrayPool<T>.Create(MaxLength, PerSize);
    }
}

/// <summary>How a value column's values are stored: the physical Parquet type and the conversion to it.</summary>
internal abstract class Stored<T>
    where T : struct
{
    /// <summary>The Parquet physical type the values are converted to.</summary>
    public abstract PhysicalType Physical { get; }

    /// <summary>Writes <paramref name="values"/> (nulls only where <paramref name="nullable"/>) as the column chunk.</summary>
    public abstract void Write(ColumnWriter column, ReadOnlySpan<T?> values, bool nullable);
}

internal static class Stored
{
    /// <summary>
    /// Values handed to parquet-cpp per call, converted into small pooled buffers: columns of a quarter of a million
    /// values converted whole kept megabytes of buffers in the shared pool for each core (national full builds
    /// peaked at 1,469-1,563 MB resident, 1,250-1,428 MB with batches; docs/benchmarks.md, "Round 6").
    /// </summary>
    public const int Batch = 4_096;

    /// <summary>The definition level of a nullable column's row: 1 where there is a value, 0 for a null.</summary>
    public static short Level(bool hasValue) => hasValue ? (short)1 : (short)0;

    /// <summary>DATE is days since 1970-01-01.</summary>
    public static readonly int UnixEpochDay = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;

    /// <summary>The physical type parquet-cpp writes values of <typeparamref name="TStored"/> as (its writer is a <c>ColumnWriter&lt;TStored&gt;</c>).</summary>
    public static PhysicalType PhysicalOf<TStored>()
        where TStored : unmanaged => LogicalTypeFactory.DefaultPhysicalTypeMapping.Single(m => m.Value == typeof(TStored)).Key;

    /// <summary>
    /// Writes one batch: the values present, with a definition level per row when the column is nullable (a
    /// required column's rows are its values).
    /// </summary>
    public static void WriteBatch<TStored>(ColumnWriter<TStored> writer, bool nullable, ReadOnlySpan<short> levels, ReadOnlySpan<TStored> values)
        where TStored : unmanaged
    {
        if (nullable)
        {
            writer.WriteBatch(levels.Length, levels, default, values);
        }
        else
        {
            writer.WriteBatch(values);
        }
    }

    public static Stored<T> As<T, TStored>(Func<T, TStored> convert)
        where T : struct
        where TStored : unmanaged => new Converted<T, TStored>(convert);

    private sealed class Converted<T, TStored>(Func<T, TStored> convert) : Stored<T>
        where T : struct
        where TStored : unmanaged
    {
        public override PhysicalType Physical { get; } = PhysicalOf<TStored>();

        public override void Write(ColumnWriter column, ReadOnlySpan<T?> values, bool nullable)
        {
            var writer = (ColumnWriter<TStored>)column;
            var stored = System.Buffers.ArrayPool<TStored>.Shared.Rent(Batch);
            var levels = System.Buffers.ArrayPool<short>.Shared.Rent(Batch);
            try
            {
                for (var first = 0; first < values.Length; first += Batch)
                {
                    var batch = values.Slice(first, Math.Min(Batch, values.Length - first));
                    var count = 0;
                    for (var i = 0; i < batch.Length; i++)
                    {
                        levels[i] = Level(batch[i].HasValue);
                        if (batch[i] is { } value)
                        {
                            stored[count++] = convert(value);
                        }
                    }

                    WriteBatch(writer, nullable, levels.AsSpan(0, batch.Length), stored.AsSpan(0, count));
                }
            }
            finally
            {
                System.Buffers.ArrayPool<TStored>.Shared.Return(stored);
                System.Buffers.ArrayPool<short>.Shared.Return(levels);
            }
        }
    }
}

internal class ValueColumn<T>(MartColumn column, Stored<T> stored) : ArrayColumn<T?>(column)
    where T : struct
{
    protected override T? Empty => default(T);

    public override PhysicalType Physical => stored.Physical;

    public override void Write(ColumnWriter column) => stored.Write(column, Values, Column.Nullable);
}

/// <summary>
/// DECIMAL(18, scale) values rounded to the column's scale (sums of 2-decimal values stay exact; this only guards),
/// stored as their unscaled INT64: 8 bytes a value, where a FIXED_LEN_BYTE_ARRAY would take 16.
/// </summary>
internal sealed class DecimalColumn(MartColumn column, int scale) : ValueColumn<decimal>(column, Unscaled(scale))
{
    public new void Add(decimal? value) => base.Add(value is { } v ? Rounded(v) : null);

    /// <summary>A value as this column keeps it: rounded to its scale.</summary>
    public decimal Rounded(decimal value) => Math.Round(value, scale, MidpointRounding.AwayFromZero);

    private static Stored<decimal> Unscaled(int scale)
    {
        var factor = (decimal)Math.Pow(10, scale);
        return Stored.As<decimal, long>(v => decimal.ToInt64(v * factor));
    }
}

/// <summary>Timestamps are written as UTC instants (microseconds since 1970), whatever offset they arrive with.</summary>
internal sealed class TimestampColumn(MartColumn column) : ValueColumn<DateTime>(column, Stored.As<DateTime, long>(t => (t.Ticks - DateTime.UnixEpoch.Ticks) / 10))
{
    public void Add(DateTimeOffset? value) => base.Add(value?.UtcDateTime);
}
