// Longer than the ~400 lines the project aims for, on purpose: one forward-only pass over a hostile package
// (relationships, shared strings, sheets, cells) whose budgets and guards only make sense read together; split,
// each part would have to re-check what the others already bounded.
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Validation;

namespace ReportingPipeline.Core.Reading;

/// <summary>
/// Reads the Excel template a station filled in. The package is read part by part with a forward-only
/// <see cref="XmlReader"/> (no DTDs, no resolver, bounded size), never as a DOM, so a hostile workbook
/// costs at most the archive budget. Row numbers and column letters come from the cell references, so
/// issue locations match what the station sees in Excel.
/// </summary>
internal static class XlsxSubmissionReader
{
    private const string RelationshipsNamespaceSuffix = "relationships";

    /// <summary>The instructions sheet the template carries (and names stations give their own).</summary>
    private static readonly string[] InstructionSheetNames = ["说明", "填报说明", "instructions"];

    /// <summary>An OLE compound file: what Excel writes for a password-protected workbook, and the legacy .xls format.</summary>
    private static readonly byte[] OleSignature = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

    public static RawSubmission Read(byte[] bytes, ReadLimits limits)
    {
        try
        {
            return ReadPackage(bytes, limits);
        }
        catch (XmlException ex) when (ex.Message.Contains("DTD", StringComparison.Ordinal))
        {
            // No part of a workbook has a DTD; one there is an entity bomb or an external-entity probe.
            throw SubmissionReadException.Bomb("工作簿内含 DTD 实体声明", "the workbook contains a DTD (entity declarations)");
        }
        catch (XmlException ex) when (ex.Message.Contains("MaxCharacters", StringComparison.Ordinal))
        {
            throw SubmissionReadException.Bomb("工作簿内部 XML 过大", "a part of the workbook is too large");
        }
        catch (XmlException ex)
        {
            throw SubmissionReadException.Unreadable(
                string.Create(CultureInfo.InvariantCulture, $"工作簿内部 XML 格式错误（第 {ex.LineNumber} 行）"),
                string.Create(CultureInfo.InvariantCulture, $"the workbook's XML is malformed (line {ex.LineNumber}): {ex.Message}"));
        }
    }

    private static RawSubmission ReadPackage(byte[] bytes, ReadLimits limits)
    {
        if (bytes.Length == 0)
        {
            throw SubmissionReadException.Unreadable("文件是空的", "the file is empty");
        }

        if (bytes.AsSpan().StartsWith(OleSignature))
        {
            return RawSubmission.Unreadable(SubmissionFormat.Xlsx, ReadIssues.Encrypted(
                "文件为 OLE 复合文档：设置了密码的工作簿，或改名为 .xlsx 的旧版 .xls 工作簿",
                "it is an OLE compound file: a password-protected workbook, or a legacy .xls workbook renamed to .xlsx"));
        }

        using var archive = GuardedArchive.Open(bytes, limits);
        var settings = XmlSettings(limits);
        var scratch = new TextScratch();
        if (HasMacros(archive, settings))
        {
            return RawSubmission.Unreadable(SubmissionFormat.Xlsx, RuleCatalogue.MacroEnabled.Issue(SourceLocation.File));
        }

        var workbookPath = FindOfficeDocument(archive, settings);
        var workbook = archive.Find(workbookPath)
            ?? throw SubmissionReadException.Unreadable("不是 Excel 工作簿（缺少 workbook.xml）", "it is not an Excel workbook (workbook.xml is missing)");
        var relationships = ReadRelationships(archive, workbookPath, settings);
        var sharedStringsPart = relationships.Values.FirstOrDefault(r => r.Type.EndsWith("/sharedStrings", StringComparison.Ordinal)).Target
            ?? "xl/sharedStrings.xml";
        var sharedStrings = archive.Find(sharedStringsPart) is { } sharedStringsEntry
            ? ReadSharedStrings(archive, sharedStringsEntry, settings, limits, scratch)
            : [];

        var issues = new List<ValidationIssue>();
        var sections = new List<RawSection>();
        var sheetOf = new Dictionary<SectionDefinition, string>();
        foreach (var (name, relationshipId) in ReadSheetList(archive, workbook, settings))
        {
            if (InstructionSheetNames.Any(n => string.Equals(ContractText.NormalizeHeader(name), n, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            var section = SubmissionContract.FindSection(name);
            if (section is null)
            {
                issues.Add(ReadIssues.UnknownSection(name));
                continue;
            }

            if (sheetOf.TryGetValue(section, out var first))
            {
                issues.Add(RuleCatalogue.DuplicateSection.Issue(
                    new SourceLocation(name, null, null), section: section.Key, value: name,
                    args: new Dictionary<string, string>(StringComparer.Ordinal) { ["first"] = first, ["label"] = section.Label }));
                continue;
            }

            sheetOf[section] = name;
            var part = relationshipId is not null && relationships.TryGetValue(relationshipId, out var relationship) ? relationship.Target : null;
            var entry = (part is null ? null : archive.Find(part))
                ?? throw SubmissionReadException.Unreadable($"工作表“{name}”的内容缺失", $"the content of sheet '{name}' is missing");
            var builder = new RawSectionBuilder(section, name, limits, issues);
            ReadSheet(archive, entry, builder, sharedStrings, settings, limits, scratch);
            sections.Add(builder.Build());
        }

        return new RawSubmission(SubmissionFormat.Xlsx, sections, issues);
    }

    public static XmlReaderSettings XmlSettings(ReadLimits limits) => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = limits.MaxUncompressedBytes,
        MaxCharactersFromEntities = 1024,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        CloseInput = false,
    };

    private static bool HasMacros(GuardedArchive archive, XmlReaderSettings settings)
    {
        if (archive.Files.Any(e => e.FullName.EndsWith("vbaProject.bin", StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        if (archive.Find("[Content_Types].xml") is not { } contentTypes)
        {
            return false;
        }

        using var stream = archive.OpenRead(contentTypes);
        using var reader = XmlReader.Create(stream, settings);
        while (reader.Read())
        {
            if (reader.NodeType == XmlNodeType.Element
                && reader.GetAttribute("ContentType") is { } type
                && type.Contains("macroEnabled", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static string FindOfficeDocument(GuardedArchive archive, XmlReaderSettings settings) =>
        ReadRelationships(archive, string.Empty, settings).Values
            .FirstOrDefault(r => r.Type.EndsWith("/officeDocument", StringComparison.Ordinal)).Target
        ?? "xl/workbook.xml";

    /// <summary>The relationships of a part (<c>xl/workbook.xml</c> → <c>xl/_rels/workbook.xml.rels</c>), targets resolved to part names.</summary>
    private static Dictionary<string, (string Type, string Target)> ReadRelationships(GuardedArchive archive, string sourcePart, XmlReaderSettings settings)
    {
        var folder = sourcePart.Contains('/', StringComparison.Ordinal) ? sourcePart[..(sourcePart.LastIndexOf('/') + 1)] : string.Empty;
        var relsPart = $"{folder}_rels/{sourcePart[folder.Length..]}.rels";
        var result = new Dictionary<string, (string Type, string Target)>(StringComparer.Ordinal);
        if (archive.Find(relsPart) is not { } entry)
        {
            return result;
        }

        using var stream = archive.OpenRead(entry);
        using var reader = XmlReader.Create(stream, settings);
        while (reader.Read())
        {
            if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "Relationship"
                && reader.GetAttribute("Id") is { } id && reader.GetAttribute("Target") is { } target
                && !string.Equals(reader.GetAttribute("TargetMode"), "External", StringComparison.OrdinalIgnoreCase))
            {
                result.TryAdd(id, (reader.GetAttribute("Type") ?? string.Empty, ResolvePart(folder, target)));
            }
        }

        return result;
    }

    private static string ResolvePart(string folder, string target)
    {
        var path = target.StartsWith('/') ? target[1..] : folder + target;
        var segments = new List<string>();
        foreach (var segment in path.Replace('\\', '/').Split('/'))
        {
            if (segment == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }
            }
            else if (segment is not ("." or ""))
            {
                segments.Add(segment);
            }
        }

        return string.Join('/', segments);
    }

    private static List<(string Name, string? RelationshipId)> ReadSheetList(GuardedArchive archive, ZipArchiveEntry workbook, XmlReaderSettings settings)
    {
        var sheets = new List<(string, string?)>();
        using var stream = archive.OpenRead(workbook);
        using var reader = XmlReader.Create(stream, settings);
        while (reader.Read())
        {
            if (reader.NodeType != XmlNodeType.Element || reader.LocalName != "sheet")
            {
                continue;
            }

            string? name = null;
            string? id = null;
            while (reader.MoveToNextAttribute())
            {
                if (reader.LocalName == "name" && reader.NamespaceURI.Length == 0)
                {
                    name = reader.Value;
                }
                else if (reader.LocalName == "id" && reader.NamespaceURI.EndsWith(RelationshipsNamespaceSuffix, StringComparison.Ordinal))
                {
                    id = reader.Value;
                }
            }

            if (name is not null)
            {
                sheets.Add((name, id));
            }
        }

        return sheets;
    }

    private static List<(string Text, int Length)> ReadSharedStrings(
        GuardedArchive archive, ZipArchiveEntry entry, XmlReaderSettings settings, ReadLimits limits, TextScratch scratch)
    {
        var strings = new List<(string, int)>();
        using var stream = archive.OpenRead(entry);
        using var reader = XmlReader.Create(stream, settings);
        while (reader.Read())
        {
            if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "si")
            {
                strings.Add(ReadRichText(reader, limits, scratch));
            }
        }

        return strings;
    }

    private static void ReadSheet(
        GuardedArchive archive, ZipArchiveEntry entry, RawSectionBuilder builder, List<(string Text, int Length)> sharedStrings, XmlReaderSettings settings, ReadLimits limits,
        TextScratch scratch)
    {
        using var stream = archive.OpenRead(entry);
        using var reader = XmlReader.Create(stream, settings);
        var rowNumber = 0;
        var lastColumn = -1;
        var cells = new List<GridCell>();
        while (reader.Read())
        {
            if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "row")
            {
                rowNumber = ParseRowNumber(reader.GetAttribute("r")) ?? rowNumber + 1;
                lastColumn = -1;
                cells.Clear();
            }
            else if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "c")
            {
                var cell = ReadCell(reader, lastColumn, sharedStrings, limits, scratch);
                lastColumn = cell.Column;
                if (cell.Column < limits.MaxColumns && cell.Text.Length > 0)
                {
                    cells.Add(cell);
                }
            }
            else if (reader.NodeType == XmlNodeType.EndElement && reader.LocalName == "row")
            {
                if (!builder.Add(rowNumber, cells))
                {
                    return;
                }

                cells.Clear();
            }
        }
    }

    /// <summary>Reads a <c>&lt;c&gt;</c> element through its end; a formula cell yields its cached value, or blank without one.</summary>
    private static GridCell ReadCell(XmlReader reader, int lastColumn, List<(string Text, int Length)> sharedStrings, ReadLimits limits, TextScratch scratch)
    {
        var reference = reader.GetAttribute("r");
        var type = reader.GetAttribute("t");
        var column = ParseColumn(reference) ?? lastColumn + 1;
        string? value = null;
        (string Text, int Length)? inline = null;
        if (!reader.IsEmptyElement)
        {
            var depth = reader.Depth;
            reader.Read();
            while (!reader.EOF && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
            {
                if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "v")
                {
                    // A number, an index or a cached result is short; anything longer is hostile, and clipping it is harmless.
                    var text = scratch.Text.Clear();
                    var length = 0;
                    AppendElementText(reader, text, scratch.Chunk, 64 + limits.MaxCellChars, ref length);
                    value = text.ToString();
                    reader.Read();
                }
                else if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "is")
                {
                    inline = ReadRichText(reader, limits, scratch);
                    reader.Read();
                }
                else if (reader.NodeType == XmlNodeType.Element)
                {
                    reader.Skip();
                }
                else
                {
                    reader.Read();
                }
            }
        }

        var (cellText, cellLength) = type switch
        {
            "s" when value is not null => SharedString(value, sharedStrings, reference),
            "inlineStr" => inline ?? (string.Empty, 0),
            "b" when value is not null => (value.Trim() == "1" ? "TRUE" : "FALSE", 5),
            _ => (value ?? string.Empty, value?.Length ?? 0),
        };
        return new GridCell(column, RawSectionBuilder.Clip(cellText, limits), cellLength);
    }

    private static (string Text, int Length) SharedString(string value, List<(string Text, int Length)> sharedStrings, string? reference) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < sharedStrings.Count
            ? sharedStrings[index]
            : throw SubmissionReadException.Unreadable(
                $"单元格 {reference} 引用了不存在的共享文本 {value}", $"cell {reference} refers to shared string {value}, which does not exist");

    /// <summary>The text of an <c>&lt;si&gt;</c> or <c>&lt;is&gt;</c>: plain or rich-text runs, without phonetic guides.</summary>
    private static (string Text, int Length) ReadRichText(XmlReader reader, ReadLimits limits, TextScratch scratch)
    {
        var text = scratch.Text.Clear();
        var length = 0;
        if (reader.IsEmptyElement)
        {
            return (string.Empty, 0);
        }

        var depth = reader.Depth;
        reader.Read();
        while (!reader.EOF && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
        {
            if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "t")
            {
                AppendElementText(reader, text, scratch.Chunk, limits.MaxCellChars, ref length);
                reader.Read();
            }
            else if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "r")
            {
                // Descend into the run: its <t> is read above, its <rPr> skipped below.
                reader.Read();
            }
            else if (reader.NodeType == XmlNodeType.Element)
            {
                reader.Skip();
            }
            else
            {
                reader.Read();
            }
        }

        return (DecodeEscapes(text.ToString()), length);
    }

    /// <summary>Appends an element's text, keeping at most <paramref name="max"/> characters but counting them all.</summary>
    private static void AppendElementText(XmlReader reader, StringBuilder text, char[] buffer, int max, ref int length)
    {
        if (reader.IsEmptyElement)
        {
            return;
        }

        var depth = reader.Depth;
        while (reader.Read())
        {
            if (reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth)
            {
                return;
            }

            if (reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace)
            {
                int n;
                while ((n = reader.ReadValueChunk(buffer, 0, buffer.Length)) > 0)
                {
                    length += n;
                    var room = max - text.Length;
                    if (room > 0)
                    {
                        text.Append(buffer, 0, Math.Min(room, n));
                    }
                }
            }
        }
    }

    /// <summary>Excel writes control characters in text as <c>_x000D_</c> (and a literal <c>_x</c> as <c>_x005F_x</c>).</summary>
    private static string DecodeEscapes(string text)
    {
        if (!text.Contains("_x", StringComparison.Ordinal))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (i + 6 < text.Length && text[i] == '_' && text[i + 1] == 'x' && text[i + 6] == '_'
                && ushort.TryParse(text.AsSpan(i + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
            {
                builder.Append((char)code);
                i += 6;
            }
            else
            {
                builder.Append(text[i]);
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// The text buffers one workbook's cells are read through, reused from cell to cell: a cell is read whole
    /// before the next begins, so one builder and one chunk serve them all.
    /// </summary>
    private sealed class TextScratch
    {
        public StringBuilder Text { get; } = new();

        public char[] Chunk { get; } = new char[1024];
    }

    /// <summary>The zero-based column of a reference such as <c>C7</c>, or null when it has none.</summary>
    internal static int? ParseColumn(string? reference)
    {
        if (string.IsNullOrEmpty(reference))
        {
            return null;
        }

        var column = 0;
        var letters = 0;
        foreach (var c in reference)
        {
            var upper = char.ToUpperInvariant(c);
            if (upper is < 'A' or > 'Z')
            {
                break;
            }

            column = (column * 26) + (upper - 'A' + 1);
            if (++letters > 3)
            {
                return null;
            }
        }

        return letters == 0 ? null : column - 1;
    }

    private static int? ParseRowNumber(string? text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var row) && row > 0 ? row : null;
}
