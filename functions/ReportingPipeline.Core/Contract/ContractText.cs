using System.Text;

namespace ReportingPipeline.Core.Contract;

/// <summary>Text normalisation shared by every reader: what a station's spreadsheet really contains.</summary>
public static class ContractText
{
    /// <summary>
    /// Folds full-width ASCII (Ｆ, １, （) to half-width, turns ideographic and non-breaking spaces into
    /// spaces, and trims. Station staff type headers and numbers with a Chinese IME switched on.
    /// </summary>
    public static string FoldWidth(string text)
    {
        StringBuilder? builder = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var folded = c switch
            {
                >= '\uFF01' and <= '\uFF5E' => (char)(c - 0xFEE0),
                '\u3000' or '\u00A0' or '\u2007' or '\u202F' => ' ',
                _ => c,
            };
            if (folded != c)
            {
                builder ??= new StringBuilder(text, 0, i, text.Length);
            }

            builder?.Append(folded);
        }

        return (builder?.ToString() ?? text).Trim();
    }

    /// <summary>A header as compared with field keys and labels: width-folded, inner spaces collapsed.</summary>
    public static string NormalizeHeader(string header)
    {
        var folded = FoldWidth(header);
        var builder = new StringBuilder(folded.Length);
        var lastWasSpace = false;
        foreach (var c in folded)
        {
            if (char.IsWhiteSpace(c))
            {
                if (!lastWasSpace)
                {
                    builder.Append(' ');
                }

                lastWasSpace = true;
                continue;
            }

            // "走访居民人次(resident_visits)" and "走访居民人次 (resident_visits)" are the same header.
            if (c == '(' && !lastWasSpace && builder.Length > 0)
            {
                builder.Append(' ');
            }

            builder.Append(c);
            lastWasSpace = false;
        }

        return builder.ToString().Trim();
    }

    /// <summary>
    /// Splits a normalised header of the form <c>label (key)</c> (the template's, or a retyped label over the
    /// template's key) into its label and key; null when the header has no bracketed key at its end.
    /// </summary>
    public static (string Label, string Key)? SplitLabelAndKey(string normalizedHeader)
    {
        if (!normalizedHeader.EndsWith(')'))
        {
            return null;
        }

        var open = normalizedHeader.LastIndexOf('(');
        if (open <= 0)
        {
            return null;
        }

        var key = normalizedHeader[(open + 1)..^1].Trim();
        var label = normalizedHeader[..open].Trim();
        return key.Length == 0 || label.Length == 0 || !key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') ? null : (label, key);
    }
}
