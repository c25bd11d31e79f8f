using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using ReportingPipeline.Core.Ports;

namespace ReportingPipeline.Storage.Portal;

/// <summary>What the station portal needs of storage beyond the pipeline's: its users and upload addresses.</summary>
public sealed record PortalStorage(IStationUsers Users, IUploadUrlIssuer? Uploads);

/// <summary>The portal's storage, chosen by the same <see cref="StorageOptions"/> as the pipeline's.</summary>
public static class PortalStorageFactory
{
    public static PortalStorage Create(StorageOptions options, TimeProvider time, TokenCredential? credential = null)
    {
        if (!string.IsNullOrWhiteSpace(options.LocalFolderRoot))
        {
            // A folder has no upload address a browser could use; its users still serve `pipeline users`.
            return new PortalStorage(new FolderStationUsers(Path.Combine(Path.GetFullPath(options.LocalFolderRoot), FolderStationUsers.FileName)), null);
        }

        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return new PortalStorage(
                new TableStationUsers(new TableServiceClient(options.ConnectionString, StorageFactory.WithRetries(new TableClientOptions())).GetTableClient(options.StationUsersTable)),
                new BlobUploadUrlIssuer(new BlobServiceClient(options.ConnectionString, StorageFactory.WithRetries(new BlobClientOptions())), time));
        }

        if (options.TableServiceUri is null || credential is null)
        {
            throw new InvalidOperationException($"The station portal needs {StorageOptions.SectionName}:ConnectionString, or {StorageOptions.SectionName}:BlobServiceUri and TableServiceUri with a credential.");
        }

        // The table alone (no BlobServiceUri) is `pipeline users` on a deployed account: users, no upload addresses.
        return new PortalStorage(
            new TableStationUsers(new TableServiceClient(options.TableServiceUri, credential, StorageFactory.WithRetries(new TableClientOptions())).GetTableClient(options.StationUsersTable)),
            options.BlobServiceUri is null ? null : new BlobUploadUrlIssuer(new BlobServiceClient(options.BlobServiceUri, credential, StorageFactory.WithRetries(new BlobClientOptions())), time));
    }
}
