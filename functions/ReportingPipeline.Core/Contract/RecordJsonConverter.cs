using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ReportingPipeline.Core.Contract;

/// <summary>
/// The JSON form of a section's record (<see cref="VisitRecord"/>, <see cref="ServiceRecord"/>...) in the staged
/// files: the record's fields in the order of its constructor, under their snake_case keys, nulls written. It writes
/// exactly what System.Text.Json's own converter writes, and reads it without that converter's cost.
/// </summary>
/// <remarks>
/// A full build parses two million section rows. System.Text.Json builds a record with more than four constructor
/// parameters from an <c>object[]</c> of boxed arguments, so every count of every row was an object for the
/// garbage collector (a Guangdong year: threads stopped for the GC took a quarter of the build's busy time). This
/// reads each value into a typed slot and calls the constructor once. The fields come from
/// <see cref="RecordFields{TRecord}"/>, as everywhere else; what it reads: numbers for counts and amounts, strings for
/// text and codes, <c>YYYY-MM</c> for a period, null for a missing value; unknown properties are skipped and
/// properties may come in any order, as with System.Text.Json.
/// </remarks>
internal sealed class RecordJsonConverter<TRecord> : JsonConverter<TRecord>
    where TRecord : class
{
    [ThreadStatic]
    private static Values? t_values;

    private readonly Field[] _fields;
    private readonly int[] _counts = new int[4];
    private readonly Func<Values, TRecord> _create;

    public RecordJsonConverter(SectionDefinition section)
    {
        var constructor = RecordFields<TRecord>.PrimaryConstructor;
        _fields = [.. constructor.GetParameters().Select(parameter => Field.For(parameter, section, _counts))];
        _create = CompileCreate(constructor, _fields);
    }

    public override TRecord Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"Expected an object for {typeof(TRecord).Name}, found {reader.TokenType}.");
        }

        var values = t_values ??= new Values(_counts);
        values.Clear();
        var expected = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var field = Find(ref reader, ref expected);
            reader.Read();
            if (field is null)
            {
                reader.Skip();
                continue;
            }

            if (reader.TokenType == JsonTokenType.Null)
            {
                continue;
            }

            field.Read(ref reader, values);
        }

        return _create(values);
    }

    public override void Write(Utf8JsonWriter writer, TRecord value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var field in _fields)
        {
            writer.WritePropertyName(field.Name);
            field.Write(writer, value);
        }

        writer.WriteEndObject();
    }

    /// <summary>The field the property name at the reader names (the one expected next first: files hold them in order), or null.</summary>
    private Field? Find(ref Utf8JsonReader reader, ref int expected)
    {
        for (var i = 0; i < _fields.Length; i++)
        {
            var candidate = (expected + i) % _fields.Length;
            if (reader.ValueTextEquals(_fields[candidate].Utf8Name))
            {
                expected = candidate + 1;
                return _fields[candidate];
            }
        }

        return null;
    }

    private static Func<Values, TRecord> CompileCreate(ConstructorInfo constructor, Field[] fields)
    {
        var values = Expression.Parameter(typeof(Values), "values");
        var arguments = fields.Select(f => (Expression)Expression.ArrayIndex(Expression.Field(values, f.Slots), Expression.Constant(f.Slot)));
        return Expression.Lambda<Func<Values, TRecord>>(Expression.New(constructor, arguments), values).Compile();
    }

    /// <summary>One record's values while it is read, a typed array per kind of value (no boxing); one per thread, reused.</summary>
    private sealed class Values(int[] counts)
    {
        public readonly string?[] Strings = new string?[counts[0]];
        public readonly long?[] Counts = new long?[counts[1]];
        public readonly decimal?[] Amounts = new decimal?[counts[2]];
        public readonly Period[] Periods = new Period[counts[3]];

        public void Clear()
        {
            Array.Clear(Strings);
            Array.Clear(Counts);
            Array.Clear(Amounts);
            Array.Clear(Periods);
        }
    }

    private abstract class Field(string name, FieldInfo slots, int slot)
    {
        public string Name { get; } = name;

        public byte[] Utf8Name { get; } = System.Text.Encoding.UTF8.GetBytes(name);

        /// <summary>The <see cref="Values"/> array this field's value goes to, and its place in it.</summary>
        public FieldInfo Slots { get; } = slots;

        public int Slot { get; } = slot;

        public abstract void Read(ref Utf8JsonReader reader, Values values);

        public abstract void Write(Utf8JsonWriter writer, TRecord record);

        public static Field For(ParameterInfo parameter, SectionDefinition section, int[] counts)
        {
            var key = RecordFields<TRecord>.KeyOf(parameter.Name!);
            var type = parameter.ParameterType;
            return type == typeof(string) ? new Text(key, counts[0]++, section[key].Enum)
                : type == typeof(long?) ? new Count(key, counts[1]++)
                : type == typeof(decimal?) ? new Amount(key, counts[2]++)
                : type == typeof(Period) ? new PeriodField(key, counts[3]++)
                : throw new NotSupportedException($"{typeof(TRecord).Name}.{parameter.Name} is a {type.Name}: a section's field is text, a count, an amount or a period.");
        }

        private static FieldInfo SlotsOf(string name) => typeof(Values).GetField(name)!;

        /// <summary>A text field; an enumerated one (a target group, a funding source) reads its declared keys as the declaration's own strings, not a new one a row.</summary>
        private sealed class Text(string key, int slot, EnumDefinition? vocabulary) : Field(key, SlotsOf(nameof(Values.Strings)), slot)
        {
            private readonly Func<TRecord, string?> _get = RecordFields<TRecord>.Get<string?>(key);
            private readonly (byte[] Utf8, string Key)[] _keys = [.. (vocabulary?.Values ?? []).Select(v => (System.Text.Encoding.UTF8.GetBytes(v.Key), v.Key))];

            public override void Read(ref Utf8JsonReader reader, Values values)
            {
                if (reader.TokenType == JsonTokenType.String)
                {
                    foreach (var (utf8, declared) in _keys)
                    {
                        if (reader.ValueTextEquals(utf8))
                        {
                            values.Strings[Slot] = declared;
                            return;
                        }
                    }
                }

                values.Strings[Slot] = reader.GetString();
            }

            public override void Write(Utf8JsonWriter writer, TRecord record)
            {
                if (_get(record) is { } text)
                {
                    writer.WriteStringValue(text);
                }
                else
                {
                    writer.WriteNullValue();
                }
            }
        }

        /// <summary>A number field: written as its value, or null where the record has none.</summary>
        private abstract class NumberField<T>(string key, FieldInfo slots, int slot) : Field(key, slots, slot)
            where T : struct
        {
            private readonly Func<TRecord, T?> _get = RecordFields<TRecord>.Get<T?>(key);

            public override void Write(Utf8JsonWriter writer, TRecord record)
            {
                if (_get(record) is { } value)
                {
                    WriteValue(writer, value);
                }
                else
                {
                    writer.WriteNullValue();
                }
            }

            protected abstract void WriteValue(Utf8JsonWriter writer, T value);
        }

        private sealed class Count(string key, int slot) : NumberField<long>(key, SlotsOf(nameof(Values.Counts)), slot)
        {
            public override void Read(ref Utf8JsonReader reader, Values values) => values.Counts[Slot] = reader.GetInt64();

            protected override void WriteValue(Utf8JsonWriter writer, long value) => writer.WriteNumberValue(value);
        }

        private sealed class Amount(string key, int slot) : NumberField<decimal>(key, SlotsOf(nameof(Values.Amounts)), slot)
        {
            public override void Read(ref Utf8JsonReader reader, Values values) => values.Amounts[Slot] = reader.GetDecimal();

            protected override void WriteValue(Utf8JsonWriter writer, decimal value) => writer.WriteNumberValue(value);
        }

        private sealed class PeriodField(string key, int slot) : Field(key, SlotsOf(nameof(Values.Periods)), slot)
        {
            private readonly Func<TRecord, Period> _get = RecordFields<TRecord>.Get<Period>(key);

            public override void Read(ref Utf8JsonReader reader, Values values) =>
                values.Periods[Slot] = Period.TryParse(reader.GetString(), out var period) ? period : throw new JsonException("Expected a period YYYY-MM.");

            public override void Write(Utf8JsonWriter writer, TRecord record) => writer.WriteStringValue(_get(record).ToString());
        }
    }
}
