using System.Globalization;
using System.Text.RegularExpressions;
using ReportingPipeline.Core.Contract;

namespace ReportingPipeline.Core.Validation;

/// <summary>How a cell read against its field's kind.</summary>
public enum CellStatus
{
    /// <summary>Empty or only spaces: the value is missing (null), never zero.</summary>
    Blank,

    /// <summary>A value of the field's kind.</summary>
    Valid,

    /// <summary>Not a value of the field's kind (a word in a count, a negative amount, an unknown enum value).</summary>
    Invalid,

    /// <summary>Text or a code longer than the field allows.</summary>
    TooLong,
}

/// <summary>
/// A cell read against its field: the typed value (<see cref="long"/> for counts, <see cref="decimal"/> for
/// hours and money, <see cref="Period"/> for a month, <see cref="string"/> otherwise; the key for an enum).
/// </summary>
public readonly record struct CellReading(CellStatus Status, object? Value)
{
    public static readonly CellReading Blank = new(CellStatus.Blank, null);

    public static readonly CellReading Invalid = new(CellStatus.Invalid, null);

    public static readonly CellReading TooLong = new(CellStatus.TooLong, null);

    public static CellReading Valid(object value) => new(CellStatus.Valid, value);
}

/// <summary>
/// Interprets a cell's text as a station's spreadsheet really holds it: full-width digits and spaces,
/// thousands separators, numbers typed as text, codes that Excel turned into numbers, enum labels.
/// </summary>
public static partial class CellParser
{
    /// <summary>Longest free text accepted (a preparer's name).</summary>
    public const int MaxTextLength = 100;

    /// <summary>Longest code accepted (a 12-digit village code, a hotline's own id).</summary>
    public const int MaxCodeLength = 32;

    // Excel keeps 15 significant digits; anything beyond is binary floating-point noise (0.1+0.2 = 0.30000000000000004).
    private const int ExcelSignificantDigits = 15;

    /// <summary>Reads a cell's raw text as a value of <paramref name="field"/>'s kind.</summary>
    public static CellReading Read(FieldDefinition field, string? raw)
    {
        var text = Clean(raw);
        if (text is null)
        {
            return CellReading.Blank;
        }

        return field.Kind switch
        {
            FieldKind.Count => TryCount(text, out var count) ? CellReading.Valid(count) : CellReading.Invalid,
            FieldKind.Hours => TryDecimal(text, 1, out var hours) ? CellReading.Valid(hours) : CellReading.Invalid,
            FieldKind.Money => TryDecimal(text, 2, out var money) ? CellReading.Valid(money) : CellReading.Invalid,
            FieldKind.Period => TryPeriod(text, out var period) ? CellReading.Valid(period) : CellReading.Invalid,
            FieldKind.Enum => field.Enum?.Find(text) is { } value ? CellReading.Valid(value.Key) : CellReading.Invalid,
            FieldKind.Code => ReadCode(text),
            _ => text.Length > MaxTextLength ? CellReading.TooLong : CellReading.Valid(text),
        };
    }

    /// <summary>The text a cell means: width-folded and trimmed; null when nothing is left.</summary>
    public static string? Clean(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        var folded = ContractText.FoldWidth(raw);
        return folded.Length == 0 ? null : folded;
    }

    /// <summary>
    /// A number as a station writes it: <c>1234</c>, <c>1,234</c>, <c>1，234</c>, <c>１２３</c>, <c>12.50</c>,
    /// <c>4.40103001001E+11</c>. Thousands separators must group by three, so <c>12,34</c> is not a number.
    /// </summary>
    public static bool TryNumber(string text, out decimal value)
    {
        value = 0;
        var cleaned = Clean(text);
        if (cleaned is null)
        {
            return false;
        }

        var match = NumberPattern().Match(cleaned);
        if (!match.Success || (!match.Groups["int"].Success && !match.Groups["frac"].Success))
        {
            return false;
        }

        var plain = cleaned.Replace(",", string.Empty, StringComparison.Ordinal);
        if (!decimal.TryParse(plain, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
        {
            return false;
        }

        value = DropFloatingNoise(parsed);
        return true;
    }

    /// <summary>A non-negative whole number; <c>12.0</c> is 12, <c>12.5</c> and <c>-1</c> are not counts.</summary>
    public static bool TryCount(string text, out long count)
    {
        count = 0;
        if (!TryNumber(text, out var value) || value < 0 || value != decimal.Truncate(value) || value > long.MaxValue)
        {
            return false;
        }

        count = (long)value;
        return true;
    }

    /// <summary>A non-negative number with at most <paramref name="decimals"/> decimals (12.50 has one: it is 12.5).</summary>
    public static bool TryDecimal(string text, int decimals, out decimal value)
    {
        if (!TryNumber(text, out value) || value < 0 || value != Math.Round(value, decimals))
        {
            value = 0;
            return false;
        }

        value = Math.Round(value, decimals);
        return true;
    }

    /// <summary>
    /// A month: <c>2026-10</c>, also <c>2026/10</c>, <c>2026年10月</c>, <c>2026-10-01</c> (a date Excel made of the month).
    /// </summary>
    public static bool TryPeriod(string text, out Period period)
    {
        period = default;
        var cleaned = Clean(text);
        if (cleaned is null)
        {
            return false;
        }

        if (Period.TryParse(cleaned, out period))
        {
            return true;
        }

        var match = PeriodPattern().Match(cleaned);
        if (!match.Success)
        {
            return false;
        }

        var year = int.Parse(match.Groups["y"].Value, CultureInfo.InvariantCulture);
        var month = int.Parse(match.Groups["m"].Value, CultureInfo.InvariantCulture);
        if (year < 1900 || month is < 1 or > 12)
        {
            return false;
        }

        if (match.Groups["d"].Success)
        {
            var day = int.Parse(match.Groups["d"].Value, CultureInfo.InvariantCulture);
            if (day < 1 || day > DateTime.DaysInMonth(year, month))
            {
                return false;
            }
        }

        period = new Period(year, month);
        return true;
    }

    /// <summary>
    /// A code as text. A numeric code that Excel stored as a number (<c>440103001001</c>, <c>4.40103001001E+11</c>,
    /// <c>440103001001.0</c>) comes back as its exact digits; any other text is kept as written (trimmed).
    /// </summary>
    public static string NormalizeCode(string text)
    {
        var cleaned = Clean(text) ?? string.Empty;
        if (LooksLikeExcelNumber().IsMatch(cleaned)
            && decimal.TryParse(cleaned, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            && number >= 0
            && number == decimal.Truncate(number))
        {
            return number.ToString("0", CultureInfo.InvariantCulture);
        }

        return cleaned;
    }

    private static CellReading ReadCode(string text)
    {
        var code = NormalizeCode(text);
        return code.Length > MaxCodeLength ? CellReading.TooLong : CellReading.Valid(code);
    }

    private static decimal DropFloatingNoise(decimal value)
    {
        if (value == 0)
        {
            return value;
        }

        var integerDigits = (int)Math.Floor(Math.Log10((double)Math.Abs(value))) + 1;
        var decimals = ExcelSignificantDigits - integerDigits;
        return decimals is >= 0 and <= 28 ? Math.Round(value, decimals) : value;
    }

    [GeneratedRegex(@"^[+-]?(?<int>\d{1,3}(?:,\d{3})+|\d+)?(?:\.(?<frac>\d+))?(?:[eE][+-]?\d{1,3})?$", RegexOptions.CultureInvariant)]
    private static partial Regex NumberPattern();

    // Only a number with a fraction or an exponent is rewritten: "0012" stays a code with its zeros.
    [GeneratedRegex(@"^\d+(?:\.\d+)?(?:[eE]\+?\d{1,2})$|^\d+\.0+$", RegexOptions.CultureInvariant)]
    private static partial Regex LooksLikeExcelNumber();

    [GeneratedRegex(@"^(?<y>\d{4})\s*[-/.年]\s*(?<m>\d{1,2})\s*月?(?:\s*[-/.]\s*(?<d>\d{1,2})\s*日?)?(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex PeriodPattern();
}
