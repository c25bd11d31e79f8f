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

    protected override ISubmissionLedger Ledger => _ledger ??= new TableSubmissionLedger(azurite.TableService().GetTableClient(_tableName));

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
    public async Task GetAsync_StationCodeWithSlash_IsRefused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Ledger.GetAsync(new Period(2024, 3), "ST/001"));
    }
}
