using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;

namespace ReportingPipeline.Core.Contract;

/// <summary>
/// The one way from a contract field key to a canonical record's property: <c>resident_visits</c> is
/// <see cref="VisitRecord.ResidentVisits"/>, the same naming the staged JSON uses. <see cref="SubmissionFields"/>
/// (the writers of JSON, CSV and workbooks) and the marts (fact columns, section sums) read fields through it, and
/// the validator builds records through it (<see cref="Create"/>), so no field list is written out by hand.
/// </summary>
internal static class RecordFields<TRecord>
{
    private static readonly Dictionary<string, System.Reflection.PropertyInfo> Properties =
        typeof(TRecord).GetProperties().ToDictionary(p => KeyOf(p.Name), StringComparer.Ordinal);

    /// <summary>
    /// A getter of the field's value as <typeparamref name="TValue"/> (a long? count becomes a decimal? when asked,
    /// any value an object), made once per field and type: every part of every month builds its fact columns from
    /// them. The property's own get method as a delegate, wrapped only where the value is converted: nothing is
    /// compiled at run time (a correction on a process that has just started made 86 expression trees).
    /// </summary>
    public static Func<TRecord, TValue> Get<TValue>(string fieldKey) => Getters<TValue>.Made.GetOrAdd(fieldKey, Make<TValue>);

    private static class Getters<TValue>
    {
        public static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Func<TRecord, TValue>> Made = new(StringComparer.Ordinal);
    }

    private static Func<TRecord, TValue> Make<TValue>(string fieldKey)
    {
        if (!Properties.TryGetValue(fieldKey, out var property))
        {
            throw new KeyNotFoundException($"{typeof(TRecord).Name} has no property for field {fieldKey}.");
        }

        var type = property.PropertyType;
        var getter = property.GetMethod ?? throw new InvalidOperationException($"{typeof(TRecord).Name}.{property.Name} has no getter.");
        if (type == typeof(TValue) || (!type.IsValueType && typeof(TValue).IsAssignableFrom(type)))
        {
            return getter.CreateDelegate<Func<TRecord, TValue>>();
        }

        // The value types the records' fields have (a test reads every field of every record through these).
        Delegate? converted = typeof(TValue) == typeof(object)
            ? type == typeof(long?) ? Boxed(getter.CreateDelegate<Func<TRecord, long?>>())
                : type == typeof(decimal?) ? Boxed(getter.CreateDelegate<Func<TRecord, decimal?>>())
                : type == typeof(Period) ? Boxed(getter.CreateDelegate<Func<TRecord, Period>>())
                : null
            : typeof(TValue) == typeof(decimal?) && type == typeof(long?) ? AsAmount(getter.CreateDelegate<Func<TRecord, long?>>())
            : null;
        return converted as Func<TRecord, TValue>
            ?? throw new NotSupportedException($"{typeof(TRecord).Name}.{property.Name} is a {type.Name}, not read as a {typeof(TValue).Name}.");
    }

    private static Func<TRecord, object?> Boxed<TProperty>(Func<TRecord, TProperty> get) => record => get(record);

    private static Func<TRecord, decimal?> AsAmount(Func<TRecord, long?> get) => record => get(record);

    // The record's primary constructor, called with one value per field key: (key => value) => new TRecord(...).
    private static readonly Lazy<Func<Func<string, object?>, TRecord>> Constructor = new(CompileConstructor);

    /// <summary>
    /// A record from its fields' values as cells hold them (<paramref name="valueOf"/> gives the value of a field key:
    /// null, string, <see cref="Period"/>, long or decimal, of the field's own type); a missing value is null.
    /// </summary>
    public static TRecord Create(Func<string, object?> valueOf) => Constructor.Value(valueOf);

    /// <summary>The field keys this record carries.</summary>
    public static IReadOnlyCollection<string> Keys => Properties.Keys;

    /// <summary>A getter of the field's value as a cell holds it: null, string (a <see cref="Period"/> as <c>YYYY-MM</c>), long or decimal.</summary>
    public static Func<TRecord, object?> GetCell(string fieldKey)
    {
        if (Properties.TryGetValue(fieldKey, out var property) && property.PropertyType == typeof(Period))
        {
            var period = Get<Period>(fieldKey);
            return r => period(r).ToString();
        }

        return Get<object?>(fieldKey);
    }

    /// <summary>The field key of a property or constructor parameter: its name in snake_case, as in the staged JSON.</summary>
    public static string KeyOf(string memberName) => JsonNamingPolicy.SnakeCaseLower.ConvertName(memberName);

    /// <summary>The record's primary constructor: one parameter per field, named as its property.</summary>
    public static ConstructorInfo PrimaryConstructor { get; } = typeof(TRecord).GetConstructors().MaxBy(c => c.GetParameters().Length)
        ?? throw new InvalidOperationException($"{typeof(TRecord).Name} has no public constructor.");

    private static Func<Func<string, object?>, TRecord> CompileConstructor()
    {
        var constructor = PrimaryConstructor;
        var valueOf = Expression.Parameter(typeof(Func<string, object?>), "valueOf");
        var arguments = constructor.GetParameters().Select(parameter =>
        {
            var key = KeyOf(parameter.Name!);
            if (!Properties.ContainsKey(key))
            {
                throw new InvalidOperationException($"{typeof(TRecord).Name}'s constructor parameter {parameter.Name} is not one of its fields.");
            }

            var value = Expression.Invoke(valueOf, Expression.Constant(key));
            return (Expression)Expression.Call(typeof(RecordFields<TRecord>).GetMethod(nameof(As), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(parameter.ParameterType), value, Expression.Constant(key));
        });
        return Expression.Lambda<Func<Func<string, object?>, TRecord>>(Expression.New(constructor, arguments), valueOf).Compile();
    }

    private static TValue As<TValue>(object? value, string fieldKey) => value switch
    {
        null => default!,
        TValue typed => typed,
        _ => throw new InvalidCastException($"Field {fieldKey} of {typeof(TRecord).Name} holds a {value.GetType().Name}, not a {typeof(TValue).Name}."),
    };
}
