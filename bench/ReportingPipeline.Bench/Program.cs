using System.Globalization;
using ReportingPipeline.Bench;

// `bench [--quick] [--scales guangdong,national] [--work DIR] [--out FILE] [--micro] [--skip-intake] [--reuse-duckdb] [--instance-memory-mb 2048] [--history-months 60] [--freshness-uploads 2000]`: runs every
// scenario in a child process and writes one table; `bench child NAME --key value ...`: one scenario (used by the former);
// `bench micro`: the BenchmarkDotNet micro-benchmarks alone.
if (args.Length > 0 && args[0] == "child")
{
    var options = new Dictionary<string, string>(StringComparer.Ordinal);
    for (var i = 2; i < args.Length; i++)
    {
        var key = args[i].TrimStart('-');
        options[key] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
    }

    var measurement = await Scenarios.RunAsync(args[1], options);
    Console.WriteLine(measurement.ToLine());
    return 0;
}

if (args.Length > 1 && args[0] == "sql")
{
    // For looking into Parquet files while optimising: `bench sql "SELECT ... FROM parquet_metadata('...')"`.
    await using var connection = new DuckDB.NET.Data.DuckDBConnection("DataSource=:memory:");
    await connection.OpenAsync();
    await using var command = connection.CreateCommand();
    command.CommandText = args[1];
    await using var reader = await command.ExecuteReaderAsync();
    while (await reader.ReadAsync())
    {
        Console.WriteLine(string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))));
    }

    return 0;
}

if (args.Length > 0 && args[0] == "micro")
{
    foreach (var row in ReadBenchmarks.Run(quick: args.Contains("--quick")))
    {
        Console.WriteLine($"{row.Name}: {row.Value}");
    }

    return 0;
}

var settings = BenchSettings.Parse(args);
var report = await BenchRun.RunAsync(settings);
Console.WriteLine(report);
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(settings.Output))!);
await File.WriteAllTextAsync(settings.Output, BenchRun.Merge(File.Exists(settings.Output) ? await File.ReadAllTextAsync(settings.Output) : null, report));
Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Wrote {settings.Output}"));
return 0;
