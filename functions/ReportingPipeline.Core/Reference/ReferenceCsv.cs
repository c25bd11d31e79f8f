using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace ReportingPipeline.Core.Reference;

/// <summary>A CSV record and the physical line it starts on (a quoted field may span lines).</summary>
internal sealed record CsvRecord(int Line, IReadOnlyList<string> Fields);

/// <summary>
/// The RFC 4180 reading the reference files need: UTF-8 with an optional BOM, quoted fields with doubled
/// quotes, CRLF or LF line ends, blank lines skipped. Problems come back as messages naming the line.
/// </summary>
internal static class ReferenceCsv
{
    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>The characters that end an unquoted run: a field's end, a quote, a line's end.</summary>
    private static readonly SearchValues<char> Specials = SearchValues.Create(",\"\r\n");

    public static (IReadOnlyList<CsvRecord> Records, string? Error) Parse(ReadOnlySpan<byte> bytes, string fileName)
    {
        if (bytes.StartsWith(Utf8Bom))
        {
            bytes = bytes[Utf8Bom.Length..];
        }

        var chars = new char[bytes.Length];
        var status = Utf8.ToUtf16(bytes, chars, out var bytesRead, out var charsWritten, replaceInvalidSequences: false);
        if (status != OperationStatus.Done)
        {
            var line = bytes[..bytesRead].Count((byte)'\n') + 1;
            return ([], $"{fileName} line {line}: the file is not UTF-8 (save it as \"CSV UTF-8\").");
        }

        return Split(chars.AsSpan(0, charsWritten), fileName);
    }

    private static (IReadOnlyList<CsvRecord> Records, string? Error) Split(ReadOnlySpan<char> text, string fileName)
    {
        var records = new List<CsvRecord>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var inQuotes = false;
        var fieldWasQuoted = false;
        var recordHasContent = false;

        void EndField()
        {
            fields.Add(field.ToString());
            field.Clear();
            fieldWasQuoted = false;
        }

        void EndRecord()
        {
            EndField();
            // A line holding nothing at all is blank, not a record of one empty field.
            if (recordHasContent || fields.Count > 1)
            {
                records.Add(new CsvRecord(recordLine, [.. fields]));
            }

            fields.Clear();
            recordHasContent = false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }
                else
                {
                    if (c == '\n')
                    {
                        line++;
                    }

                    field.Append(c);
                }

                continue;
            }

            switch (c)
            {
                case '"' when field.Length == 0 && !fieldWasQuoted:
                    inQuotes = true;
                    fieldWasQuoted = true;
                    recordHasContent = true;
                    break;
                case '"':
                    return ([], $"{fileName} line {line}: a quote inside an unquoted field (quote the whole field and double the inner quotes).");
                case ',':
                    EndField();
                    recordHasContent = true;
                    break;
                case '\r' when i + 1 < text.Length && text[i + 1] == '\n':
                    break;
                case '\r' or '\n':
                    EndRecord();
                    line++;
                    recordLine = line;
                    break;
                default:
                    if (fieldWasQuoted)
                    {
                        if (!char.IsWhiteSpace(c))
                        {
                            return ([], $"{fileName} line {line}: text after a closing quote.");
                        }

                        field.Append(c);
                        break;
                    }

                    // The rest of an unquoted field at once, up to the next comma, quote or line end, rather
                    // than a character at a time (half a million lines nationally).
                    var run = text[i..];
                    var end = run.IndexOfAny(Specials);
                    run = end < 0 ? run : run[..end];
                    field.Append(run);
                    recordHasContent |= !run.IsWhiteSpace();
                    i += run.Length - 1;
                    break;
            }
        }

        if (inQuotes)
        {
            return ([], $"{fileName} line {recordLine}: a quoted field is never closed.");
        }

        EndRecord();
        return (records, null);
    }
}
