using System.Text;

namespace ReportingPipeline.Core.Reading;

/// <summary>
/// Decodes and splits the CSV files of a zip submission: UTF-8 (with or without BOM) or GB18030, which
/// is what Chinese Excel writes; records split as RFC 4180 says (quotes, embedded commas and newlines).
/// </summary>
internal static class CsvText
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly Encoding StrictGb18030 = CreateGb18030();

    /// <summary>
    /// The text of a CSV file, or null when it is neither valid UTF-8 nor valid GB18030, or holds bytes
    /// no text file has (NUL and other control characters: a binary file, or UTF-16).
    /// </summary>
    public static string? Decode(byte[] bytes)
    {
        var content = bytes.AsSpan();
        if (content.StartsWith("\uFEFF"u8))
        {
            content = content[3..];
        }

        if (content.Contains((byte)0))
        {
            return null;
        }

        // A GB18030 file is almost never valid UTF-8, while UTF-8 Chinese is rarely valid GB18030 of the same
        // meaning: strict UTF-8 first decides correctly in practice.
        string text;
        try
        {
            text = StrictUtf8.GetString(content);
        }
        catch (DecoderFallbackException)
        {
            try
            {
                text = StrictGb18030.GetString(content);
            }
            catch (DecoderFallbackException)
            {
                return null;
            }
        }

        foreach (var c in text)
        {
            if (c < ' ' && c is not ('\t' or '\r' or '\n'))
            {
                return null;
            }
        }

        return text;
    }

    /// <summary>
    /// Splits <paramref name="text"/> into records, calling <paramref name="onRecord"/> with the 1-based
    /// record number (the row Excel shows) and its cells until it returns false. Cells past the column limit
    /// are dropped; cell text past the length limit is clipped, its full length kept. A stray quote is
    /// taken literally rather than failing the file, as Excel does.
    /// </summary>
    public static void Split(string text, ReadLimits limits, Func<int, IReadOnlyList<GridCell>, bool> onRecord)
    {
        var cells = new List<GridCell>();
        var field = new StringBuilder();
        var record = 1;
        var column = 0;
        var length = 0;
        var i = 0;
        var n = text.Length;
        if (n == 0)
        {
            return;
        }

        while (true)
        {
            field.Clear();
            length = 0;
            if (i < n && text[i] == '"')
            {
                i++;
                while (i < n)
                {
                    if (text[i] == '"')
                    {
                        if (i + 1 < n && text[i + 1] == '"')
                        {
                            Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    Append(text[i]);
                    i++;
                }
            }

            while (i < n && text[i] is not (',' or '\r' or '\n'))
            {
                Append(text[i]);
                i++;
            }

            if (column < limits.MaxColumns && length > 0)
            {
                cells.Add(new GridCell(column, field.ToString(), length));
            }

            if (i < n && text[i] == ',')
            {
                i++;
                column++;
                continue;
            }

            if (i < n && text[i] == '\r')
            {
                i++;
            }

            if (i < n && text[i] == '\n')
            {
                i++;
            }

            if (!onRecord(record, cells))
            {
                return;
            }

            if (i >= n)
            {
                return;
            }

            cells = [];
            record++;
            column = 0;
        }

        void Append(char c)
        {
            length++;
            if (field.Length < limits.MaxCellChars)
            {
                field.Append(c);
            }
        }
    }

    private static Encoding CreateGb18030()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(54936, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
    }
}
