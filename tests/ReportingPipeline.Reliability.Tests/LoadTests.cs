using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Testing;

namespace ReportingPipeline.Reliability.Tests;

/// <summary>
/// Issue 7, item 3: 2,000 uploads arriving together on Azurite, each delivered as an event to a pool of workers (as
/// Event Grid feeds the Functions app), all processed; latency percentiles printed for docs/reliability.md, never asserted.
/// </summary>
[Collection(AzuriteFixture.Collection)]
[Trait("Category", "reliability")]
public sealed class LoadTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const int Uploads = 2_000;
    private const int Workers = 4;

    [Fact]
    public async Task Ingest_TwoThousandUploadsArrivingTogether_AllProcessed()
    {
        await azurite.ResetAsync();
        var rig = new AzureRig(azurite);
        var programme = Programme.Sample;
        await rig.WriteReferenceAsync(programme);
        var plan = Period.Range(new Period(2025, 9), new Period(2026, 4))
            .SelectMany(p => programme.Reference.StationsOpenIn(p).Select(s => (Station: s.StationCode, Period: p, Variant: 0)))
            .Take(Uploads).ToList();
        // Corrections fill up to the count: a second version for some station-months.
        plan.AddRange(plan.Take(Uploads - plan.Count).Select(p => p with { Variant = 1 }).ToList());
        var contents = plan.Select(p => (Name: Programme.BlobName(p.Station, p.Period, p.Variant == 0 ? "月报.json" : "更正.json"), Bytes: programme.Json(p.Station, p.Period, p.Variant))).ToList();

        var events = Channel.CreateUnbounded<(string Name, long UploadedAt)>();
        var latencies = new ConcurrentBag<double>();
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, Workers).Select(w => Task.Run(async () =>
        {
            var ingestor = AzureRig.Ingestor(rig.Connect(), $"worker-{w}");
            await foreach (var (name, uploadedAt) in events.Reader.ReadAllAsync())
            {
                await ingestor.IngestAsync(name);
                latencies.Add(Stopwatch.GetElapsedTime(uploadedAt).TotalMilliseconds);
            }
        })).ToList();

        // Four stations' systems uploading at once; each finished upload raises its event.
        var next = -1;
        var uploaders = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var store = rig.Connect().Blobs;
            for (var i = Interlocked.Increment(ref next); i < contents.Count; i = Interlocked.Increment(ref next))
            {
                await AzureRig.UploadAsync(store, contents[i].Name, contents[i].Bytes);
                await events.Writer.WriteAsync((contents[i].Name, Stopwatch.GetTimestamp()));
            }
        })).ToList();
        await Task.WhenAll(uploaders);
        var arrival = clock.Elapsed;
        events.Writer.Complete();
        await Task.WhenAll(workers);
        var processed = clock.Elapsed;

        var marts = Stopwatch.StartNew();
        await AzureRig.Handlers(rig.Connect(), "marts").BuildMartsAsync();
        var martTime = marts.Elapsed;
        var ledger = await PipelineInvariants.CheckLedgerAsync(rig, [.. contents.Select(c => c.Name)]);
        Assert.Equal(Uploads, ledger.Sum(e => e.Uploads.Count));
        Assert.All(ledger.SelectMany(e => e.Uploads), u => Assert.True(PipelineInvariants.IsAccepted(u), $"{u.BlobName} was {u.Status}"));
        await PipelineInvariants.CheckMartsAsync(rig, programme.Reference, ledger);

        var sorted = latencies.Order().ToList();
        double Percentile(double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
        output.WriteLine($"{Uploads} uploads arrived in {arrival.TotalSeconds:0.0} s and were all processed {processed.TotalSeconds:0.0} s after the first "
            + $"by {Workers} workers ({Uploads / processed.TotalSeconds:0} per second); upload-to-report latency p50 {Percentile(0.5):0} ms, "
            + $"p90 {Percentile(0.9):0} ms, p99 {Percentile(0.99):0} ms, max {sorted[^1]:0} ms; mart build over {ledger.Count} station-months {martTime.TotalSeconds:0.0} s");
    }
}
