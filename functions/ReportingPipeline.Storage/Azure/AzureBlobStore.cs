using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ReportingPipeline.Core.Ports;
using BlobItem = ReportingPipeline.Core.Ports.BlobItem;

namespace ReportingPipeline.Storage.Azure;

/// <summary>
/// The blob store on Azure Blob Storage (or Azurite). A container is created the first time the store touches
/// it. Every write is a single block-blob upload, which the service commits atomically; the version of a blob
/// is its ETag.
/// </summary>
public sealed class AzureBlobStore(BlobServiceClient service) : IBlobStore
{
    // Containers known to exist in this process: creating them is idempotent, so a race only costs a call.
    private readonly ConcurrentDictionary<string, bool> _ensured = new(StringComparer.Ordinal);

    public async Task<BlobItem?> GetItemAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        var blob = (await ContainerAsync(container, cancellationToken)).GetBlobClient(name);
        try
        {
            BlobProperties properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken);
            return new BlobItem(container, name, properties.ContentLength, properties.CreatedOn, VersionOf(properties.ETag));
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public async Task<Stream?> OpenReadAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        var blob = (await ContainerAsync(container, cancellationToken)).GetBlobClient(name);
        try
        {
            // One streaming GET: the content is read once, front to back, and is a single consistent version.
            BlobDownloadStreamingResult download = await blob.DownloadStreamingAsync(cancellationToken: cancellationToken);
            return download.Content;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public async Task WriteAsync(string container, string name, Stream content, string contentType, CancellationToken cancellationToken = default)
    {
        var blob = (await ContainerAsync(container, cancellationToken)).GetBlobClient(name);
        await blob.UploadAsync(content, new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } }, cancellationToken);
    }

    public async Task<bool> TryCreateAsync(string container, string name, Stream content, string contentType, CancellationToken cancellationToken = default)
    {
        var blob = (await ContainerAsync(container, cancellationToken)).GetBlobClient(name);
        try
        {
            await blob.UploadAsync(content, new BlobUploadOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            }, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // 409 BlobAlreadyExists (or 412 on a committed block list): someone else created it first.
            return false;
        }
    }

    public async IAsyncEnumerable<BlobItem> ListAsync(string container, string prefix = "", [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var client = await ContainerAsync(container, cancellationToken);
        // The service lists in name order already.
        var options = new GetBlobsOptions { Prefix = string.IsNullOrEmpty(prefix) ? null : prefix };
        await foreach (var blob in client.GetBlobsAsync(options, cancellationToken))
        {
            var properties = blob.Properties;
            yield return new BlobItem(container, blob.Name, properties.ContentLength ?? 0,
                properties.CreatedOn ?? properties.LastModified ?? DateTimeOffset.MinValue, properties.ETag is { } etag ? VersionOf(etag) : string.Empty);
        }
    }

    public async Task DeleteAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        if (container == Containers.Submissions)
        {
            throw new InvalidOperationException("The pipeline never deletes a raw submission.");
        }

        var blob = (await ContainerAsync(container, cancellationToken)).GetBlobClient(name);
        await blob.DeleteIfExistsAsync(cancellationToken: cancellationToken);
    }

    /// <summary>The ETag without its quotes: the service quotes it in properties but not in listings.</summary>
    private static string VersionOf(ETag etag) => etag.ToString().Trim('"');

    private async Task<BlobContainerClient> ContainerAsync(string container, CancellationToken cancellationToken)
    {
        var client = service.GetBlobContainerClient(container);
        if (!_ensured.ContainsKey(container))
        {
            await client.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _ensured[container] = true;
        }

        return client;
    }
}
