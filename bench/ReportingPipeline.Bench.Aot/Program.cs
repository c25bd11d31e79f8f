using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using ReportingPipeline.Bench;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Marts;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Hosting.LocalFolder;
using ReportingPipeline.Storage.LocalFolder;

// `aot STORE MONTHS PERIOD|full [PART_STATIONS]`: the bench's cold correction (`bench child resubmit`: one station's month corrected,
// untimed, then the reference loaded and the marts rebuilt, timed) or its full build (marts emptied, then timed), in
// whatever form this program was published: ahead of time (Native AOT) or ReadyToRun, to compare the two side by side;
// PART_STATIONS builds each month's files in parts of at least that many stations (the pipeline's default otherwise).
if (args.Length is not (3 or 4))
{
    Console.Error.WriteLine("usage: ReportingPipeline.Bench.Aot STORE MONTHS PERIOD|full [PART_STATIONS]");
    return 2;
}

var storeRoot = args[0];
var months = int.Parse(args[1], CultureInfo.InvariantCulture);
var full = args[2] == "full";
var partStations = args.Length == 4 ? int.Parse(args[3], CultureInfo.InvariantCulture) : MartParts.DefaultMinStations;
var period = full ? Correction.FirstPeriod.Add(months - 1) : Period.Parse(args[2]);
var store = new LocalFolderBlobStore(storeRoot);
var ledger = new FolderLedger(Path.Combine(storeRoot, LocalPipeline.LedgerFolder));
if (full)
{
    Directory.Delete(Path.Combine(storeRoot, Containers.Marts), recursive: true);
}
else
{
    await Correction.CorrectAsync(store, ledger, period, months);
}

var cpu = Process.GetCurrentProcess().TotalProcessorTime;
var clock = Stopwatch.StartNew();
var result = await Correction.BuildMartsAsync(store, storeRoot, months, NullLogger<MartBuilder>.Instance, partStations);
var wall = clock.Elapsed.TotalSeconds;
if (!result.PeriodsRebuilt.Contains(period))
{
    Console.Error.WriteLine($"{period} was not rebuilt.");
    return 1;
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{(full ? "full build" : $"correction of {period}")}: {wall:0.000} s (cpu {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:0.000} s), {result.PeriodsRebuilt.Count} months rebuilt, {result.FilesWritten.Count} files written; {(System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported ? "JIT or ReadyToRun" : "Native AOT")}"));
return 0;
