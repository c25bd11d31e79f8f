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
}
