using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Storage.LocalFolder;

namespace ReportingPipeline.Storage.Tests.LocalFolder;

public sealed class FolderLedgerTests : SubmissionLedgerContract, IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("ledger-");
    private readonly FolderLedger _ledger;

    public FolderLedgerTests() => _ledger = new FolderLedger(_root.FullName);

    protected override ISubmissionLedger Ledger => _ledger;

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task ListChangesAsync_Since_LooksOnlyInMonthsWhoseFolderWasWrittenSince()
    {
        var march = new Period(2024, 3);
        var april = march.Next;
        Assert.True(await _ledger.TryAddAsync(Entry(march, "ST001", uploads: 1)));
        Assert.True(await _ledger.TryAddAsync(Entry(april, "ST001", uploads: 1)));
        var since = DateTimeOffset.UtcNow.AddHours(-1);

        // Every write renames a file into its month's folder, which sets the folder's write time: a folder older than
        // `since` is not looked in, even where a file in it was made to look newer by hand.
        Directory.SetLastWriteTimeUtc(Path.Combine(_root.FullName, march.ToString()), DateTime.UtcNow.AddDays(-1));
        var listed = await _ledger.ListChangesAsync(since).Select(c => $"{c.Period}/{c.StationCode}").ToListAsync();
        Assert.Equal(["2024-04/ST001"], listed);

        // A write into March makes its folder current again, and its changes are listed.
        var etag = (await _ledger.GetAsync(march, "ST001"))!.ETag;
        Assert.True(await _ledger.TryReplaceAsync(Entry(march, "ST001", uploads: 2), etag));
        listed = await _ledger.ListChangesAsync(since).Select(c => $"{c.Period}/{c.StationCode}").ToListAsync();
        Assert.Equal(["2024-03/ST001", "2024-04/ST001"], listed.Order(StringComparer.Ordinal));
    }
}
