using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Storage.Azure;
using ReportingPipeline.Storage.LocalFolder;

namespace ReportingPipeline.Storage;

/// <summary>The blob store and ledger a host works on.</summary>
public sealed record PipelineStorage(IBlobStore Blobs, ISubmissionLedger Ledger, string Description);

/// <summary>
/// The one switch every host uses to choose its storage: a local folder, Azure Storage by connection string,
/// or Azure Storage by service URIs and <c>DefaultAzureCredential</c>.
/// </summary>
public static class StorageFactory
{
    /// <summary>The ledger's folder under <see cref="StorageOptions.LocalFolderRoot"/>.</summary>
    public const string LocalLedgerFolder = "ledger";

    public static PipelineStorage Create(StorageOptions options, TokenCredential? credential = null)
    {
        var local = !string.IsNullOrWhiteSpace(options.LocalFolderRoot);
        var connection = !string.IsNullOrWhiteSpace(options.ConnectionString);
        var identity = options.BlobServiceUri is not null || options.TableServiceUri is not null || options.MartsBlobServiceUri is not null;
        var chosen = (local ? 1 : 0) + (connection ? 1 : 0) + (identity ? 1 : 0);
        if (chosen != 1)
        {
            throw new InvalidOperationException(
                $"Configure exactly one storage: {StorageOptions.SectionName}:LocalFolderRoot, {StorageOptions.SectionName}:ConnectionString, "
                + $"or {StorageOptions.SectionName}:BlobServiceUri with {StorageOptions.SectionName}:TableServiceUri ({(chosen == 0 ? "none" : "several")} given).");
        }

        if (local)
        {
            var root = Path.GetFullPath(options.LocalFolderRoot!);
            return new PipelineStorage(new LocalFolderBlobStore(root), new FolderLedger(Path.Combine(root, LocalLedgerFolder)), $"folder {root}");
        }

        if (connection)
        {
            var blobs = new BlobServiceClient(options.ConnectionString, WithRetries(new BlobClientOptions()));
            var tables = new TableServiceClient(options.ConnectionString, WithRetries(new TableClientOptions()));
            return Create(blobs, tables, options.LedgerTable, $"storage account {blobs.AccountName} (connection string, {blobs.Uri})");
        }

        if (options.BlobServiceUri is null || options.TableServiceUri is null)
        {
            throw new InvalidOperationException($"{StorageOptions.SectionName}:BlobServiceUri and {StorageOptions.SectionName}:TableServiceUri go together.");
        }

        // One credential per process (the hosts register it once, AddAzureCredential): never a second one made here.
        if (credential is null)
        {
            throw new ArgumentNullException(nameof(credential), $"{StorageOptions.SectionName}:BlobServiceUri signs in with the host's TokenCredential: pass it.");
        }

        var marts = options.MartsBlobServiceUri is { } martsUri ? new BlobServiceClient(martsUri, credential, WithRetries(new BlobClientOptions())) : null;
        return Create(
            new BlobServiceClient(options.BlobServiceUri, credential, WithRetries(new BlobClientOptions())),
            new TableServiceClient(options.TableServiceUri, credential, WithRetries(new TableClientOptions())),
            options.LedgerTable,
            $"storage {options.BlobServiceUri} and {options.TableServiceUri}{(marts is null ? "" : $", marts in {marts.Uri}")} (Entra ID)",
            marts);
    }

    public static PipelineStorage Create(BlobServiceClient blobs, TableServiceClient tables, string ledgerTable, string description, BlobServiceClient? marts = null) =>
        new(new AzureBlobStore(blobs, marts), new TableSubmissionLedger(tables, ledgerTable), description);

    /// <summary>
    /// Stated explicitly rather than inherited from the SDK's defaults: exponential back-off, five retries, so
    /// a throttled or briefly unreachable account delays a handler instead of failing it.
    /// </summary>
    public static T WithRetries<T>(T options)
        where T : global::Azure.Core.ClientOptions
    {
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = 5;
        options.Retry.Delay = TimeSpan.FromSeconds(0.8);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(30);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(100);
        return options;
    }
}
