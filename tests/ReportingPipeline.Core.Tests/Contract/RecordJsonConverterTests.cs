using System.Text.Json;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Intake;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Core.Validation;

namespace ReportingPipeline.Core.Tests.Contract;

/// <summary>
/// The staged files' section records are read and written by <see cref="RecordJsonConverter{TRecord}"/>: files
/// written before it (by System.Text.Json's own converter) must read the same, and the files it writes must be
/// byte for byte what System.Text.Json wrote, since a staged file's content is what the ledger and the marts
/// refer to.
/// </summary>
public sealed class RecordJsonConverterTests
{
    private static readonly Submission Sample = new(
        new StationSheet("440103001", new Period(2022, 6), "陈嘉欣 <b>&\"'", 40, 30, null, 131.5m),
        [new VisitRecord("440103001001", 50, 20, 1, null), new VisitRecord("440103001002", 0, 0, 0, 0)],
        [new ServiceRecord("440103001001", "elderly", 2, 1, 5, 180), new ServiceRecord("440103001002", "children", null, 0, long.MaxValue, 3)],
        [new HotlineRecord("HL-01", 31, 412, 398, 377, 120, 88, 140, null)],
        [new FundRecord("province", 120000m, 99999.50m, 0m), new FundRecord("village_collective", null, 0.10m, 12.5m)]);

    private static readonly StagedSubmission Staged = new(
        "2022-06/440103001/440103001_2022-06_v2.xlsx", new string('a', 64), SubmissionStatus.AcceptedWithWarnings, 2,
        new DateTimeOffset(2022, 7, 4, 9, 30, 0, TimeSpan.FromHours(8)), true, Sample,
        [new ValidationIssue("outlier_jump", Severity.Warning, "plausibility", "visits", "resident_visits", new SourceLocation("visits", 3, "B"), "412",
            "较上月增加 300%", "Up 300 % on last month", "请核对", "Please check")]);

    /// <summary>The pipeline's options as they were before the converter: System.Text.Json's own converters for the records.</summary>
    private static JsonSerializerOptions Without(JsonSerializerOptions options)
    {
        var plain = new JsonSerializerOptions(options);
        var ours = plain.Converters.Where(c => c.GetType().IsGenericType && c.GetType().GetGenericTypeDefinition() == typeof(RecordJsonConverter<>)).ToList();
        Assert.Equal(SubmissionContract.Sections.Count, ours.Count);
        foreach (var converter in ours)
        {
            plain.Converters.Remove(converter);
        }

        return plain;
    }

    [Fact]
    public void Serialize_StagedSubmission_IsByteForByteWhatSystemTextJsonWrites()
    {
        foreach (var options in new[] { PipelineJson.Compact, PipelineJson.Options })
        {
            var ours = JsonSerializer.SerializeToUtf8Bytes(Staged, options);
            var theirs = JsonSerializer.SerializeToUtf8Bytes(Staged, Without(options));

            Assert.Equal(System.Text.Encoding.UTF8.GetString(theirs), System.Text.Encoding.UTF8.GetString(ours));
        }
    }

    [Fact]
    public void Deserialize_AFileSystemTextJsonWrote_GivesBackEveryRecord()
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(Staged, Without(PipelineJson.Compact));

        var read = JsonSerializer.Deserialize<StagedSubmission>(json, PipelineJson.Options)!;

        Assert.Equal(Staged.Submission!.Station, read.Submission!.Station);
        Assert.Equal(Staged.Submission.Visits, read.Submission.Visits);
        Assert.Equal(Staged.Submission.Services, read.Submission.Services);
        Assert.Equal(Staged.Submission.Hotline, read.Submission.Hotline);
        Assert.Equal(Staged.Submission.Funds, read.Submission.Funds);
        Assert.Equal(0.10m.Scale, read.Submission.Funds[1].Spent!.Value.Scale);
        Assert.Equal(Staged.Issues, read.Issues);
        Assert.Equal(Staged with { Submission = null, Issues = [] }, read with { Submission = null, Issues = [] });
    }

    [Fact]
    public void Deserialize_PropertiesInAnyOrderUnknownOrMissing_ReadAsSystemTextJsonReadsThem()
    {
        const string json = """{"client_visits":7,"note":{"a":[1,2]},"village_code":"440103001003","resident_visits":null,"case_files":2}""";

        var ours = JsonSerializer.Deserialize<VisitRecord>(json, PipelineJson.Options);
        var theirs = JsonSerializer.Deserialize<VisitRecord>(json, Without(PipelineJson.Options));

        Assert.Equal(new VisitRecord("440103001003", null, 7, 2, null), ours);
        Assert.Equal(theirs, ours);
    }

    [Fact]
    public void Deserialize_AnEnumeratedField_GivesTheDeclaredKeyAndKeepsAnUndeclaredValueAsWritten()
    {
        const string json = """[{"village_code":"440103001001","target_group":"elderly"},{"village_code":"440103001001","target_group":"Elderly"}]""";

        var rows = JsonSerializer.Deserialize<ServiceRecord[]>(json, PipelineJson.Options)!;

        Assert.Same(SubmissionContract.TargetGroups.Values.Single(v => v.Key == "elderly").Key, rows[0].TargetGroup);
        Assert.Equal("Elderly", rows[1].TargetGroup);
    }

    [Theory]
    [InlineData("""{"village_code":"440103001003","resident_visits":"12"}""")]
    [InlineData("""{"village_code":"440103001003","resident_visits":1.5}""")]
    [InlineData("""{"village_code":440103001003}""")]
    [InlineData("""["440103001003"]""")]
    public void Deserialize_AValueOfTheWrongKind_FailsAsJson(string json)
    {
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<VisitRecord>(json, Without(PipelineJson.Options)));
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<VisitRecord>(json, PipelineJson.Options));
    }
}
