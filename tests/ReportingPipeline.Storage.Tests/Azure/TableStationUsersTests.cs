using Azure.Core;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Storage.Portal;
using ReportingPipeline.Testing;

namespace ReportingPipeline.Storage.Tests.Azure;

[Collection(AzuriteFixture.Collection)]
public sealed class TableStationUsersTests(AzuriteFixture azurite) : StationUsersContract
{
    private readonly string _table = "StationUsers" + Guid.NewGuid().ToString("N")[..10];

    protected override IStationUsers Users => new TableStationUsers(azurite.TableService().GetTableClient(_table));

    [Fact]
    public void Factory_TableEndpointWithACredential_IsTheUsersTableWithoutUploads()
    {
        var credential = DelegatedTokenCredential.Create((_, _) => new AccessToken("token", DateTimeOffset.MaxValue));
        var portal = PortalStorageFactory.Create(
            new StorageOptions { TableServiceUri = new Uri("https://stdata.table.core.windows.net") }, TimeProvider.System, credential);

        Assert.IsType<TableStationUsers>(portal.Users);
        Assert.Null(portal.Uploads);
        Assert.Throws<InvalidOperationException>(() => PortalStorageFactory.Create(
            new StorageOptions { TableServiceUri = new Uri("https://stdata.table.core.windows.net") }, TimeProvider.System));
    }
}
