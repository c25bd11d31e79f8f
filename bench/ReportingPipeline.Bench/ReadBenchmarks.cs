using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Intake;
using ReportingPipeline.Core.Reading;
using ReportingPipeline.Core.Templates;
using ReportingPipeline.Synthetic;

namespace ReportingPipeline.Bench;

/// <summary>Micro-benchmarks: reading one station's file in each format, and parsing one staged submission.</summary>
[MemoryDiagnoser]
public class ReadBenchmarks
{
    private byte[] _xlsx = [];
    private byte[] _json = [];
    private byte[] _zip = [];
    private byte[] _staged = [];

    [GlobalSetup]
    public void Setup()
    {
        var reference = SyntheticReference.Generate(Scale.Sample, Scenarios.Seed).Load();
        var station = reference.Stations[0];
        var submission = new SyntheticSubmissions(reference, Scenarios.Seed).CleanSubmission(station, Correction.FirstPeriod);
        using (var xlsx = new MemoryStream())
        {
            SubmissionWorkbookWriter.WriteSubmission(xlsx, submission);
            _xlsx = xlsx.ToArray();
        }

        using (var json = new MemoryStream())
        {
            SubmissionJsonWriter.Write(json, submission);
            _json = json.ToArray();
        }

        using (var zip = new MemoryStream())
        {
            SubmissionCsvZipWriter.Write(zip, submission, SubmissionCsvZipWriter.Utf8WithBom, CsvHeaderStyle.Labels);
            _zip = zip.ToArray();
        }

        _staged = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(
            new StagedSubmission("b", "s", Core.Ports.SubmissionStatus.Accepted, 1, DateTimeOffset.UnixEpoch, true, submission, []), PipelineJson.Compact);
    }

    [Benchmark]
    public RawSubmission ReadXlsx() => SubmissionFileReader.Read(new MemoryStream(_xlsx, false), "f.xlsx", ReadLimits.Default);

    [Benchmark]
    public RawSubmission ReadJson() => SubmissionFileReader.Read(new MemoryStream(_json, false), "f.json", ReadLimits.Default);

    [Benchmark]
    public RawSubmission ReadZip() => SubmissionFileReader.Read(new MemoryStream(_zip, false), "f.zip", ReadLimits.Default);

    [Benchmark]
    public StagedSubmission? ParseStaged() => System.Text.Json.JsonSerializer.Deserialize<StagedSubmission>(_staged, PipelineJson.Options);

    /// <summary>Runs the benchmarks in this process (no generated project to build) and returns one line per benchmark.</summary>
    internal static IReadOnlyList<(string Name, string Value)> Run(bool quick)
    {
        var job = (quick ? Job.Dry : Job.ShortRun).WithToolchain(InProcessEmitToolchain.Instance);
        var config = ManualConfig.CreateMinimumViable().AddJob(job).AddLogger(NullLogger.Instance)
            .WithOptions(ConfigOptions.DisableOptimizationsValidator | ConfigOptions.DisableLogFile);
        var summary = BenchmarkRunner.Run<ReadBenchmarks>(config);
        var bench = new ReadBenchmarks();
        bench.Setup();
        var sizes = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["ReadXlsx"] = bench._xlsx.Length, ["ReadJson"] = bench._json.Length, ["ReadZip"] = bench._zip.Length, ["ParseStaged"] = bench._staged.Length,
        };
        return [.. summary.Reports.Where(r => r.ResultStatistics is not null).Select(r =>
        {
            var name = r.BenchmarkCase.Descriptor.WorkloadMethod.Name;
            var allocated = r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase) ?? 0;
            return (name, string.Create(CultureInfo.InvariantCulture,
                $"{r.ResultStatistics!.Median / 1000:0.0} µs ({sizes[name] / 1024.0:0.0} KB file, {allocated / 1024.0:0} KB allocated)"));
        })];
    }
}
