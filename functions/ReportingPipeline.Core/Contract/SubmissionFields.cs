using System.Globalization;

namespace ReportingPipeline.Core.Contract;

/// <summary>
/// The typed <see cref="Submission"/> seen through the contract's declarations: for each section, its rows
/// as cell values aligned with <see cref="SectionDefinition.Fields"/>. Writers (JSON, CSV, xlsx) and anything
/// else that turns a typed submission back into cells read this one table instead of listing fields again.
/// </summary>
/// <remarks>
/// A value is a <see cref="string"/> (text, codes, enum keys, the period as <c>YYYY-MM</c>), a <see cref="long"/>
/// (counts), a <see cref="decimal"/> (hours, money), or null for a missing value.
/// </remarks>
public static class SubmissionFields
{
    private static readonly Dictionary<string, ISectionAccessor> Accessors = new ISectionAccessor[]
    {
        new SectionAccessor<StationSheet>(SubmissionContract.Station, s => [s.Station]),
        new SectionAccessor<VisitRecord>(SubmissionContract.Visits, s => s.Visits),
        new SectionAccessor<ServiceRecord>(SubmissionContract.Services, s => s.Services),
        new SectionAccessor<HotlineRecord>(SubmissionContract.Hotline, s => s.Hotline),
        new SectionAccessor<FundRecord>(SubmissionContract.Funds, s => s.Funds),
    }.ToDictionary(a => a.Section.Key, StringComparer.Ordinal);

    /// <summary>
    /// The rows of <paramref name="section"/> in <paramref name="submission"/>, each aligned with the section's
    /// fields. The key-value <c>station</c> section is one row.
    /// </summary>
    public static IEnumerable<IReadOnlyList<object?>> RowsOf(Submission submission, SectionDefinition section) =>
        Accessors.TryGetValue(section.Key, out var accessor) && accessor.Section == section
            ? accessor.Rows(submission)
            : throw new ArgumentException($"Section {section.Key} is not part of the contract.", nameof(section));

    /// <summary>The rows of <paramref name="section"/> as field key → value, for writers that look values up by key.</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, object?>> RowsByKey(Submission submission, SectionDefinition section) =>
        [.. RowsOf(submission, section).Select(row => (IReadOnlyDictionary<string, object?>)section.Fields
            .Select((field, i) => (field.Key, Value: row[i]))
            .ToDictionary(cell => cell.Key, cell => cell.Value, StringComparer.Ordinal))];

    /// <summary>The JSON converters of the sections' records, for <see cref="PipelineJson"/>: one per section.</summary>
    internal static IEnumerable<System.Text.Json.Serialization.JsonConverter> JsonConverters() => Accessors.Values.Select(a => a.JsonConverter());

    /// <summary>A value as text the way a cell or a JSON string carries it: invariant digits, null for missing.</summary>
    public static string? Text(object? value) => value is null ? null : FormatInvariant(value);

    /// <summary>A value as a CSV cell or report holds it: invariant digits, blank for missing.</summary>
    public static string FormatInvariant(object? value) => value switch
    {
        null => string.Empty,
        string text => text,
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private interface ISectionAccessor
    {
        SectionDefinition Section { get; }

        IEnumerable<IReadOnlyList<object?>> Rows(Submission submission);

        System.Text.Json.Serialization.JsonConverter JsonConverter();
    }

    private sealed class SectionAccessor<TRecord> : ISectionAccessor
        where TRecord : class
    {
        private readonly Func<Submission, IEnumerable<TRecord>> _records;
        private readonly Func<TRecord, object?>[] _getters;

        public SectionAccessor(SectionDefinition section, Func<Submission, IEnumerable<TRecord>> records)
        {
            // A field added to the contract without a property on its record is a bug: fail on first use, loudly.
            var declared = section.Fields.Select(f => f.Key).ToHashSet(StringComparer.Ordinal);
            if (!declared.SetEquals(RecordFields<TRecord>.Keys))
            {
                throw new InvalidOperationException(
                    $"{typeof(TRecord).Name} does not match section {section.Key} of the contract: declared {string.Join(',', declared)}, properties {string.Join(',', RecordFields<TRecord>.Keys)}.");
            }

            Section = section;
            _records = records;
            _getters = [.. section.Fields.Select(f => RecordFields<TRecord>.GetCell(f.Key))];
        }

        public SectionDefinition Section { get; }

        public System.Text.Json.Serialization.JsonConverter JsonConverter() => new RecordJsonConverter<TRecord>(Section);

        public IEnumerable<IReadOnlyList<object?>> Rows(Submission submission)
        {
            foreach (var record in _records(submission))
            {
                var values = new object?[_getters.Length];
                for (var i = 0; i < _getters.Length; i++)
                {
                    values[i] = _getters[i](record);
                }

                yield return values;
            }
        }
    }
}
