using System.Buffers;
using System.Globalization;
using System.Text;

namespace ReportingPipeline.Core.Reporting;

/// <summary>
/// The one place station-provided text is made safe to echo back. A report is opened in browsers and, as
/// JSON or copied tables, pasted into spreadsheets: a value such as <c>=HYPERLINK(...)</c> or
/// <c>=cmd|' /C calc'!A0</c> must stay text there, and control or bidirectional-override characters must not
/// reorder or hide what a person reads. HTML encoding happens at render time, on top of this.
/// </summary>
public static class SafeText
{
    /// <summary>Longest echoed value; the rest is cut with an ellipsis (a report is not a copy of the file).</summary>
    public const int MaxValueLength = 200;

    // The full-width forms too: a Chinese input method types ＝ for =, and spreadsheets in Chinese locales take it as one.
    private static readonly SearchValues<char> FormulaStarts = SearchValues.Create("=+-@\t\r＝＋－＠");

    /// <summary>
    /// Neutralises <paramref name="text"/> for a report: a leading formula character (<c>= + - @</c>, their full-width forms, tab, CR) gets
    /// an apostrophe in front, control and invisible formatting characters are dropped, broken surrogates become
    /// U+FFFD. Null stays null.
    /// </summary>
    public static string? Neutralize(string? text, int maxLength = int.MaxValue)
    {
        if (text is null)
        {
            return null;
        }

        var cleaned = RemoveControls(text);
        if (cleaned.Length > maxLength)
        {
            cleaned = string.Concat(cleaned.AsSpan(0, maxLength), "…");
        }

        // A formula also starts after leading spaces once a spreadsheet trims them.
        var first = text.Length > 0 && FormulaStarts.Contains(text[0]);
        var afterSpaces = cleaned.TrimStart();
        if (first || (afterSpaces.Length > 0 && FormulaStarts.Contains(afterSpaces[0])))
        {
            return "'" + cleaned;
        }

        return cleaned;
    }

    /// <summary>An echoed cell value: neutralised and cut to <see cref="MaxValueLength"/>.</summary>
    public static string? Value(string? text) => Neutralize(text, MaxValueLength);

    /// <summary>Drops C0/C1 controls and format characters (zero-width, bidi overrides); replaces lone surrogates.</summary>
    public static string RemoveControls(string text)
    {
        StringBuilder? builder = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder?.Append(c).Append(text[i + 1]);
                i++;
                continue;
            }

            var replacement = char.IsSurrogate(c)
                ? "\uFFFD"
                : char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format
                    // Tabs and line breaks inside a value become a space, so words do not run together.
                    ? (c is '\t' or '\n' or '\r' ? " " : string.Empty)
                    : null;
            if (replacement is null)
            {
                builder?.Append(c);
                continue;
            }

            builder ??= new StringBuilder(text.Length).Append(text, 0, i);
            builder.Append(replacement);
        }

        return builder?.ToString() ?? text;
    }
}
