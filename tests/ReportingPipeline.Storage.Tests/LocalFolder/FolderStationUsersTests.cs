using ReportingPipeline.Core.Ports;
using ReportingPipeline.Storage.Portal;

namespace ReportingPipeline.Storage.Tests.LocalFolder;

public sealed class FolderStationUsersTests : StationUsersContract, IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("users-");

    protected override IStationUsers Users => new FolderStationUsers(Path.Combine(_root.FullName, FolderStationUsers.FileName));

    public void Dispose() => _root.Delete(recursive: true);
}
