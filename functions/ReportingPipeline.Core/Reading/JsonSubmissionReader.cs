using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Validation;

namespace ReportingPipeline.Core.Reading;

/// <summary>
/// Reads <c>{"schema":"shuangbai-monthly/v1","station":{...},"visits":[{...}],...}</c>. The station object
/// becomes a key-value section; each array of objects a rows section whose headers are the union of its
/// objects' keys in first-seen order. Values keep their text exactly as written (numbers included).
/// </summary>
internal static class JsonSubmissionReader
{
    public static RawSubmission Read(byte[] bytes, string fileName, ReadLimits limits)
    {
        var content = bytes.AsMemory();
        if (content.Span.StartsWith("\uFEFF"u8))
        {
            content = content[3..];
        }

        if (content.Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            throw SubmissionReadException.Unreadable("文件是空的", "the file is empty");
        }

        if (!Utf8.IsValid(content.Span))
        {
            return RawSubmission.Unreadable(SubmissionFormat.Json, ReadIssues.BadEncoding(fileName));
        }

        CheckStructure(content.Span, limits);
        using var document = JsonDocument.Parse(content, new JsonDocumentOptions
        {
            MaxDepth = limits.MaxJsonDepth + 4,
            CommentHandling = JsonCommentHandling.Skip,
        });
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw SubmissionReadException.Unreadable("JSON 文件最外层应为对象 {...}", "the top level of the JSON file must be an object {...}");
        }

        var schema = root.TryGetProperty("schema", out var schemaElement) && schemaElement.ValueKind == JsonValueKind.String
            ? schemaElement.GetString()
            : null;
        if (schema != SubmissionContract.SchemaId)
        {
            var written = schemaElement.ValueKind == JsonValueKind.Undefined ? string.Empty : schema ?? schemaElement.GetRawText();
            return RawSubmission.Unreadable(SubmissionFormat.Json, RuleCatalogue.BadSchema.Issue(
                new SourceLocation("schema", null, null), value: RawSectionBuilder.Clip(written, limits)));
        }

        var issues = new List<ValidationIssue>();
        var sections = new List<RawSection>();
        var propertyOf = new Dictionary<SectionDefinition, string>();
        foreach (var property in root.EnumerateObject())
        {
            if (property.Name == "schema")
            {
                continue;
            }

            var section = SubmissionContract.FindSection(property.Name);
            if (section is null)
            {
                issues.Add(ReadIssues.UnknownSection(property.Name));
                continue;
            }

            if (propertyOf.TryGetValue(section, out var first))
            {
                issues.Add(RuleCatalogue.DuplicateSection.Issue(
                    new SourceLocation(property.Name, null, null), section: section.Key, value: property.Name,
                    args: new Dictionary<string, string>(StringComparer.Ordinal) { ["first"] = first, ["label"] = section.Label }));
                continue;
            }

            propertyOf[section] = property.Name;
            sections.Add(section.Shape == SectionShape.KeyValue
                ? ReadKeyValue(section, property.Value, limits, issues)
                : ReadRows(section, property.Value, limits, issues));
        }

        return new RawSubmission(SubmissionFormat.Json, sections, issues);
    }

    /// <summary>
    /// Walks the tokens once before parsing: too-deep nesting is reported as the attack it is, and
    /// syntax errors come back with their line and position.
    /// </summary>
    private static void CheckStructure(ReadOnlySpan<byte> content, ReadLimits limits)
    {
        var reader = new Utf8JsonReader(content, new JsonReaderOptions
        {
            MaxDepth = limits.MaxJsonDepth + 4,
            CommentHandling = JsonCommentHandling.Skip,
        });
        try
        {
            while (reader.Read())
            {
                if (reader.CurrentDepth > limits.MaxJsonDepth)
                {
                    throw SubmissionReadException.Bomb(
                        string.Create(CultureInfo.InvariantCulture, $"JSON 嵌套超过 {limits.MaxJsonDepth} 层"),
                        string.Create(CultureInfo.InvariantCulture, $"the JSON is nested more than {limits.MaxJsonDepth} levels deep"));
                }
            }
        }
        catch (JsonException ex)
        {
            var line = (ex.LineNumber ?? 0) + 1;
            var position = (ex.BytePositionInLine ?? 0) + 1;
            throw SubmissionReadException.Unreadable(
                string.Create(CultureInfo.InvariantCulture, $"JSON 格式错误（第 {line} 行第 {position} 个字节附近）"),
                string.Create(CultureInfo.InvariantCulture, $"the JSON is malformed near line {line}, byte {position}"));
        }
    }

    private static RawSection ReadKeyValue(SectionDefinition section, JsonElement value, ReadLimits limits, List<ValidationIssue> issues)
    {
        var headers = new RawCell[]
        {
            new(SubmissionContract.KeyValueFieldColumn.Key, new SourceLocation(section.Key, null, "field")),
            new(SubmissionContract.KeyValueValueColumn.Key, new SourceLocation(section.Key, null, "value")),
        };
        var rows = new List<RawRow>();
        if (value.ValueKind is JsonValueKind.Null)
        {
            return new RawSection(section, section.Key, headers, rows);
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw NotOfShape(section, "对象 {...}", "an object {...}");
        }

        var index = 0;
        foreach (var property in value.EnumerateObject())
        {
            index++;
            if (rows.Count >= limits.MaxRowsPerSection)
            {
                issues.Add(TooManyRows(section, index, limits));
                break;
            }

            var location = new SourceLocation(section.Key, index, property.Name);
            var cell = Cell(section, property.Name, property.Value, location, limits, issues);
            rows.Add(new RawRow(index, [new RawCell(RawSectionBuilder.Clip(property.Name, limits), location), cell]));
        }

        return new RawSection(section, section.Key, headers, rows);
    }

    private static RawSection ReadRows(SectionDefinition section, JsonElement value, ReadLimits limits, List<ValidationIssue> issues)
    {
        if (value.ValueKind is not (JsonValueKind.Array or JsonValueKind.Null))
        {
            throw NotOfShape(section, "数组 [...]", "an array [...]");
        }

        if (value.ValueKind == JsonValueKind.Null)
        {
            return new RawSection(section, section.Key, ColumnHeaders(section, section.Fields.Select(f => f.Key)), []);
        }

        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        var rows = new List<RawRow>();
        var pending = new List<(int Row, List<(int Column, RawCell? Cell)> Cells)>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            index++;
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw NotOfShape(section, "由对象 {...} 组成的数组", "an array of objects {...}");
            }

            if (pending.Count >= limits.MaxRowsPerSection)
            {
                issues.Add(TooManyRows(section, index, limits));
                break;
            }

            var cells = new List<(int, RawCell?)>();
            foreach (var property in item.EnumerateObject())
            {
                if (!columns.TryGetValue(property.Name, out var column))
                {
                    if (columns.Count >= limits.MaxColumns)
                    {
                        continue;
                    }

                    columns[property.Name] = column = columns.Count;
                }

                cells.Add((column, Cell(section, property.Name, property.Value, new SourceLocation(section.Key, index, property.Name), limits, issues)));
            }

            if (cells.Any(c => !string.IsNullOrWhiteSpace(c.Item2?.Text)))
            {
                pending.Add((index, cells));
            }
        }

        // An empty array says "no rows", not "no columns": it carries every column of the section.
        var names = columns.Count == 0 ? section.Fields.Select(f => f.Key).ToList() : columns.OrderBy(c => c.Value).Select(c => c.Key).ToList();
        var headers = ColumnHeaders(section, names);
        foreach (var (row, cells) in pending)
        {
            var aligned = new RawCell?[headers.Count];
            foreach (var (column, cell) in cells)
            {
                aligned[column] = cell;
            }

            rows.Add(new RawRow(row, aligned));
        }

        return new RawSection(section, section.Key, headers, rows);
    }

    private static RawCell? Cell(SectionDefinition section, string key, JsonElement value, SourceLocation location, ReadLimits limits, List<ValidationIssue> issues)
    {
        var text = value.ValueKind switch
        {
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            JsonValueKind.String => value.GetString(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => value.GetRawText(),
        };
        if (text is null)
        {
            return null;
        }

        var clipped = RawSectionBuilder.Clip(text, limits);
        if (clipped.Length < text.Length)
        {
            issues.Add(RawSectionBuilder.TextTooLong(section, key, clipped, text.Length, location, limits));
        }

        return new RawCell(clipped, location);
    }

    private static List<RawCell> ColumnHeaders(SectionDefinition section, IEnumerable<string> names) =>
        [.. names.Select(n => new RawCell(n, new SourceLocation(section.Key, null, n)))];

    private static ValidationIssue TooManyRows(SectionDefinition section, int row, ReadLimits limits) =>
        RawSectionBuilder.TooManyRows(section, new SourceLocation(section.Key, row, null), limits);

    private static SubmissionReadException NotOfShape(SectionDefinition section, string shapeZh, string shapeEn) =>
        SubmissionReadException.Unreadable($"“{section.Key}”应为{shapeZh}", $"'{section.Key}' must be {shapeEn}");
}
