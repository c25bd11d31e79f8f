using System.IO.Compression;
using System.Text;
using System.Text.Json;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Synthetic;

namespace ReportingPipeline.Core.Tests.Synthetic;

public sealed class SubmissionJsonWriterTests
{
    [Fact]
    public void Write_ProducesTheContractsShape()
    {
        using var stream = new MemoryStream();
        SubmissionJsonWriter.Write(stream, WriterSamples.Submission);
        using var json = JsonDocument.Parse(stream.ToArray());
        var root = json.RootElement;

        Assert.Equal(["schema", "station", "visits", "services", "hotline", "funds"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("shuangbai-monthly/v1", root.GetProperty("schema").GetString());
        var station = root.GetProperty("station");
        Assert.Equal(SubmissionContract.Station.Fields.Select(f => f.Key), station.EnumerateObject().Select(p => p.Name));
        Assert.Equal("2022-06", station.GetProperty("period").GetString());
        Assert.Equal(40, station.GetProperty("social_workers").GetInt64());
        Assert.Equal(JsonValueKind.Null, station.GetProperty("volunteers").ValueKind);
        Assert.Equal(131.5m, station.GetProperty("volunteer_hours").GetDecimal());
        Assert.Equal("陈嘉欣", station.GetProperty("prepared_by").GetString());
        var visit = Assert.Single(root.GetProperty("visits").EnumerateArray());
        Assert.Equal("440103001001", visit.GetProperty("village_code").GetString());
        Assert.Equal(0, root.GetProperty("hotline").GetArrayLength());
        Assert.Equal(99999.5m, root.GetProperty("funds")[0].GetProperty("spent").GetDecimal());
        Assert.Contains("陈嘉欣", Encoding.UTF8.GetString(stream.ToArray()), StringComparison.Ordinal);
    }
}

public sealed class SubmissionCsvZipWriterTests
{
    [Fact]
    public void Write_Keys_OneCsvPerSectionWithKeyHeaders()
    {
        var entries = Entries(WriterSamples.Submission, new UTF8Encoding(false), CsvHeaderStyle.Keys);

        Assert.Equal(["station.csv", "visits.csv", "services.csv", "hotline.csv", "funds.csv"], entries.Keys);
        var station = Encoding.UTF8.GetString(entries["station.csv"]);
        Assert.StartsWith("field,value\nstation_code,440103001\nperiod,2022-06\nprepared_by,陈嘉欣\n", station, StringComparison.Ordinal);
        Assert.Contains("\nvolunteers,\n", station, StringComparison.Ordinal);
        Assert.Equal("village_code,target_group,cases,groups,activities,people_served\n440103001001,elderly,2,1,5,180\n", Encoding.UTF8.GetString(entries["services.csv"]));
        Assert.Equal(string.Join(',', SubmissionContract.Hotline.Fields.Select(f => f.Key)) + "\n", Encoding.UTF8.GetString(entries["hotline.csv"]));
    }

    [Fact]
    public void Write_Gb18030Labels_IsWhatChineseExcelWrites()
    {
        var entries = Entries(WriterSamples.Submission, SubmissionCsvZipWriter.Gb18030, CsvHeaderStyle.Labels);

        Assert.Throws<DecoderFallbackException>(() => new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(entries["services.csv"]));
        var services = SubmissionCsvZipWriter.Gb18030.GetString(entries["services.csv"]);
        Assert.Equal("村居代码,服务对象,个案数,小组数,社区活动场次,服务人次\n440103001001,老年人,2,1,5,180\n", services);
        Assert.StartsWith("项目,填报值\n社工站代码,440103001\n", SubmissionCsvZipWriter.Gb18030.GetString(entries["station.csv"]), StringComparison.Ordinal);
    }

    [Fact]
    public void Write_Utf8WithBom_StartsEachCsvWithTheBomAndTemplateHeaders()
    {
        var entries = Entries(WriterSamples.Submission, SubmissionCsvZipWriter.Utf8WithBom, CsvHeaderStyle.Template);

        Assert.All(entries.Values, bytes => Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]));
        Assert.StartsWith("村居代码 (village_code),走访居民人次 (resident_visits)", Encoding.UTF8.GetString(entries["visits.csv"][3..]), StringComparison.Ordinal);
    }

    [Fact]
    public void Write_SameSubmission_SameBytes()
    {
        using var one = new MemoryStream();
        using var two = new MemoryStream();
        SubmissionCsvZipWriter.Write(one, WriterSamples.Submission, SubmissionCsvZipWriter.Gb18030, CsvHeaderStyle.Labels);
        SubmissionCsvZipWriter.Write(two, WriterSamples.Submission, SubmissionCsvZipWriter.Gb18030, CsvHeaderStyle.Labels);

        Assert.Equal(one.ToArray(), two.ToArray());
    }

    [Fact]
    public void SectionCsv_TextWithCommaOrQuote_IsQuoted()
    {
        var submission = WriterSamples.Submission with { Station = WriterSamples.Submission.Station with { PreparedBy = "陈, \"小\"欣" } };

        Assert.Contains("prepared_by,\"陈, \"\"小\"\"欣\"\n", SubmissionCsvZipWriter.SectionCsv(submission, SubmissionContract.Station, CsvHeaderStyle.Keys), StringComparison.Ordinal);
    }

    private static Dictionary<string, byte[]> Entries(Submission submission, Encoding encoding, CsvHeaderStyle headers)
    {
        using var stream = new MemoryStream();
        SubmissionCsvZipWriter.Write(stream, submission, encoding, headers);
        stream.Position = 0;
        using var zip = new ZipArchive(stream, ZipArchiveMode.Read);
        return zip.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var entry = e.Open();
            using var copy = new MemoryStream();
            entry.CopyTo(copy);
            return copy.ToArray();
        });
    }
}

internal static class WriterSamples
{
    public static readonly Submission Submission = new(
        new StationSheet("440103001", new Period(2022, 6), "陈嘉欣", 40, 30, null, 131.5m),
        [new VisitRecord("440103001001", 50, 20, 1, null)],
        [new ServiceRecord("440103001001", "elderly", 2, 1, 5, 180)],
        [],
        [new FundRecord("province", 120000m, 99999.50m, 0m)]);
}
