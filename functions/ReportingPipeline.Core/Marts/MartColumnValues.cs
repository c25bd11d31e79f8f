using Parquet;
using Parquet.Schema;

namespace ReportingPipeline.Core.Marts;

/// <summary>
/// One column of a row group, read back as the type its declaration writes: the one place that maps a
/// <see cref="MartColumnType"/> to what Parquet.Net hands back. Copying rows forward (<see cref="PreviousFactFile"/>),
/// reading tables (<see cref="MartTableReader"/>) and reading sums back (<see cref="AggregateTotalsReader"/>) all use it.
/// </summary>
internal abstract class MartColumnValues
{
    public abstract Task ReadAsync(ParquetRowGroupReader group, DataField field, int rows, CancellationToken cancellationToken);

    /// <summary>The value of <paramref name="row"/> boxed as the declared type (string, bool, int, long, decimal, double, DateOnly, UTC DateTime) or null.</summary>
    public abstract object? Boxed(int row);

    /// <summary>Appends the value of <paramref name="row"/> to <paramref name="target"/>, a buffer of the same declared column.</summary>
    public abstract void CopyTo(ColumnBuffer target, int row);

    /// <summary>A count or DECIMAL value as a decimal (exact), for sums read back; null where the file has none.</summary>
    public virtual decimal? Decimal(int row) => throw new InvalidOperationException($"{GetType().Name} is not a column of sums.");

    public static MartColumnValues For(MartColumn column) => column.Type switch
    {
        MartColumnType.String => new StringValues(),
        MartColumnType.Boolean => new Values<bool, bool>(v => v),
        MartColumnType.Int32 => new Values<int, int>(v => v),
        MartColumnType.Int64 => new Values<long, long>(v => v, v => v),
        // Read back at the column's scale: written again unchanged.
        MartColumnType.Money or MartColumnType.Hours => new Values<decimal, decimal>(v => v, v => v),
        MartColumnType.Ratio => new Values<double, double>(v => v),
        // Parquet.Net reads DATE as DateTime at midnight unless told otherwise; the marts mean a calendar day.
        MartColumnType.Date => new Values<DateTime, DateOnly>(DateOnly.FromDateTime),
        MartColumnType.Timestamp => new Values<DateTime, DateTime>(AsUtc),
        _ => throw new ArgumentOutOfRangeException(nameof(column), column.Type, "Unknown mart column type."),
    };

    /// <summary>The instant as the writer was given it (a UTC DateTime), whatever kind the reader hands back.</summary>
    private static DateTime AsUtc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Local => value.ToUniversalTime(),
        _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
    };

    internal sealed class StringValues : MartColumnValues
    {
        public string?[] Values { get; private set; } = [];

        public override async Task ReadAsync(ParquetRowGroupReader group, DataField field, int rows, CancellationToken cancellationToken)
        {
            Values = await ParquetColumns.ReadStringsAsync(group, field, rows, cancellationToken);
        }

        public override object? Boxed(int row) => Values[row];

        public override void CopyTo(ColumnBuffer target, int row) => ((StringColumn)target).Add(Values[row]);
    }

    private sealed class Values<TStored, TValue>(Func<TStored, TValue> convert, Func<TValue, decimal>? toDecimal = null) : MartColumnValues
        where TStored : struct
        where TValue : struct
    {
        private TStored?[] _values = [];

        public override async Task ReadAsync(ParquetRowGroupReader group, DataField field, int rows, CancellationToken cancellationToken)
        {
            _values = await ParquetColumns.ReadAsync<TStored>(group, field, rows, cancellationToken);
        }

        public override object? Boxed(int row) => _values[row] is { } value ? convert(value) : null;

        public override void CopyTo(ColumnBuffer target, int row) =>
            ((ValueColumn<TValue>)target).Add(_values[row] is { } value ? convert(value) : null);

        public override decimal? Decimal(int row) => toDecimal is null
            ? base.Decimal(row)
            : _values[row] is { } value ? toDecimal(convert(value)) : null;
    }
}
