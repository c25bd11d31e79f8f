using System.Text;
using ReportingPipeline.Core.Ports;

namespace ReportingPipeline.Storage.Tests;

/// <summary>
/// What every <see cref="IBlobStore"/> must do, whatever it stores blobs in. Each test works under its own name
/// prefix, so backends that share an account across tests do not see each other's blobs.
/// </summary>
public abstract class BlobStoreContract
{
    protected string Prefix { get; } = "t" + Guid.NewGuid().ToString("N")[..12] + "/";

    protected abstract IBlobStore Store { get; }

    [Fact]
    public async Task WriteAsync_NewBlob_ReadsBackSameBytesAndSize()
    {
        var name = Prefix + "2024-03/ST001/report.json";
        await Store.WriteAsync(Containers.Reports, name, Text("{\"a\":\"水位\"}"), "application/json");

        var item = await Store.GetItemAsync(Containers.Reports, name);
        Assert.NotNull(item);
        Assert.Equal(Containers.Reports, item.Container);
        Assert.Equal(name, item.Name);
        Assert.Equal(Encoding.UTF8.GetByteCount("{\"a\":\"水位\"}"), item.Size);
        Assert.Equal("{\"a\":\"水位\"}", await ReadAsync(Containers.Reports, name));
    }

    [Fact]
    public async Task GetItemAsync_MissingBlob_ReturnsNull()
    {
        Assert.Null(await Store.GetItemAsync(Containers.Marts, Prefix + "missing.parquet"));
        Assert.Null(await Store.OpenReadAsync(Containers.Marts, Prefix + "missing.parquet"));
    }

    [Fact]
    public async Task WriteAsync_ExistingBlob_ReplacesContentAndChangesVersion()
    {
        var name = Prefix + "_manifest.json";
        await Store.WriteAsync(Containers.Marts, name, Text("first"), "application/json");
        var first = await Store.GetItemAsync(Containers.Marts, name);

        await Store.WriteAsync(Containers.Marts, name, Text("second, longer"), "application/json");
        var second = await Store.GetItemAsync(Containers.Marts, name);

        Assert.Equal("second, longer", await ReadAsync(Containers.Marts, name));
        Assert.NotEqual(first!.Version, second!.Version);
    }

    [Fact]
    public async Task TryCreateAsync_NameTaken_ReturnsFalseAndKeepsOriginal()
    {
        var name = Prefix + "2024-03/ST001/abc.json";

        var created = await Store.TryCreateAsync(Containers.Staging, name, Text("original"), "application/json");
        var again = await Store.TryCreateAsync(Containers.Staging, name, Text("intruder"), "application/json");

        Assert.True(created);
        Assert.False(again);
        Assert.Equal("original", await ReadAsync(Containers.Staging, name));
    }

    [Fact]
    public async Task TryCreateAsync_ConcurrentCreators_ExactlyOneWins()
    {
        var name = Prefix + "race.json";

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(() => Store.TryCreateAsync(Containers.Staging, name, Text("writer " + i), "application/json"))));

        Assert.Single(results, r => r);
        var winner = Array.IndexOf(results, true);
        Assert.Equal("writer " + winner, await ReadAsync(Containers.Staging, name));
    }

    [Fact]
    public async Task TryAcquireLockAsync_Held_SecondHolderIsRefusedUntilReleased()
    {
        var name = Prefix + "locks/build";

        var first = await Store.TryAcquireLockAsync(Containers.Staging, name);
        var second = await Store.TryAcquireLockAsync(Containers.Staging, name);
        Assert.NotNull(first);
        Assert.Null(second);

        await first.DisposeAsync();
        var third = await Store.TryAcquireLockAsync(Containers.Staging, name);
        Assert.NotNull(third);
        await third.DisposeAsync();
    }

    [Fact]
    public async Task TryAcquireLockAsync_ConcurrentTakers_ExactlyOneHolds()
    {
        var name = Prefix + "locks/race";

        var handles = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Store.TryAcquireLockAsync(Containers.Staging, name))));

        Assert.Single(handles, h => h is not null);
        foreach (var handle in handles.OfType<IAsyncDisposable>())
        {
            await handle.DisposeAsync();
        }
    }

    [Fact]
    public async Task ListAsync_Prefix_ReturnsOnlyMatchingBlobsInNameOrder()
    {
        foreach (var name in new[] { "2024-02/ST002/b.xlsx", "2024-02/ST001/z.json", "2024-01/ST001/a.xlsx", "2024-02/ST001/a.xlsx", "2024-02/ST001/a.xlsx.bak" })
        {
            await Store.WriteAsync(Containers.Reports, Prefix + name, Text(name), "application/octet-stream");
        }

        var month = await Store.ListAsync(Containers.Reports, Prefix + "2024-02/").Select(i => i.Name[Prefix.Length..]).ToListAsync();
        var all = await Store.ListAsync(Containers.Reports, Prefix).Select(i => i.Name[Prefix.Length..]).ToListAsync();

        Assert.Equal(["2024-02/ST001/a.xlsx", "2024-02/ST001/a.xlsx.bak", "2024-02/ST001/z.json", "2024-02/ST002/b.xlsx"], month);
        Assert.Equal(5, all.Count);
        Assert.Equal("2024-01/ST001/a.xlsx", all[0]);
    }

    [Theory]
    [InlineData("2024-02/ST001/", "2024-02/ST001/a.xlsx 2024-02/ST001/a.xlsx.bak 2024-02/ST001/z.json")]
    [InlineData("2024-02/ST00", "2024-02/ST001/a.xlsx 2024-02/ST001/a.xlsx.bak 2024-02/ST001/z.json 2024-02/ST002/b.xlsx")]
    [InlineData("2024-02/ST001/a.xlsx", "2024-02/ST001/a.xlsx 2024-02/ST001/a.xlsx.bak")]
    [InlineData("2024-02/ST009/", "")]
    [InlineData("2024-03/", "")]
    public async Task ListAsync_PrefixWithinAFolder_MatchesByNameNotByFolder(string prefix, string expected)
    {
        foreach (var name in new[] { "2024-02/ST002/b.xlsx", "2024-02/ST001/z.json", "2024-01/ST001/a.xlsx", "2024-02/ST001/a.xlsx", "2024-02/ST001/a.xlsx.bak" })
        {
            await Store.WriteAsync(Containers.Reports, Prefix + name, Text(name), "application/octet-stream");
        }

        var listed = await Store.ListAsync(Containers.Reports, Prefix + prefix).Select(i => i.Name[Prefix.Length..]).ToListAsync();

        Assert.Equal(expected.Split(' ', StringSplitOptions.RemoveEmptyEntries), listed);
    }

    [Fact]
    public async Task ListAsync_Items_CarrySizeAndVersionOfGetItem()
    {
        var name = Prefix + "sized.bin";
        await Store.WriteAsync(Containers.Reports, name, new MemoryStream(new byte[1234]), "application/octet-stream");

        var listed = Assert.Single(await Store.ListAsync(Containers.Reports, Prefix).ToListAsync());
        var item = await Store.GetItemAsync(Containers.Reports, name);

        Assert.Equal(1234, listed.Size);
        Assert.Equal(item!.Version, listed.Version);
        Assert.Equal(item.CreatedOn, listed.CreatedOn);
    }

    [Fact]
    public async Task GetItemAsync_NewBlob_CreatedOnIsUploadTime()
    {
        // Storage clocks (file system, Azurite) round to whole seconds or less: allow that much either side.
        var before = DateTimeOffset.UtcNow.AddSeconds(-2);
        await Store.WriteAsync(Containers.Submissions, Prefix + "2024-03/ST001/upload.json", Text("{}"), "application/json");
        var after = DateTimeOffset.UtcNow.AddSeconds(2);

        var item = await Store.GetItemAsync(Containers.Submissions, Prefix + "2024-03/ST001/upload.json");

        Assert.InRange(item!.CreatedOn, before, after);
    }

    [Fact]
    public async Task DeleteAsync_ExistingBlob_RemovesItAndMissingBlobIsNoError()
    {
        var name = Prefix + "old.parquet";
        await Store.WriteAsync(Containers.Marts, name, Text("x"), "application/octet-stream");

        await Store.DeleteAsync(Containers.Marts, name);
        await Store.DeleteAsync(Containers.Marts, name);

        Assert.Null(await Store.GetItemAsync(Containers.Marts, name));
    }

    [Fact]
    public async Task DeleteAsync_Submission_IsRefusedAndBlobStays()
    {
        var name = Prefix + "2024-03/ST001/upload.json";
        await Store.WriteAsync(Containers.Submissions, name, Text("{}"), "application/json");

        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.DeleteAsync(Containers.Submissions, name));

        Assert.NotNull(await Store.GetItemAsync(Containers.Submissions, name));
    }

    protected static MemoryStream Text(string text) => new(Encoding.UTF8.GetBytes(text));

    protected async Task<string> ReadAsync(string container, string name)
    {
        await using var stream = await Store.OpenReadAsync(container, name) ?? throw new InvalidOperationException($"{container}/{name} is missing.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }
}
