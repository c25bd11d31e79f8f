using ReportingPipeline.Core.Ports;
using ReportingPipeline.Storage.Portal;
using ReportingPipeline.Testing;

namespace ReportingPipeline.Storage.Tests.Azure;

[Collection(AzuriteFixture.Collection)]
public sealed class TableStationUsersTests(AzuriteFixture azurite) : StationUsersContract
{
    private readonly string _table = "StationUsers" + Guid.NewGuid().ToString("N")[..10];

    protected override IStationUsers Users => new TableStationUsers(azurite.TableService().GetTableClient(_table));
}
