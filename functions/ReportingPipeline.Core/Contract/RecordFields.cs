using System.Linq.Expressions;
using System.Text.Json;

namespace ReportingPipeline.Core.Contract;

/// <summary>
/// The one way from a contract field key to a canonical record's property: <c>resident_visits</c> is
/// <see cref="VisitRecord.ResidentVisits"/>, the same naming the staged JSON uses. <see cref="SubmissionFields"/>
/// (the writers of JSON, CSV and workbooks) and the marts (fact columns, section sums) all read fields through it,
/// so no field list is written out by hand.
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
}
