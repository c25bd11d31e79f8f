using ReportingPipeline.Synthetic;

namespace ReportingPipeline.Bench;

/// <param name="IntakeScale">Scale of the one-month dataset the intake is measured on (all three formats).</param>
/// <param name="FreshnessUploads">Uploads in the freshness burst (province scales only; 0 for none).</param>
/// <param name="HistoryMonths">Months of the long-history build whose peak memory is compared with the one-year build's (province scales only; 0 for none).</param>
/// <param name="BuildScales">Scales of the staged 12-month datasets the mart builds are measured on.</param>
internal sealed record BenchSettings(bool Quick, string Work, string Output, Scale IntakeScale, IReadOnlyList<Scale> BuildScales, int Months, bool Micro, bool SkipIntake, bool KeepData, bool ReuseDuckDb, int InstanceMemoryMb, int HistoryMonths, int FreshnessUploads)
{
    public static BenchSettings Parse(string[] args)
    {
        string? Value(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        var quick = args.Contains("--quick");
        var scales = Value("--scales")?.Split(',').Select(s => Enum.Parse<Scale>(s, ignoreCase: true)).ToList()
            ?? (quick ? [Scale.Sample] : [Scale.Guangdong, Scale.National]);
        return new BenchSettings(
            quick,
            Path.GetFullPath(Value("--work") ?? Path.Combine(Path.GetTempPath(), "rp-bench")),
            Value("--out") ?? (quick ? Path.Combine(Path.GetTempPath(), "rp-bench-quick.md") : Path.Combine("docs", "benchmarks.md")),
            Value("--intake-scale") is { } s ? Enum.Parse<Scale>(s, ignoreCase: true) : quick ? Scale.Sample : Scale.Guangdong,
            scales,
            int.Parse(Value("--months") ?? (quick ? "3" : "12"), System.Globalization.CultureInfo.InvariantCulture),
            args.Contains("--micro"),
            args.Contains("--skip-intake"),
            args.Contains("--keep-data") || !quick,
            args.Contains("--reuse-duckdb"),
            int.Parse(Value("--instance-memory-mb") ?? "2048", System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(Value("--history-months") ?? (quick ? "0" : "60"), System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(Value("--freshness-uploads") ?? (quick ? "200" : "2000"), System.Globalization.CultureInfo.InvariantCulture));
    }
}
