using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using ReportingPipeline.Core.Ports;
using BlobItem = ReportingPipeline.Core.Ports.BlobItem;

namespace ReportingPipeline.Storage.Azure;

/// <summary>
/// The blob store on Azure Blob Storage (or Azurite). A container is created the first time the store touches
/// it. Every write is a single block-blob upload, which the service commits atomically; the version of a blob
/// is its ETag. The <c>marts</c> container may live in an account of its own (<paramref name="marts"/>): in Azure,
/// one with a hierarchical namespace for Power BI, apart from the flat-namespace account of the raw uploads.
/// </summary>
public sealed class AzureBlobStore(BlobServiceClient service, BlobServiceClient? marts = null) : IBlobStore
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

    public async Task<IAsyncDisposable?> TryAcquireLockAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        var blob = (await ContainerAsync(container, cancellationToken)).GetBlobClient(name);
        try
        {
            await blob.UploadAsync(BinaryData.Empty, overwrite: false, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // The lock blob exists already (possibly leased): only the lease says who holds the lock.
        }

        var lease = blob.GetBlobLeaseClient();
        try
        {
            await lease.AcquireAsync(BlobLease.LeaseDuration, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return null;
        }

        return new BlobLease(lease);
    }

    /// <summary>The ETag without its quotes: the service quotes it in properties but not in listings.</summary>
    private static string VersionOf(ETag etag) => etag.ToString().Trim('"');

    private async Task<BlobContainerClient> ContainerAsync(string container, CancellationToken cancellationToken)
    {
        var client = (container == Containers.Marts && marts is not null ? marts : service).GetBlobContainerClient(container);
        if (!_ensured.ContainsKey(container))
        {
            await client.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _ensured[container] = true;
        }

        return client;
    }
}

/// <summary>
/// A held blob lease, renewed in the background until disposed. If the process dies the lease lapses after
/// <see cref="LeaseDuration"/>, so a crashed worker blocks the others for at most that long: the shortest
/// lease the service grants, as the Functions host's own singleton locks use.
/// </summary>
internal sealed class BlobLease : IAsyncDisposable
{
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(15);

    private readonly BlobLeaseClient _lease;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewal;

    public BlobLease(BlobLeaseClient lease)
    {
        _lease = lease;
        _renewal = RenewAsync(_stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _renewal;
        }
        catch (OperationCanceledException)
        {
            // Stopping the renewal loop is how it ends.
        }

        try
        {
            await _lease.ReleaseAsync();
        }
        catch (RequestFailedException)
        {
            // Already lapsed or taken over: nothing is held any more either way.
        }

        _stop.Dispose();
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await Task.Delay(LeaseDuration / 3, cancellationToken);
            await _lease.RenewAsync(cancellationToken: cancellationToken);
        }
    }
}
