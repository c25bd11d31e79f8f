using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace ReportingPipeline.Core.Contract;

/// <summary>A reporting month, written <c>YYYY-MM</c>.</summary>
public readonly record struct Period(int Year, int Month) : IComparable<Period>
{
    /// <summary>The programme started in November 2020; no report can be for an earlier month.</summary>
    public static readonly Period ProgrammeStart = new(2020, 11);

    public DateOnly FirstDay => new(Year, Month, 1);

    public DateOnly LastDay => FirstDay.AddMonths(1).AddDays(-1);

    /// <summary>yyyymm, the integer key Power BI joins on.</summary>
    public int Key => (Year * 100) + Month;

    public Period Next => Add(1);

    public Period Previous => Add(-1);

    public Period Add(int months)
    {
        var index = (Year * 12) + (Month - 1) + months;
        return new Period(index / 12, (index % 12) + 1);
    }

    public int MonthsSince(Period other) => ((Year - other.Year) * 12) + (Month - other.Month);

    public static Period Of(DateOnly date) => new(date.Year, date.Month);

    public static Period Parse(string text) =>
        TryParse(text, out var period) ? period : throw new FormatException($"'{text}' is not a period (YYYY-MM).");

    public static bool TryParse([NotNullWhen(true)] string? text, out Period period)
    {
        period = default;
        if (text is null)
        {
            return false;
        }

        var trimmed = text.Trim();
        if (trimmed.Length != 7 || trimmed[4] != '-')
        {
            return false;
        }

        if (!int.TryParse(trimmed.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || !int.TryParse(trimmed.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var month)
            || year < 1900 || month is < 1 or > 12)
        {
            return false;
        }

        period = new Period(year, month);
        return true;
    }

    /// <summary>Every period from <paramref name="first"/> to <paramref name="last"/>, inclusive.</summary>
    public static IEnumerable<Period> Range(Period first, Period last)
    {
        for (var p = first; p.CompareTo(last) <= 0; p = p.Next)
        {
            yield return p;
        }
    }

    public int CompareTo(Period other) => Key.CompareTo(other.Key);

    public static bool operator <(Period left, Period right) => left.CompareTo(right) < 0;

    public static bool operator >(Period left, Period right) => left.CompareTo(right) > 0;

    public static bool operator <=(Period left, Period right) => left.CompareTo(right) <= 0;

    public static bool operator >=(Period left, Period right) => left.CompareTo(right) >= 0;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-{Month:D2}");
}
