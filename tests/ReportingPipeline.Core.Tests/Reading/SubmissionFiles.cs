using System.Globalization;
using System.IO.Compression;
using System.Security;
using System.Text;
using System.Text.Json;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Reading;
using ReportingPipeline.Core.Templates;

namespace ReportingPipeline.Core.Tests.Reading;

/// <summary>Builds submission files in every format, and hand-made workbooks, for the reader tests.</summary>
internal static class SubmissionFiles
{
    public static readonly Submission Sample = new(
        new StationSheet("440103001", new Period(2026, 10), " 李 小明", 12, 8, 30, 131.5m),
        [new VisitRecord("440103001001", 10, 5, 2, null), new VisitRecord("440103001002", 0, null, 1, 3)],
        [new ServiceRecord("440103001001", "elderly", 1, 2, 3, 40), new ServiceRecord("440103001002", "children", null, 0, 1, 12)],
        [new HotlineRecord("HL-01", 3, 40, 38, 30, 10, 12, 10, 6)],
        [new FundRecord("province", 120000m, 80000.5m, null), new FundRecord("social", null, 1200.25m, 300m)]);

    public static RawSubmission Read(byte[] bytes, string fileName, ReadLimits? limits = null) =>
        SubmissionFileReader.Read(new MemoryStream(bytes), fileName, limits ?? ReadLimits.Default);

    public static byte[] Xlsx(Submission submission)
    {
        using var output = new MemoryStream();
        SubmissionWorkbookWriter.WriteSubmission(output, submission);
        return output.ToArray();
    }

    public static byte[] Json(Submission submission, string schema = SubmissionContract.SchemaId)
    {
        using var output = new MemoryStream();
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writer.WriteString("schema", schema);
            foreach (var section in SubmissionContract.Sections)
            {
                var rows = SubmissionFields.RowsByKey(submission, section);
                if (section.Shape == SectionShape.KeyValue)
                {
                    writer.WritePropertyName(section.Key);
                    WriteObject(writer, rows[0]);
                    continue;
                }

                writer.WriteStartArray(section.Key);
                foreach (var row in rows)
                {
                    WriteObject(writer, row);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        return output.ToArray();
    }

    /// <summary>A zip of CSV files, one per section, headed by field keys (or by Chinese labels).</summary>
    public static byte[] ZipCsv(Submission submission, Encoding? encoding = null, bool labels = false, string folder = "")
    {
        var files = new List<(string, byte[])>();
        foreach (var section in SubmissionContract.Sections)
        {
            var csv = new StringBuilder();
            var rows = SubmissionFields.RowsByKey(submission, section);
            if (section.Shape == SectionShape.KeyValue)
            {
                csv.Append("field,value\r\n");
                foreach (var field in section.Fields)
                {
                    csv.Append(labels ? field.Label : field.Key).Append(',').Append(Quote(SubmissionFields.Text(rows[0][field.Key]))).Append("\r\n");
                }
            }
            else
            {
                csv.AppendJoin(',', section.Fields.Select(f => labels ? f.Label : f.Key)).Append("\r\n");
                foreach (var row in rows)
                {
                    csv.AppendJoin(',', section.Fields.Select(f => Quote(SubmissionFields.Text(row[f.Key])))).Append("\r\n");
                }
            }

            var name = folder + (labels ? section.Label + ".csv" : section.CsvFileName);
            files.Add((name, (encoding ?? new UTF8Encoding(false)).GetBytes(csv.ToString())));
        }

        return Zip([.. files]);
    }

    public static byte[] Zip(params (string Name, byte[] Content)[] entries) => Zip(CompressionLevel.Optimal, entries);

    public static byte[] Zip(CompressionLevel level, params (string Name, byte[] Content)[] entries)
    {
        using var output = new MemoryStream();
        using (var archive = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var stream = archive.CreateEntry(name, level).Open();
                stream.Write(content);
            }
        }

        return output.ToArray();
    }

    /// <summary>
    /// A minimal hand-made workbook: sheets given as their <c>sheetData</c> rows, optional shared strings,
    /// extra parts and content types. Lets tests put exactly the XML they need into a real package.
    /// </summary>
    public static byte[] Workbook(
        IReadOnlyList<(string Name, string Rows)> sheets,
        IReadOnlyList<string>? sharedStrings = null,
        IReadOnlyList<(string Name, byte[] Content)>? extraParts = null,
        string workbookContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        string? sharedStringsXml = null,
        Func<int, string, string>? sheetXml = null)
    {
        var parts = new List<(string, byte[])>();
        var types = new StringBuilder($"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="{workbookContentType}"/>""");
        var workbook = new StringBuilder("""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>""");
        var rels = new StringBuilder("""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">""");
        for (var i = 0; i < sheets.Count; i++)
        {
            var n = i + 1;
            workbook.Append(CultureInfo.InvariantCulture, $"""<sheet name="{SecurityElement.Escape(sheets[i].Name)}" sheetId="{n}" r:id="rId{n}"/>""");
            rels.Append(CultureInfo.InvariantCulture, $"""<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{n}.xml"/>""");
            types.Append(CultureInfo.InvariantCulture, $"""<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>""");
            var xml = sheetXml?.Invoke(n, sheets[i].Rows)
                ?? $"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{sheets[i].Rows}</sheetData></worksheet>""";
            parts.Add(($"xl/worksheets/sheet{n}.xml", Encoding.UTF8.GetBytes(xml)));
        }

        if (sharedStrings is not null || sharedStringsXml is not null)
        {
            sharedStringsXml ??= """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"""
                + string.Concat(sharedStrings!.Select(s => s.StartsWith('<') ? $"<si>{s}</si>" : $"<si><t>{SecurityElement.Escape(s)}</t></si>")) + "</sst>";
            parts.Add(("xl/sharedStrings.xml", Encoding.UTF8.GetBytes(sharedStringsXml)));
            rels.Append("""<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>""");
            types.Append("""<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>""");
        }

        workbook.Append("</sheets></workbook>");
        rels.Append("</Relationships>");
        types.Append("</Types>");
        parts.Add(("[Content_Types].xml", Encoding.UTF8.GetBytes(types.ToString())));
        parts.Add(("_rels/.rels", Encoding.UTF8.GetBytes("""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>""")));
        parts.Add(("xl/workbook.xml", Encoding.UTF8.GetBytes(workbook.ToString())));
        parts.Add(("xl/_rels/workbook.xml.rels", Encoding.UTF8.GetBytes(rels.ToString())));
        parts.AddRange(extraParts ?? []);
        return Zip([.. parts]);
    }

    /// <summary>The cell texts of a section by field key, for each data row (null where the cell is missing).</summary>
    public static List<Dictionary<string, string?>> Cells(RawSection section)
    {
        var result = new List<Dictionary<string, string?>>();
        if (section.Definition.Shape == SectionShape.KeyValue)
        {
            var row = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var raw in section.Rows)
            {
                var field = section.Definition.FindField(raw.Cells[0]!.Text) ?? section.Definition.FindAnnotation(raw.Cells[0]!.Text) ?? throw new InvalidOperationException($"Unmapped field {raw.Cells[0]!.Text}");
                row[field.Key] = raw.Cells.Count > 1 ? raw.Cells[1]?.Text : null;
            }

            result.Add(row);
            return result;
        }

        var fields = section.Headers.Select(h => section.Definition.FindField(h.Text) ?? section.Definition.FindAnnotation(h.Text)).ToList();
        foreach (var raw in section.Rows)
        {
            var row = new Dictionary<string, string?>(StringComparer.Ordinal);
            for (var i = 0; i < fields.Count; i++)
            {
                var field = fields[i] ?? throw new InvalidOperationException($"Unmapped header {section.Headers[i].Text}");
                row[field.Key] = raw.Cells[i]?.Text;
            }

            result.Add(row);
        }

        return result;
    }

    /// <summary>Asserts that every section of <paramref name="raw"/> holds exactly the values of <paramref name="expected"/>.</summary>
    public static void AssertHolds(RawSubmission raw, Submission expected, bool enumLabels)
    {
        Assert.True(raw.IsReadable, string.Join("; ", raw.Issues.Select(i => i.MessageEn)));
        foreach (var section in SubmissionContract.Sections)
        {
            var read = raw.Find(section);
            Assert.NotNull(read);
            var want = SubmissionFields.RowsByKey(expected, section);
            var got = Cells(read);
            Assert.Equal(want.Count, got.Count);
            for (var r = 0; r < want.Count; r++)
            {
                foreach (var field in section.Fields)
                {
                    var text = SubmissionFields.Text(want[r][field.Key]);
                    if (enumLabels && field.Enum is not null && text is not null)
                    {
                        text = field.Enum.Find(text)!.Label;
                    }

                    Assert.Equal(text, got[r].GetValueOrDefault(field.Key));
                }
            }
        }
    }

    private static void WriteObject(Utf8JsonWriter writer, IReadOnlyDictionary<string, object?> row)
    {
        writer.WriteStartObject();
        foreach (var (key, value) in row)
        {
            switch (value)
            {
                case null:
                    writer.WriteNull(key);
                    break;
                case long l:
                    writer.WriteNumber(key, l);
                    break;
                case decimal d:
                    writer.WriteNumber(key, d);
                    break;
                default:
                    writer.WriteString(key, SubmissionFields.Text(value));
                    break;
            }
        }

        writer.WriteEndObject();
    }

    private static string Quote(string? text) =>
        text is null ? string.Empty
        : text.IndexOfAny([',', '"', '\r', '\n']) >= 0 || text.StartsWith(' ') ? $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : text;
}
