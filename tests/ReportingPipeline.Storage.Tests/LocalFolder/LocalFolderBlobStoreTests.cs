using ReportingPipeline.Core.Ports;
using ReportingPipeline.Storage.LocalFolder;

namespace ReportingPipeline.Storage.Tests.LocalFolder;

public sealed class LocalFolderBlobStoreTests : BlobStoreContract, IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("blobs-");
    private readonly LocalFolderBlobStore _store;

    public LocalFolderBlobStoreTests() => _store = new LocalFolderBlobStore(_root.FullName);

    protected override IBlobStore Store => _store;

    [Theory]
    [InlineData("../outside.txt")]
    [InlineData("2024-03/../../outside.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("2024-03\\..\\outside.txt")]
    [InlineData("2024-03/.hidden")]
    [InlineData("2024-03//double.txt")]
    public async Task WriteAsync_NameEscapingRoot_IsRefusedAndNothingWritten(string name)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.WriteAsync(Containers.Submissions, name, Text("x"), "text/plain"));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.GetItemAsync(Containers.Submissions, name));

        Assert.Empty(Directory.EnumerateFiles(_root.Parent!.FullName, "outside.txt"));
        Assert.Empty(await Store.ListAsync(Containers.Submissions).ToListAsync());
    }

    public void Dispose() => _root.Delete(recursive: true);
}
