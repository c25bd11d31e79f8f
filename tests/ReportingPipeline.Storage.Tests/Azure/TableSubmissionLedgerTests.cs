using Azure.Data.Tables;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Storage.Azure;
using ReportingPipeline.Testing;

namespace ReportingPipeline.Storage.Tests.Azure;

[Collection(AzuriteFixture.Collection)]
public sealed class TableSubmissionLedgerTests(AzuriteFixture azurite) : SubmissionLedgerContract
{
    // A table per test: the contract expects an empty ledger.
    private readonly string _tableName = "Ledger" + Guid.NewGuid().ToString("N");
    private TableSubmissionLedger? _ledger;

    protected override ISubmissionLedger Ledger => _ledger ??= new TableSubmissionLedger(azurite.TableService(), _tableName);

    private TableClient Changes => azurite.TableService().GetTableClient(TableSubmissionLedger.ChangesTableOf(_tableName));

    [Fact]
    public async Task ListChangesAsync_Since_ReadsTheChangesTableNotTheLedger()
    {
        var start = await StartAsync(Ledger);
        Assert.True(await Ledger.TryAddAsync(Entry(new Period(2024, 3), "ST001", uploads: 1)));
        Assert.True(await Ledger.TryAddAsync(Entry(new Period(2024, 3), "ST002", uploads: 1)));

        // The first entry's change row lost (as if its writer had stopped between the entry and the row).
        var row = Assert.Single(Changes.Query<TableEntity>(e => e.RowKey == "2024-03_ST001"));
        await Changes.DeleteEntityAsync(row.PartitionKey, row.RowKey);

        Assert.Equal(["2024-03/ST002"], Keys(await Ledger.ListChangesAsync(start).ToListAsync()));
        Assert.Equal(["2024-03/ST001", "2024-03/ST002"], Keys(await Ledger.ListChangesAsync().ToListAsync()));

        await Ledger.MarkChangedAsync(new Period(2024, 3), "ST001");
        Assert.Equal(["2024-03/ST001", "2024-03/ST002"], Keys(await Ledger.ListChangesAsync(start).ToListAsync()));
    }

    [Fact]
    public async Task ListChangesAsync_EveryEntry_GivesTheTimesTheChangesTableGives()
    {
        var start = await StartAsync(Ledger);
        Assert.True(await Ledger.TryAddAsync(Entry(new Period(2024, 3), "ST001", uploads: 1)));
        var etag = (await Ledger.GetAsync(new Period(2024, 3), "ST001"))!.ETag;
        Assert.True(await Ledger.TryReplaceAsync(Entry(new Period(2024, 3), "ST001", uploads: 2), etag));
        Assert.True(await Ledger.TryAddAsync(Entry(new Period(2024, 4), "ST002", uploads: 1)));

        // A full listing and the next build's listing of the changes give each write the same time: the build after
        // a full one knows the writes it saw (the change row's, a moment after the entry's own Timestamp).
        var everything = await Ledger.ListChangesAsync().ToListAsync();
        var listed = await Ledger.ListChangesAsync(start).ToListAsync();

        Assert.Equal(everything.OrderBy(c => c.StationCode), listed.OrderBy(c => c.StationCode));
        var entryTime = (await azurite.TableService().GetTableClient(_tableName).GetEntityAsync<TableEntity>("2024-03", "ST001")).Value.Timestamp;
        Assert.True(everything.Single(c => c.StationCode == "ST001").ChangedAt >= entryTime);
    }

    [Fact]
    public async Task ListChangesAsync_LedgerWrittenBeforeItsChangesTable_ReadsTheLedgerForTheGrace()
    {
        // A version that kept no change rows (its rows go elsewhere) wrote the first entry.
        var service = azurite.TableService();
        var old = new TableSubmissionLedger(service.GetTableClient(_tableName), service.GetTableClient(_tableName + "Elsewhere"));
        var start = await StartAsync(old);
        Assert.True(await old.TryAddAsync(Entry(new Period(2024, 3), "ST001", uploads: 1)));

        var current = new TableSubmissionLedger(service, _tableName);
        Assert.True(await current.TryAddAsync(Entry(new Period(2024, 3), "ST002", uploads: 1)));

        Assert.Equal(["2024-03/ST001", "2024-03/ST002"], Keys(await current.ListChangesAsync(start).ToListAsync()));
        var coveredFrom = Changes.GetEntity<TableEntity>("coverage", "coverage").Value.GetDateTimeOffset("covered_from")!.Value;
        Assert.InRange(coveredFrom - DateTimeOffset.UtcNow, current.OldWritersGrace - TimeSpan.FromMinutes(1), current.OldWritersGrace);
    }

    [Fact]
    public async Task ForgetChangesBeforeAsync_DropsTheRowsOfEarlierMinutesAndMovesTheCoverage()
    {
        var service = azurite.TableService();
        var threeHoursAgo = new TableSubmissionLedger(service, _tableName, new ShiftedTime(TimeSpan.FromHours(-3)));
        Assert.True(await threeHoursAgo.TryAddAsync(Entry(new Period(2024, 3), "ST001", uploads: 1)));
        var now = new TableSubmissionLedger(service, _tableName);
        Assert.True(await now.TryAddAsync(Entry(new Period(2024, 3), "ST002", uploads: 1)));
        var before = DateTimeOffset.UtcNow.AddHours(-1);

        await now.ForgetChangesBeforeAsync(before);

        var rows = Changes.Query<TableEntity>(e => e.PartitionKey != "coverage").Select(e => e.RowKey).ToList();
        Assert.Equal(["2024-03_ST002"], rows);
        var coveredFrom = Changes.GetEntity<TableEntity>("coverage", "coverage").Value.GetDateTimeOffset("covered_from")!.Value;
        Assert.InRange(coveredFrom - before, TimeSpan.FromMilliseconds(-1), TimeSpan.FromMilliseconds(1));
        // Listed since before the coverage: from the ledger, complete.
        Assert.Equal(["2024-03/ST001", "2024-03/ST002"], Keys(await now.ListChangesAsync(before.AddMinutes(-1)).ToListAsync()));
    }

    [Fact]
    public async Task TryAddAsync_Entry_WritesReadableColumnsForPeople()
    {
        Assert.True(await Ledger.TryAddAsync(Entry(new Period(2024, 3), "ST001", uploads: 2)));

        var entity = (await azurite.TableService().GetTableClient(_tableName).GetEntityAsync<TableEntity>("2024-03", "ST001")).Value;

        Assert.Equal(2, entity.GetInt32("current_version"));
        Assert.Equal("accepted_with_warnings", entity.GetString("status"));
        Assert.Equal(2, entity.GetInt32("uploads"));
        Assert.Equal(1, entity.GetInt32("entry_parts"));
    }

    [Fact]
    public async Task ForgetChangesBeforeAsync_MoreRowsThanOneCallDrops_TheNextCallsDropTheRest()
    {
        var service = azurite.TableService();
        var earlier = new TableSubmissionLedger(service, _tableName, new ShiftedTime(TimeSpan.FromHours(-3)));
        foreach (var station in new[] { "ST001", "ST002", "ST003", "ST004", "ST005" })
        {
            Assert.True(await earlier.TryAddAsync(Entry(new Period(2024, 3), station, uploads: 1)));
        }

        var ledger = new TableSubmissionLedger(service, _tableName) { MaxForgottenAtOnce = 2 };
        var before = DateTimeOffset.UtcNow.AddHours(-1);
        int Left() => Changes.Query<TableEntity>(e => e.PartitionKey != "coverage").Count();

        await ledger.ForgetChangesBeforeAsync(before);
        Assert.Equal(3, Left());
        await ledger.ForgetChangesBeforeAsync(before);
        Assert.Equal(1, Left());
        await ledger.ForgetChangesBeforeAsync(before);
        Assert.Equal(0, Left());
        Assert.Equal(5, (await ledger.ListChangesAsync(before.AddMinutes(-1)).ToListAsync()).Count);
    }

    [Fact]
    public async Task GetAsync_StationCodeWithSlash_IsRefused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Ledger.GetAsync(new Period(2024, 3), "ST/001"));
    }

    /// <summary>The tables made and the coverage begun by the ledger's first call; a time after that to list from.</summary>
    private static async Task<DateTimeOffset> StartAsync(ISubmissionLedger ledger)
    {
        Assert.Null(await ledger.GetAsync(new Period(2024, 3), "ST000"));
        await Task.Delay(100);
        return DateTimeOffset.UtcNow;
    }

    /// <summary>A writer whose clock is off by a fixed amount.</summary>
    private sealed class ShiftedTime(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
    }
}
