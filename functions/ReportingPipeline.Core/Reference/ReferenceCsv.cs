using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace ReportingPipeline.Core.Reference;

/// <summary>
/// The RFC 4180 reading the reference files need: UTF-8 with an optional BOM, quoted fields with doubled
/// quotes, CRLF or LF line ends, blank lines skipped. Problems come back as messages naming the line.
/// </summary>
/// <remarks>
/// Records are read one at a time straight from the file's bytes, and a field is only made a string when the
/// caller keeps it: nationally the regions file is half a million lines, and a list of strings per line (then
/// copied, then trimmed) was most of a second of a cold build, a third of it in the collector.
/// </remarks>
internal sealed class ReferenceCsv
{
    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>The bytes that end an unquoted run: a field's end, a quote, a line's end.</summary>
    private static readonly SearchValues<byte> Specials = SearchValues.Create(",\"\r\n"u8);

    private readonly byte[] _bytes;
    private readonly string _fileName;

    /// <summary>Each field of the current record: where its text is, in the file or (a quoted field with doubled quotes) in <see cref="_unquoted"/>.</summary>
    private (int Start, int Length, bool Unquoted)[] _fields = new (int, int, bool)[8];
    private byte[] _unquoted = new byte[256];
    private int _unquotedLength;
    private int _position;
    private int _line = 1;

    private ReferenceCsv(byte[] bytes, int start, string fileName)
    {
        _bytes = bytes;
        _position = start;
        _fileName = fileName;
    }

    /// <summary>The physical line the current record starts on (a quoted field may span lines).</summary>
    public int Line { get; private set; }

    /// <summary>How many fields the current record has.</summary>
    public int FieldCount { get; private set; }

    /// <summary>A reader of the file, or the message saying why the file cannot be read (it is not UTF-8).</summary>
    public static (ReferenceCsv? Reader, string? Error) Open(byte[] bytes, string fileName)
    {
        var start = bytes.AsSpan().StartsWith(Utf8Bom) ? Utf8Bom.Length : 0;
        var text = bytes.AsSpan(start);
        if (!Utf8.IsValid(text))
        {
            var chars = new char[text.Length];
            Utf8.ToUtf16(text, chars, out var bytesRead, out _, replaceInvalidSequences: false);
            var line = text[..bytesRead].Count((byte)'\n') + 1;
            return (null, $"{fileName} line {line}: the file is not UTF-8 (save it as \"CSV UTF-8\").");
        }

        return (new ReferenceCsv(bytes, start, fileName), null);
    }

    /// <summary>
    /// Moves to the next record that is not blank: false at the end of the file, or with <paramref name="error"/>
    /// set when the file breaks the format (then nothing further is read).
    /// </summary>
    public bool Next(out string? error)
    {
        error = null;
        while (_position < _bytes.Length)
        {
            var hasContent = ReadRecord(out error);
            if (error is not null)
            {
                _position = _bytes.Length;
                return false;
            }

            // A line holding nothing at all is blank, not a record of one empty field.
            if (hasContent || FieldCount > 1)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Field <paramref name="index"/> of the current record as UTF-8, without the whitespace around it.</summary>
    public ReadOnlySpan<byte> Trimmed(int index) => Trim(Raw(index));

    /// <summary>Field <paramref name="index"/> of the current record, trimmed, as a string.</summary>
    public string Text(int index) => Trimmed(index) is { IsEmpty: false } text ? Encoding.UTF8.GetString(text) : string.Empty;

    private ReadOnlySpan<byte> Raw(int index)
    {
        var (start, length, unquoted) = _fields[index];
        return unquoted ? _unquoted.AsSpan(start, length) : _bytes.AsSpan(start, length);
    }

    /// <summary>Reads one physical record from <see cref="_position"/>: whether it holds anything but whitespace.</summary>
    private bool ReadRecord(out string? error)
    {
        error = null;
        Line = _line;
        FieldCount = 0;
        _unquotedLength = 0;
        var hasContent = false;
        var text = _bytes.AsSpan();
        while (true)
        {
            var fieldStart = _position;
            var quoted = _position < text.Length && text[_position] == '"';
            if (quoted)
            {
                hasContent = true;
                if (!ReadQuoted(out error))
                {
                    return false;
                }
            }

            // Up to the next comma, quote or line end: an unquoted field's text; after a closing quote, only whitespace,
            // which is trimmed away with the field's own.
            var rest = text[_position..];
            var stop = rest.IndexOfAny(Specials);
            var run = stop < 0 ? rest : rest[..stop];
            if (quoted && !IsWhiteSpace(run))
            {
                error = $"{_fileName} line {_line}: text after a closing quote.";
                return false;
            }

            _position += run.Length;
            if (_position < text.Length && text[_position] == '"')
            {
                error = $"{_fileName} line {_line}: a quote inside an unquoted field (quote the whole field and double the inner quotes).";
                return false;
            }

            if (!quoted)
            {
                hasContent = hasContent || !IsWhiteSpace(run);
                AddField(fieldStart, run.Length, unquoted: false);
            }

            if (_position >= text.Length)
            {
                return hasContent;
            }

            switch (text[_position])
            {
                case (byte)',':
                    hasContent = true;
                    _position++;
                    if (_position == text.Length)
                    {
                        // A record ending in a comma at the end of the file has an empty last field.
                        AddField(_position, 0, unquoted: false);
                        return true;
                    }

                    continue;
                case (byte)'\r' when _position + 1 < text.Length && text[_position + 1] == '\n':
                    _position += 2;
                    break;
                default:
                    _position++;
                    break;
            }

            _line++;
            return hasContent;
        }
    }

    /// <summary>Reads a quoted field from its opening quote to just past its closing one, undoubling inner quotes.</summary>
    private bool ReadQuoted(out string? error)
    {
        error = null;
        var text = _bytes.AsSpan();
        var start = _position + 1;
        var i = start;
        var copied = -1;
        while (true)
        {
            var next = text[i..].IndexOfAny((byte)'"', (byte)'\n');
            if (next < 0)
            {
                error = $"{_fileName} line {Line}: a quoted field is never closed.";
                return false;
            }

            i += next;
            if (text[i] == '\n')
            {
                _line++;
                i++;
                continue;
            }

            if (i + 1 < text.Length && text[i + 1] == '"')
            {
                // A doubled quote: the field's text is copied, with one quote for the two.
                if (copied < 0)
                {
                    copied = _unquotedLength;
                }

                Append(text[start..(i + 1)]);
                i += 2;
                start = i;
                continue;
            }

            if (copied < 0)
            {
                AddField(start, i - start, unquoted: false);
            }
            else
            {
                Append(text[start..i]);
                AddField(copied, _unquotedLength - copied, unquoted: true);
            }

            _position = i + 1;
            return true;
        }
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (_unquotedLength + bytes.Length > _unquoted.Length)
        {
            Array.Resize(ref _unquoted, Math.Max(_unquoted.Length * 2, _unquotedLength + bytes.Length));
        }

        bytes.CopyTo(_unquoted.AsSpan(_unquotedLength));
        _unquotedLength += bytes.Length;
    }

    private void AddField(int start, int length, bool unquoted)
    {
        if (FieldCount == _fields.Length)
        {
            Array.Resize(ref _fields, _fields.Length * 2);
        }

        _fields[FieldCount++] = (start, length, unquoted);
    }

    /// <summary>Whitespace as <see cref="string.Trim()"/> sees it (an ideographic space too), read from UTF-8.</summary>
    private static bool IsWhiteSpace(ReadOnlySpan<byte> text) => Trim(text).IsEmpty;

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> text)
    {
        while (!text.IsEmpty && WhiteSpaceAtStart(text) is var length and > 0)
        {
            text = text[length..];
        }

        while (!text.IsEmpty && WhiteSpaceAtEnd(text) is var length and > 0)
        {
            text = text[..^length];
        }

        return text;
    }

    /// <summary>The bytes of the whitespace character <paramref name="text"/> starts with; 0 when it starts with anything else.</summary>
    private static int WhiteSpaceAtStart(ReadOnlySpan<byte> text) =>
        text[0] < 0x80
            ? IsAsciiWhiteSpace(text[0]) ? 1 : 0
            : Rune.DecodeFromUtf8(text, out var rune, out var length) == OperationStatus.Done && Rune.IsWhiteSpace(rune) ? length : 0;

    /// <summary>The bytes of the whitespace character <paramref name="text"/> ends with; 0 when it ends with anything else.</summary>
    private static int WhiteSpaceAtEnd(ReadOnlySpan<byte> text) =>
        text[^1] < 0x80
            ? IsAsciiWhiteSpace(text[^1]) ? 1 : 0
            : Rune.DecodeLastFromUtf8(text, out var rune, out var length) == OperationStatus.Done && Rune.IsWhiteSpace(rune) ? length : 0;

    /// <summary><see cref="char.IsWhiteSpace(char)"/> below 0x80: the space and tab to carriage return.</summary>
    private static bool IsAsciiWhiteSpace(byte b) => b is (byte)' ' or >= (byte)'\t' and <= (byte)'\r';
}
