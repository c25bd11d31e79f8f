using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using ReportingPipeline.Core.Reading;
using ReportingPipeline.Core.Validation;

namespace ReportingPipeline.Core.Tests.Reading;

public sealed class SubmissionFileReaderTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);

    private const string Header = """<row r="1"><c r="A1" t="inlineStr"><is><t>village_code</t></is></c></row>""";

    private const string Billion = """
        <?xml version="1.0"?>
        <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
        """;

    private const string External = """<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>""";

    /// <summary>Hostile or broken files, each with the rule it must end in. Generated here, never stored.</summary>
    private static readonly Dictionary<string, (string FileName, Func<byte[]> Content, ReadLimits Limits, string RuleId)> Corpus = new()
    {
        ["empty xlsx"] = ("a.xlsx", () => [], ReadLimits.Default, RuleCatalogue.Unreadable.Id),
        ["empty json"] = ("a.json", () => [], ReadLimits.Default, RuleCatalogue.Unreadable.Id),
        ["empty zip"] = ("a.zip", () => [], ReadLimits.Default, RuleCatalogue.Unreadable.Id),
        ["random bytes xlsx"] = ("a.xlsx", () => Random(4096, 1), ReadLimits.Default, RuleCatalogue.Unreadable.Id),
        ["random bytes zip"] = ("a.zip", () => Random(4096, 2), ReadLimits.Default, RuleCatalogue.Unreadable.Id),
        ["random bytes json"] = ("a.json", () => Random(4096, 3), ReadLimits.Default, RuleCatalogue.BadEncoding.Id),
        ["zip signature then junk"] = ("a.xlsx", () => [0x50, 0x4B, 0x03, 0x04, .. Random(500, 4)], ReadLimits.Default, RuleCatalogue.Unreadable.Id),
        ["truncated workbook (half)"] = ("a.xlsx", () => Template()[..(Template().Length / 2)], ReadLimits.Default, RuleCatalogue.Unreadable.Id),
        ["truncated workbook (last bytes)"] = ("a.xlsx", () => Template()[..^10], ReadLimits.Default, RuleCatalogue.Unreadable.Id),
        ["truncated csv zip"] = ("a.zip", () => SubmissionFiles.ZipCsv(SubmissionFiles.Sample)[..300], ReadLimits.Default, RuleCatalogue.Unreadable.Id),
        ["corrupted deflate data in a sheet"] = ("a.xlsx", () => CorruptEntry(Template(), "xl/worksheets/sheet3.xml"), ReadLimits.Default, RuleCatalogue.Unreadable.Id),
        ["corrupted deflate data in a csv"] = ("a.zip", () => CorruptEntry(SubmissionFiles.ZipCsv(SubmissionFiles.Sample), "visits.csv"), ReadLimits.Default, RuleCatalogue.Unreadable.Id),
        ["zip of csv named xlsx"] = ("a.xlsx", () => SubmissionFiles.ZipCsv(SubmissionFiles.Sample), ReadLimits.Default, RuleCatalogue.Unreadable.Id),
        ["malformed sheet xml"] = ("a.xlsx", () => SubmissionFiles.Workbook([("visits", "<row r=\"1\"><c r=\"A1\"><v>1</v></row>")]), ReadLimits.Default, RuleCatalogue.Unreadable.Id),
        ["shared string index out of range"] = ("a.xlsx", () => SubmissionFiles.Workbook([("visits", """<row r="1"><c r="A1" t="s"><v>7</v></c></row>""")], sharedStrings: ["x"]), ReadLimits.Default, RuleCatalogue.Unreadable.Id),
        ["sheet part missing"] = ("a.xlsx", () => RemoveEntry(SubmissionFiles.Workbook([("visits", Header)]), "xl/worksheets/sheet1.xml"), ReadLimits.Default, RuleCatalogue.Unreadable.Id),
        ["high-ratio zip bomb xlsx"] = ("a.xlsx", () => SubmissionFiles.Zip(("xl/worksheets/sheet1.xml", new byte[60_000_000])), ReadLimits.Default, RuleCatalogue.ArchiveBomb.Id),
        ["high-ratio zip bomb csv"] = ("a.zip", () => SubmissionFiles.Zip(("visits.csv", new byte[60_000_000])), ReadLimits.Default, RuleCatalogue.ArchiveBomb.Id),
        ["many entries xlsx"] = ("a.xlsx", () => ManyEntries(1_000), ReadLimits.Default, RuleCatalogue.ArchiveBomb.Id),
        ["many entries csv zip"] = ("a.zip", () => ManyEntries(70_000), ReadLimits.Default, RuleCatalogue.ArchiveBomb.Id),
        ["big declared size"] = ("a.zip", () => Declare(SubmissionFiles.Zip(("visits.csv", Encoding.UTF8.GetBytes("village_code\n1\n"))), 0xFFFF_FFF0), ReadLimits.Default, RuleCatalogue.ArchiveBomb.Id),
        ["declared small, inflates big"] = ("a.zip", () => Declare(SubmissionFiles.Zip(("visits.csv", Csv(200_000))), 100), ReadLimits.Default with { MaxUncompressedBytes = 1_000_000 }, RuleCatalogue.Unreadable.Id),
        ["total uncompressed over the limit"] = ("a.zip", () => SubmissionFiles.Zip(("visits.csv", Csv(30_000)), ("funds.csv", Csv(30_000))), ReadLimits.Default with { MaxUncompressedBytes = 500_000 }, RuleCatalogue.ArchiveBomb.Id),
        ["billion laughs in a sheet"] = ("a.xlsx", () => SubmissionFiles.Workbook([("visits", string.Empty)], sheetXml: (_, _) => Billion + """<worksheet><sheetData><row><c t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>"""), ReadLimits.Default, RuleCatalogue.ArchiveBomb.Id),
        ["billion laughs in shared strings"] = ("a.xlsx", () => SubmissionFiles.Workbook([("visits", Header)], sharedStringsXml: Billion + "<sst><si><t>&lol9;</t></si></sst>"), ReadLimits.Default, RuleCatalogue.ArchiveBomb.Id),
        ["external entity in a sheet"] = ("a.xlsx", () => SubmissionFiles.Workbook([("visits", string.Empty)], sheetXml: (_, _) => External + """<worksheet><sheetData><row><c t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>"""), ReadLimits.Default, RuleCatalogue.ArchiveBomb.Id),
        ["external entity in shared strings"] = ("a.xlsx", () => SubmissionFiles.Workbook([("visits", Header)], sharedStringsXml: External + "<sst><si><t>&xxe;</t></si></sst>"), ReadLimits.Default, RuleCatalogue.ArchiveBomb.Id),
        ["doctype in workbook.xml"] = ("a.xlsx", () => ReplaceEntry(SubmissionFiles.Workbook([("visits", Header)]), "xl/workbook.xml", External + "<workbook/>"), ReadLimits.Default, RuleCatalogue.ArchiveBomb.Id),
        ["encrypted workbook (OLE)"] = ("a.xlsx", () => [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, .. Random(2048, 5)], ReadLimits.Default, RuleCatalogue.Encrypted.Id),
        ["legacy xls"] = ("a.xls", () => [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1], ReadLimits.Default, RuleCatalogue.UnsupportedType.Id),
        ["xlsm by extension"] = ("a.xlsm", Template, ReadLimits.Default, RuleCatalogue.MacroEnabled.Id),
        ["vbaProject.bin inside xlsx"] = ("a.xlsx", () => SubmissionFiles.Workbook([("visits", Header)], extraParts: [("xl/vbaProject.bin", Random(512, 6))]), ReadLimits.Default, RuleCatalogue.MacroEnabled.Id),
        ["macro-enabled content type"] = ("a.xlsx", () => SubmissionFiles.Workbook([("visits", Header)], workbookContentType: "application/vnd.ms-excel.sheet.macroEnabled.main+xml"), ReadLimits.Default, RuleCatalogue.MacroEnabled.Id),
        ["huge row count xlsx"] = ("a.xlsx", () => SubmissionFiles.Workbook([("visits", Header + string.Concat(Enumerable.Range(2, 25_000).Select(r => $"<row r=\"{r}\"><c r=\"A{r}\"><v>{r}</v></c></row>")))]), ReadLimits.Default, RuleCatalogue.TooManyRows.Id),
        ["huge row count csv"] = ("a.zip", () => SubmissionFiles.Zip(("visits.csv", Csv(25_000))), ReadLimits.Default, RuleCatalogue.TooManyRows.Id),
        ["huge row count json"] = ("a.json", () => Encoding.UTF8.GetBytes("{\"schema\":\"shuangbai-monthly/v1\",\"visits\":[" + string.Join(',', Enumerable.Repeat("{\"village_code\":\"1\"}", 25_000)) + "]}"), ReadLimits.Default, RuleCatalogue.TooManyRows.Id),
        ["huge inline cell"] = ("a.xlsx", () => SubmissionFiles.Workbook([("visits", Header + $"<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>{Letters(3_000_000)}</t></is></c></row>")]), ReadLimits.Default, RuleCatalogue.TextTooLong.Id),
        ["huge csv cell"] = ("a.zip", () => SubmissionFiles.Zip(("visits.csv", Encoding.UTF8.GetBytes("village_code\n\"" + Letters(3_000_000) + "\"\n"))), ReadLimits.Default, RuleCatalogue.TextTooLong.Id),
        ["huge json string"] = ("a.json", () => Encoding.UTF8.GetBytes("{\"schema\":\"shuangbai-monthly/v1\",\"visits\":[{\"village_code\":\"" + Letters(3_000_000) + "\"}]}"), ReadLimits.Default, RuleCatalogue.TextTooLong.Id),
        ["deep json nesting"] = ("a.json", () => Encoding.UTF8.GetBytes(new string('[', 100_000) + new string(']', 100_000)), ReadLimits.Default, RuleCatalogue.ArchiveBomb.Id),
        ["deep nesting inside a row"] = ("a.json", () => Encoding.UTF8.GetBytes("{\"schema\":\"shuangbai-monthly/v1\",\"visits\":[{\"village_code\":" + new string('[', 20) + new string(']', 20) + "}]}"), ReadLimits.Default, RuleCatalogue.ArchiveBomb.Id),
        ["invalid utf-8 json"] = ("a.json", () => [.. "{\"schema\":\"shuangbai-monthly/v1\",\"station\":{\"prepared_by\":\""u8, 0xC3, 0x28, .. "\"}}"u8], ReadLimits.Default, RuleCatalogue.BadEncoding.Id),
        ["nul bytes json"] = ("a.json", () => [.. "{\"schema\":\"shuangbai-monthly/v1\""u8, 0, 0, .. "}"u8], ReadLimits.Default, RuleCatalogue.Unreadable.Id),
        ["truncated json"] = ("a.json", () => SubmissionFiles.Json(SubmissionFiles.Sample)[..200], ReadLimits.Default, RuleCatalogue.Unreadable.Id),
        ["json root is an array"] = ("a.json", () => "[1,2]"u8.ToArray(), ReadLimits.Default, RuleCatalogue.Unreadable.Id),
        ["json section of the wrong shape"] = ("a.json", () => "{\"schema\":\"shuangbai-monthly/v1\",\"visits\":\"none\"}"u8.ToArray(), ReadLimits.Default, RuleCatalogue.Unreadable.Id),
        ["json wrong schema"] = ("a.json", () => SubmissionFiles.Json(SubmissionFiles.Sample, "monthly/v0"), ReadLimits.Default, RuleCatalogue.BadSchema.Id),
        ["csv invalid in utf-8 and gb18030"] = ("a.zip", () => SubmissionFiles.Zip(("visits.csv", [.. "village_code\n"u8, 0xFF, 0xFE, 0x80, 0x80, (byte)'\n'])), ReadLimits.Default, RuleCatalogue.BadEncoding.Id),
        ["csv with nul bytes"] = ("a.zip", () => SubmissionFiles.Zip(("visits.csv", [.. "village_code\n12"u8, 0, (byte)'\n'])), ReadLimits.Default, RuleCatalogue.BadEncoding.Id),
        ["csv in utf-16"] = ("a.zip", () => SubmissionFiles.Zip(("visits.csv", Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("village_code\n1\n")).ToArray())), ReadLimits.Default, RuleCatalogue.BadEncoding.Id),
        ["csv of binary junk"] = ("a.zip", () => SubmissionFiles.Zip(("visits.csv", Random(10_000, 7))), ReadLimits.Default, RuleCatalogue.BadEncoding.Id),
        ["file over the size limit"] = ("a.xlsx", () => Random(3_000, 8), ReadLimits.Default with { MaxFileBytes = 2_000 }, RuleCatalogue.TooLarge.Id),
        ["csv alone"] = ("visits.csv", () => "village_code\n1\n"u8.ToArray(), ReadLimits.Default, RuleCatalogue.UnsupportedType.Id),
        ["no extension"] = ("report", Template, ReadLimits.Default, RuleCatalogue.UnsupportedType.Id),
    };

    public static TheoryData<string> HostileFiles => [.. Corpus.Keys];

    [Theory]
    [MemberData(nameof(HostileFiles))]
    public async Task Read_HostileFile_EndsInItsIssueWithoutThrowing(string name)
    {
        var (fileName, content, limits, ruleId) = Corpus[name];
        var bytes = content();

        // A generous guard, not a timing assertion: a hang or runaway read fails with TimeoutException.
        var raw = await Task.Run(() => SubmissionFileReader.Read(new MemoryStream(bytes), fileName, limits)).WaitAsync(Generous);

        Assert.True(raw.Issues.Any(i => i.RuleId == ruleId), string.Join("; ", raw.Issues.Select(i => i.RuleId + ": " + i.MessageEn)));
        Assert.All(raw.Issues, i => Assert.DoesNotContain("{reason", i.MessageZh, StringComparison.Ordinal));
    }

    [Fact]
    public void Read_HostileCorpus_IsLargeEnough() => Assert.True(Corpus.Count >= 40);

    [Fact]
    public void Read_NonSeekableStreamOverTheLimit_StopsCopyingAndReportsTooLarge()
    {
        var stream = new ForwardOnlyStream(new MemoryStream(Random(50_000, 9)));

        var raw = SubmissionFileReader.Read(stream, "report.xlsx", ReadLimits.Default with { MaxFileBytes = 10_000 });

        var issue = Assert.Single(raw.Issues);
        Assert.Equal(RuleCatalogue.TooLarge.Id, issue.RuleId);
        Assert.False(raw.IsReadable);
        Assert.True(stream.Consumed < 50_000);
    }

    [Theory]
    [InlineData("REPORT.XLSX")]
    [InlineData("2026-10/440103001/report.xlsx")]
    public void Read_ExtensionInAnyCaseOrPath_PicksTheXlsxReader(string fileName) =>
        Assert.Equal(SubmissionFormat.Xlsx, SubmissionFileReader.Read(new MemoryStream(Template()), fileName, ReadLimits.Default).Format);

    [Fact]
    public void Read_ArchiveLyingAboutItsSize_FailsTheChecksum()
    {
        var bytes = Declare(SubmissionFiles.Zip(("visits.csv", Csv(1_000))), 100);

        var issue = Assert.Single(SubmissionFiles.Read(bytes, "report.zip").Issues);

        Assert.Equal(RuleCatalogue.Unreadable.Id, issue.RuleId);
        Assert.Contains("checksum", issue.MessageEn, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_EncryptedWorkbook_SaysItMayBeLegacyXls()
    {
        var raw = SubmissionFiles.Read([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0], "report.xlsx");

        Assert.Contains(".xls", Assert.Single(raw.Issues).MessageEn, StringComparison.Ordinal);
    }

    private static byte[] Template() => SubmissionFiles.Xlsx(SubmissionFiles.Sample);

    private static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Text that does not compress well, so that only its length is hostile.</summary>
    private static string Letters(int length)
    {
        var random = new Random(10);
        return string.Create(length, random, (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = (char)('a' + r.Next(26));
            }
        });
    }

    private static byte[] Csv(int rows) =>
        Encoding.UTF8.GetBytes("village_code,resident_visits\n" + string.Concat(Enumerable.Range(0, rows).Select(r => $"4401030010{r:D6},{r % 97}\n")));

    private static byte[] ManyEntries(int count)
    {
        using var output = new MemoryStream();
        using (var archive = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            for (var i = 0; i < count; i++)
            {
                archive.CreateEntry($"f{i}.csv", CompressionLevel.NoCompression);
            }
        }

        return output.ToArray();
    }

    /// <summary>Rewrites every header's uncompressed size: a lying archive.</summary>
    private static byte[] Declare(byte[] zip, uint size)
    {
        var bytes = (byte[])zip.Clone();
        for (var i = 0; i + 46 < bytes.Length; i++)
        {
            if (bytes[i] == 0x50 && bytes[i + 1] == 0x4B && bytes[i + 2] == 0x03 && bytes[i + 3] == 0x04)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i + 22), size);
            }
            else if (bytes[i] == 0x50 && bytes[i + 1] == 0x4B && bytes[i + 2] == 0x01 && bytes[i + 3] == 0x02)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i + 24), size);
            }
        }

        return bytes;
    }

    /// <summary>Flips bytes in the middle of one entry's compressed data.</summary>
    private static byte[] CorruptEntry(byte[] zip, string entryName)
    {
        var bytes = (byte[])zip.Clone();
        var name = Encoding.UTF8.GetBytes(entryName);
        for (var i = 0; i + 30 < bytes.Length; i++)
        {
            if (bytes[i] == 0x50 && bytes[i + 1] == 0x4B && bytes[i + 2] == 0x03 && bytes[i + 3] == 0x04
                && bytes.AsSpan(i + 30).StartsWith(name))
            {
                var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(i + 26));
                var extraLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(i + 28));
                var compressed = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(i + 18));
                var start = i + 30 + nameLength + extraLength;
                for (var j = start + (compressed / 4); j < start + compressed - 2; j += 3)
                {
                    bytes[j] ^= 0x5A;
                }

                return bytes;
            }
        }

        throw new InvalidOperationException($"No entry {entryName}.");
    }

    private static byte[] RemoveEntry(byte[] zip, string entryName) => Rewrite(zip, entryName, null);

    private static byte[] ReplaceEntry(byte[] zip, string entryName, string content) => Rewrite(zip, entryName, Encoding.UTF8.GetBytes(content));

    private static byte[] Rewrite(byte[] zip, string entryName, byte[]? content)
    {
        using var source = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        var entries = new List<(string, byte[])>();
        foreach (var entry in source.Entries)
        {
            using var stream = entry.Open();
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            if (entry.FullName != entryName)
            {
                entries.Add((entry.FullName, buffer.ToArray()));
            }
            else if (content is not null)
            {
                entries.Add((entry.FullName, content));
            }
        }

        return SubmissionFiles.Zip([.. entries]);
    }

    /// <summary>A network-like stream: no Length, no seeking.</summary>
    private sealed class ForwardOnlyStream(Stream inner) : Stream
    {
        public long Consumed { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = inner.Read(buffer, offset, Math.Min(count, 4096));
            Consumed += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
