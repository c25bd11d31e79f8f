using Azure.Storage.Blobs;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Storage.Azure;
using ReportingPipeline.Testing;

namespace ReportingPipeline.Storage.Tests.Azure;

[Collection(AzuriteFixture.Collection)]
public sealed class AzureBlobStoreTests(AzuriteFixture azurite) : BlobStoreContract
{
    private readonly AzureBlobStore _store = new(azurite.BlobService());

    protected override IBlobStore Store => _store;

    [Fact]
    public async Task WriteAsync_MissingContainer_CreatesIt()
    {
        var container = "fresh" + Prefix.TrimEnd('/');
        await Store.WriteAsync(container, "a.txt", Text("a"), "text/plain");

        Assert.True(await azurite.BlobService().GetBlobContainerClient(container).ExistsAsync());
    }

    [Fact]
    public async Task WriteAsync_ContentType_IsStoredOnBlob()
    {
        await Store.WriteAsync(Containers.Reports, Prefix + "r.html", Text("<p>"), "text/html; charset=utf-8");

        var properties = await azurite.BlobService().GetBlobContainerClient(Containers.Reports).GetBlobClient(Prefix + "r.html").GetPropertiesAsync();

        Assert.Equal("text/html; charset=utf-8", properties.Value.ContentType);
    }

    [Fact]
    public async Task WriteAsync_MartsAccountGiven_MartsGoThereAndEverythingElseToTheDataAccount()
    {
        // As in Azure: marts in an account of their own (hierarchical namespace for Power BI), raw data apart.
        var martsAccount = new BlobServiceClient(azurite.MartsConnectionString);
        var store = new AzureBlobStore(azurite.BlobService(), martsAccount);

        await store.WriteAsync(Containers.Marts, Prefix + "dim_region.parquet", Text("m"), "application/octet-stream");
        await store.WriteAsync(Containers.Staging, Prefix + "s.json", Text("s"), "application/json");

        Assert.True(await martsAccount.GetBlobContainerClient(Containers.Marts).GetBlobClient(Prefix + "dim_region.parquet").ExistsAsync());
        Assert.False(await azurite.BlobService().GetBlobContainerClient(Containers.Marts).GetBlobClient(Prefix + "dim_region.parquet").ExistsAsync());
        Assert.True(await azurite.BlobService().GetBlobContainerClient(Containers.Staging).GetBlobClient(Prefix + "s.json").ExistsAsync());
        Assert.False(await martsAccount.GetBlobContainerClient(Containers.Staging).ExistsAsync());
        Assert.Equal([Prefix + "dim_region.parquet"], await store.ListAsync(Containers.Marts, Prefix).Select(i => i.Name).ToListAsync());
    }
}
