using System.Globalization;
using System.Text.Json;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Ports;

namespace ReportingPipeline.Storage.Tests;

/// <summary>What every <see cref="ISubmissionLedger"/> must do. Each test gets an empty ledger.</summary>
public abstract class SubmissionLedgerContract
{
    private static readonly Period March = new(2024, 3);
    private static readonly DateTimeOffset Noon = new(2024, 4, 2, 12, 0, 0, TimeSpan.Zero);

    protected abstract ISubmissionLedger Ledger { get; }

    [Fact]
    public async Task GetAsync_NoEntry_ReturnsNull()
    {
        Assert.Null(await Ledger.GetAsync(March, "ST001"));
    }

    [Fact]
    public async Task TryAddAsync_NewEntry_RoundTripsEveryField()
    {
        var entry = Entry(March, "ST001", uploads: 2);

        Assert.True(await Ledger.TryAddAsync(entry));
        var read = await Ledger.GetAsync(March, "ST001");

        Assert.NotNull(read);
        Assert.False(string.IsNullOrEmpty(read.ETag));
        AssertSame(entry, read.Entry);
        Assert.Equal(JsonSerializer.Serialize(entry.Uploads[^1], PipelineJson.Compact), JsonSerializer.Serialize(read.Entry.Current, PipelineJson.Compact));
        Assert.Equal(2 * 100 + 2, read.Entry.Current!.CountTotals!["visits.resident_visits"]);
    }

    [Fact]
    public async Task TryAddAsync_EntryExists_ReturnsFalseAndKeepsFirst()
    {
        var first = Entry(March, "ST001", uploads: 1);
        Assert.True(await Ledger.TryAddAsync(first));

        var added = await Ledger.TryAddAsync(Entry(March, "ST001", uploads: 3));

        Assert.False(added);
        AssertSame(first, (await Ledger.GetAsync(March, "ST001"))!.Entry);
    }

    [Fact]
    public async Task TryReplaceAsync_CurrentETag_ReplacesAndChangesETag()
    {
        Assert.True(await Ledger.TryAddAsync(Entry(March, "ST001", uploads: 1)));
        var read = await Ledger.GetAsync(March, "ST001");
        var next = Entry(March, "ST001", uploads: 2);

        var replaced = await Ledger.TryReplaceAsync(next, read!.ETag);
        var after = await Ledger.GetAsync(March, "ST001");

        Assert.True(replaced);
        AssertSame(next, after!.Entry);
        Assert.NotEqual(read.ETag, after.ETag);
    }

    [Fact]
    public async Task TryReplaceAsync_StaleETag_ReturnsFalseAndKeepsNewer()
    {
        Assert.True(await Ledger.TryAddAsync(Entry(March, "ST001", uploads: 1)));
        var stale = (await Ledger.GetAsync(March, "ST001"))!.ETag;
        var newer = Entry(March, "ST001", uploads: 2);
        Assert.True(await Ledger.TryReplaceAsync(newer, stale));

        var replaced = await Ledger.TryReplaceAsync(Entry(March, "ST001", uploads: 3), stale);

        Assert.False(replaced);
        AssertSame(newer, (await Ledger.GetAsync(March, "ST001"))!.Entry);
    }

    [Fact]
    public async Task TryReplaceAsync_NoEntry_ReturnsFalse()
    {
        Assert.True(await Ledger.TryAddAsync(Entry(March, "ST001", uploads: 1)));
        var etag = (await Ledger.GetAsync(March, "ST001"))!.ETag;

        var replaced = await Ledger.TryReplaceAsync(Entry(March, "ST002", uploads: 1), etag);

        Assert.False(replaced);
        Assert.Null(await Ledger.GetAsync(March, "ST002"));
    }

    [Fact]
    public async Task TryReplaceAsync_EightWritersSameETag_ExactlyOneWins()
    {
        Assert.True(await Ledger.TryAddAsync(Entry(March, "ST001", uploads: 1)));
        var etag = (await Ledger.GetAsync(March, "ST001"))!.ETag;
        var candidates = Enumerable.Range(0, 8).Select(i => Entry(March, "ST001", uploads: 2, processedBy: "worker-" + i.ToString(CultureInfo.InvariantCulture))).ToArray();
        using var start = new ManualResetEventSlim();

        var writers = candidates.Select(c => Task.Run(async () =>
        {
            start.Wait();
            return await Ledger.TryReplaceAsync(c, etag);
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(writers);

        Assert.Single(results, r => r);
        AssertSame(candidates[Array.IndexOf(results, true)], (await Ledger.GetAsync(March, "ST001"))!.Entry);
    }

    [Fact]
    public async Task ListAsync_ByPeriodAndAll_ReturnsEntriesInPeriodThenStationOrder()
    {
        var april = March.Next;
        foreach (var (period, station) in new[] { (april, "ST001"), (March, "ST002"), (March, "ST001") })
        {
            Assert.True(await Ledger.TryAddAsync(Entry(period, station, uploads: 1)));
        }

        var inMarch = await Ledger.ListAsync(March).Select(e => e.StationCode).ToListAsync();
        var all = await Ledger.ListAsync().Select(e => $"{e.Period}/{e.StationCode}").ToListAsync();

        Assert.Equal(["ST001", "ST002"], inMarch);
        Assert.Equal(["2024-03/ST001", "2024-03/ST002", "2024-04/ST001"], all);
    }

    [Fact]
    public async Task ListChangesAsync_Since_ReturnsOnlyEntriesWrittenSinceWithTheirWriteTimes()
    {
        var start = await StartAsync();
        var april = March.Next;
        foreach (var (period, station) in new[] { (april, "ST001"), (March, "ST002"), (March, "ST001") })
        {
            Assert.True(await Ledger.TryAddAsync(Entry(period, station, uploads: 1)));
        }

        var everything = await Ledger.ListChangesAsync().ToListAsync();
        var first = await Ledger.ListChangesAsync(start).ToListAsync();
        // The latest change time the listing gave: a build's watermark.
        var watermark = first.Max(c => c.ChangedAt);
        await Task.Delay(50);
        var etag = (await Ledger.GetAsync(March, "ST002"))!.ETag;
        var corrected = Entry(March, "ST002", uploads: 2);
        Assert.True(await Ledger.TryReplaceAsync(corrected, etag));
        Assert.True(await Ledger.TryAddAsync(Entry(april, "ST003", uploads: 1)));

        var changed = await Ledger.ListChangesAsync(watermark.AddMilliseconds(1)).ToListAsync();

        Assert.Equal(["2024-03/ST001", "2024-03/ST002", "2024-04/ST001"], Keys(everything));
        Assert.Equal(["2024-03/ST001", "2024-03/ST002", "2024-04/ST001"], Keys(first));
        Assert.Equal(["2024-03/ST002", "2024-04/ST003"], Keys(changed));
        Assert.All(changed, c => Assert.True(c.ChangedAt > watermark));
    }

    [Fact]
    public async Task MarkChangedAsync_RecordedEntry_ListedAgainUnchanged()
    {
        var start = await StartAsync();
        Assert.True(await Ledger.TryAddAsync(Entry(March, "ST001", uploads: 1)));
        Assert.True(await Ledger.TryAddAsync(Entry(March, "ST002", uploads: 1)));
        var watermark = (await Ledger.ListChangesAsync(start).ToListAsync()).Max(c => c.ChangedAt);
        var before = await Ledger.GetAsync(March, "ST002");
        await Task.Delay(50);

        await Ledger.MarkChangedAsync(March, "ST002");
        var changed = await Ledger.ListChangesAsync(watermark.AddMilliseconds(1)).ToListAsync();

        Assert.Equal(["2024-03/ST002"], Keys(changed));
        AssertSame(before!.Entry, (await Ledger.GetAsync(March, "ST002"))!.Entry);
    }

    [Fact]
    public async Task ForgetChangesBeforeAsync_LaterThanAListing_ThatListingStillComplete()
    {
        var start = await StartAsync();
        Assert.True(await Ledger.TryAddAsync(Entry(March, "ST001", uploads: 1)));
        Assert.True(await Ledger.TryAddAsync(Entry(March.Next, "ST002", uploads: 1)));

        // A store may drop its record of changes before this; a listing since an earlier time must not miss any.
        await Ledger.ForgetChangesBeforeAsync(DateTimeOffset.UtcNow.AddHours(2));

        Assert.Equal(["2024-03/ST001", "2024-04/ST002"], Keys(await Ledger.ListChangesAsync(start).ToListAsync()));
    }

    /// <summary>
    /// A time to list changes from, before the test's writes: the store is first used (its tables made), then a
    /// little more than a second passes, so that a file written later has a later write time by any clock's step.
    /// </summary>
    private async Task<DateTimeOffset> StartAsync()
    {
        Assert.Null(await Ledger.GetAsync(March, "ST000"));
        await Task.Delay(1_100);
        return DateTimeOffset.UtcNow.AddSeconds(-1);
    }

    protected static string[] Keys(IEnumerable<LedgerChange> changes) =>
        [.. changes.Select(c => $"{c.Period}/{c.StationCode}").Order(StringComparer.Ordinal)];

    [Fact]
    public async Task TryReplaceAsync_EntryLargerThanOneTableProperty_RoundTrips()
    {
        // Table Storage holds at most 64 KiB in one property: an entry with a long audit trail must span several.
        Assert.True(await Ledger.TryAddAsync(Entry(March, "ST001", uploads: 1)));
        var etag = (await Ledger.GetAsync(March, "ST001"))!.ETag;
        var large = Entry(March, "ST001", uploads: 400);
        Assert.True(JsonSerializer.Serialize(large, PipelineJson.Compact).Length > 64 * 1024);

        Assert.True(await Ledger.TryReplaceAsync(large, etag));

        AssertSame(large, (await Ledger.GetAsync(March, "ST001"))!.Entry);
        AssertSame(large, Assert.Single(await Ledger.ListAsync(March).ToListAsync()));
    }

    /// <summary>
    /// An entry whose every upload is accepted, each a new version with what it reported in sum; the blob names carry
    /// Chinese to test encoding.
    /// </summary>
    protected static LedgerEntry Entry(Period period, string station, int uploads, string processedBy = "test-host/1")
    {
        var records = Enumerable.Range(1, uploads).Select(v => new UploadRecord(
            BlobName: $"{period}/{station}/月报-{v:D4}-{new string('x', 60)}.xlsx",
            Sha256: Convert.ToHexString(BitConverter.GetBytes(v)).PadLeft(64, '0'),
            Bytes: 1000 + v,
            ReceivedAt: Noon.AddMinutes(v),
            ProcessedAt: Noon.AddMinutes(v).AddSeconds(3),
            Status: v % 2 == 0 ? SubmissionStatus.AcceptedWithWarnings : SubmissionStatus.Accepted,
            Version: v,
            OnTime: v < 3,
            Errors: 0,
            Warnings: v % 2,
            ProcessedBy: processedBy,
            CountTotals: new Dictionary<string, long> { ["visits.resident_visits"] = 100 * v + v, ["hotline.calls"] = 0 })).ToList();
        return new LedgerEntry(period, station, uploads, records, Noon.AddMinutes(uploads));
    }

    private static void AssertSame(LedgerEntry expected, LedgerEntry actual) =>
        Assert.Equal(JsonSerializer.Serialize(expected, PipelineJson.Compact), JsonSerializer.Serialize(actual, PipelineJson.Compact));
}
