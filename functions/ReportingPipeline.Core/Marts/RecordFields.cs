using System.Linq.Expressions;
using System.Text.Json;
using ReportingPipeline.Core.Contract;

namespace ReportingPipeline.Core.Marts;

/// <summary>
/// Reads a contract field from a canonical record by its key: <c>resident_visits</c> is
/// <see cref="VisitRecord.ResidentVisits"/>, the same naming the staged JSON uses. The marts name columns
/// by field key, so they find values the same way instead of repeating field lists.
/// </summary>
internal static class RecordFields<TRecord>
{
    private static readonly Dictionary<string, System.Reflection.PropertyInfo> Properties =
        typeof(TRecord).GetProperties().ToDictionary(p => JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name), StringComparer.Ordinal);

    /// <summary>A compiled getter of the field's value as <typeparamref name="TValue"/> (a long? count becomes a decimal? when asked).</summary>
    public static Func<TRecord, TValue> Get<TValue>(string fieldKey)
    {
        if (!Properties.TryGetValue(fieldKey, out var property))
        {
            throw new KeyNotFoundException($"{typeof(TRecord).Name} has no property for field {fieldKey}.");
        }

        var record = Expression.Parameter(typeof(TRecord), "record");
        Expression body = Expression.Property(record, property);
        if (body.Type != typeof(TValue))
        {
            body = Expression.Convert(body, typeof(TValue));
        }

        return Expression.Lambda<Func<TRecord, TValue>>(body, record).Compile();
    }
}

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
