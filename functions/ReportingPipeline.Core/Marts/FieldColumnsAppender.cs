using ReportingPipeline.Core.Contract;

namespace ReportingPipeline.Core.Marts;

/// <summary>Appends a section's records to a fact file: the columns that carry a contract field are filled from it.</summary>
internal sealed class FieldColumnsAppender<TRecord>
{
    private readonly List<Action<TRecord>> _appenders = [];

    public FieldColumnsAppender(MartFileWriter file)
    {
        foreach (var column in file.Table.Columns.Where(c => c.Field is not null))
        {
            var key = column.Field!.Key;
            _appenders.Add(column.Type switch
            {
                MartColumnType.String => Bind(file.Strings(column.Name), RecordFields<TRecord>.Get<string?>(key)),
                MartColumnType.Int64 => Bind(file.Int64s(column.Name), RecordFields<TRecord>.Get<long?>(key)),
                MartColumnType.Money or MartColumnType.Hours => Bind(file.Decimals(column.Name), RecordFields<TRecord>.Get<decimal?>(key)),
                _ => throw new NotSupportedException($"No field appender for {column.Type} ({file.Table.Name}.{column.Name})."),
            });
        }
    }

    public void Append(TRecord record)
    {
        foreach (var append in _appenders)
        {
            append(record);
        }
    }

    private static Action<TRecord> Bind(StringColumn column, Func<TRecord, string?> get) => r => column.Add(get(r));

    private static Action<TRecord> Bind(ValueColumn<long> column, Func<TRecord, long?> get) => r => column.Add(get(r));

    private static Action<TRecord> Bind(DecimalColumn column, Func<TRecord, decimal?> get) => r => column.Add(get(r));
}
