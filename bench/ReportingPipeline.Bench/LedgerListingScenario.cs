using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Storage;
using ReportingPipeline.Storage.Azure;
using ReportingPipeline.Testing;

namespace ReportingPipeline.Bench;

/// <summary>
/// <c>child ledger-listing [--entries 20000,100000,400000] [--changes 20] [--repeats 5]</c>: what an incremental
/// build's change listing costs on Azurite as the ledger grows, read from the changes table
/// (<see cref="TableSubmissionLedger.ListChangesAsync"/> since a time it covers) beside the query it ran before
/// (and still runs for a time the changes table does not cover): <c>Timestamp ge</c> on the ledger itself, which
/// the service answers by reading every entry. The ledger is filled through the adapter, in steps, by a writer whose
/// clock is two days behind (so that its change rows are two days old, as those of the months before a build are),
/// and the rows the builds would have dropped by then are dropped as a build drops them
/// (<see cref="TableSubmissionLedger.ForgetChangesBeforeAsync"/>, a day before the listing, moved on by its hourly
/// step at each size, since the sizes are minutes apart, not hours); then <c>--changes</c> entries are written again now, and both listings since just
/// before them are timed, alternated, <c>--repeats</c> times. Entries are a station-month's as intake writes them
/// (one upload). Azurite answers every query by reading the whole table (its LokiJS collections are filtered in
/// JavaScript), so here the changes table costs what it holds, about a day of changes; Table Storage seeks to the
/// partitions of the range.
/// </summary>
internal static class LedgerListingScenario
{
    private const string Table = "ListingLedger";

    public static async Task<Measurement> RunAsync(IReadOnlyDictionary<string, string> options)
    {
        var sizes = options.GetValueOrDefault("entries", "20000,100000,400000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
        var changes = int.Parse(options.GetValueOrDefault("changes", "20"), CultureInfo.InvariantCulture);
        var repeats = int.Parse(options.GetValueOrDefault("repeats", "5"), CultureInfo.InvariantCulture);
        var azurite = new AzuriteFixture();
        var figures = new Dictionary<string, double>(StringComparer.Ordinal);
        var timed = new Timed();
        try
        {
            await azurite.InitializeAsync();
            var service = new TableServiceClient(azurite.ConnectionString, StorageFactory.WithRetries(new TableClientOptions()));
            var earlier = new TableSubmissionLedger(service, Table, new ShiftedTime(TimeSpan.FromDays(-2)));
            var now = new TableSubmissionLedger(service, Table);
            var ledgerTable = service.GetTableClient(Table);
            Console.Error.WriteLine("| entries in the ledger | written in, their change rows dropped in | listing from the changes table: median (min-max) | rows | Timestamp scan of the ledger: median (min-max) | rows | load |");
            Console.Error.WriteLine("|---|---|---|---|---|---|---|");
            var written = 0;
            foreach (var size in sizes)
            {
                var filling = Stopwatch.StartNew();
                await Parallel.ForEachAsync(Enumerable.Range(written, size - written), new ParallelOptions { MaxDegreeOfParallelism = 16 },
                    async (i, ct) => await earlier.TryAddAsync(EntryOf(i), ct));
                filling.Stop();
                var forgetting = Stopwatch.StartNew();
                var before = DateTimeOffset.UtcNow.AddDays(-1) + sizes.IndexOf(size) * TableSubmissionLedger.ForgetStep;
                for (var call = 0; call <= (size - written) / now.MaxForgottenAtOnce; call++)
                {
                    await now.ForgetChangesBeforeAsync(before); // as the builds of an hour do, a bounded share each
                }

                forgetting.Stop();
                written = size;
                written = size;

                await Task.Delay(1_100);
                var since = DateTimeOffset.UtcNow.AddSeconds(-1);
                await Task.Delay(1_100);
                for (var i = 0; i < changes; i++)
                {
                    var key = EntryOf(i * (size / changes));
                    var current = await now.GetAsync(key.Period, key.StationCode) ?? throw new InvalidOperationException("An entry written is gone.");
                    if (!await now.TryReplaceAsync(current.Entry with { UpdatedAt = DateTimeOffset.UtcNow }, current.ETag))
                    {
                        throw new InvalidOperationException("Nothing else writes the ledger.");
                    }
                }

                var fromChanges = new List<double>();
                var scanned = new List<double>();
                int changeRows = 0, scanRows = 0;
                for (var r = 0; r < repeats; r++)
                {
                    var clock = Stopwatch.StartNew();
                    changeRows = await now.ListChangesAsync(since).CountAsync();
                    fromChanges.Add(clock.Elapsed.TotalSeconds);

                    clock.Restart();
                    scanRows = await ledgerTable.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"Timestamp ge {since.ToUniversalTime()}"),
                        select: ["PartitionKey", "RowKey", "Timestamp"]).CountAsync();
                    scanned.Add(clock.Elapsed.TotalSeconds);
                }

                if (changeRows != changes || scanRows != changes)
                {
                    throw new InvalidOperationException($"{changes} entries written again: the changes table listed {changeRows}, the scan {scanRows}.");
                }

                var load = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {size:N0} | {filling.Elapsed.TotalSeconds:F1} s, {forgetting.Elapsed.TotalSeconds:F1} s | {Median(fromChanges) * 1000:F1} ms ({fromChanges.Min() * 1000:F1}-{fromChanges.Max() * 1000:F1}) | {changeRows} | {Median(scanned) * 1000:F1} ms ({scanned.Min() * 1000:F1}-{scanned.Max() * 1000:F1}) | {scanRows} | {load} |"));
                figures[$"changes_table_s_{size}"] = Median(fromChanges);
                figures[$"timestamp_scan_s_{size}"] = Median(scanned);
                figures[$"filled_s_{size}"] = filling.Elapsed.TotalSeconds;
                figures[$"forgot_s_{size}"] = forgetting.Elapsed.TotalSeconds;
            }

            return timed.Stop("ledger-listing", figures);
        }
        finally
        {
            await azurite.DisposeAsync();
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>The i-th station-month: 38,000 stations a month, from January 2025 on.</summary>
    private static LedgerEntry EntryOf(int i)
    {
        var period = new Period(2025, 1).Add(i / 38_000);
        var station = "44" + (i % 38_000).ToString("D7", CultureInfo.InvariantCulture);
        var at = new DateTimeOffset(period.Year, period.Month, 28, 9, 0, 0, TimeSpan.FromHours(8));
        var upload = new UploadRecord($"{period}/{station}/月报.json", new string('a', 64), 48_213, at, at.AddSeconds(3),
            SubmissionStatus.Accepted, 1, true, 0, 0, "bench/1");
        return new LedgerEntry(period, station, 1, [upload], at.AddSeconds(3));
    }

    private sealed class ShiftedTime(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
    }
}
