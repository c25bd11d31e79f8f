using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;
using ReportingPipeline.Core.Ports;

namespace ReportingPipeline.Storage.Portal;

/// <summary>
/// Upload addresses for the <c>submissions</c> container: a SAS on one blob with the Create permission only (a new
/// blob; no overwrite, no read, no other name), valid from a few minutes ago (clock skew) for the lifetime asked.
/// Signed with a user-delegation key when the client signs in with Entra ID (Azure: the app needs "Storage Blob
/// Delegator" and data access to the blob), with the account key when it has one (Azurite, a developer's account).
/// </summary>
public sealed class BlobUploadUrlIssuer(BlobServiceClient service, TimeProvider time) : IUploadUrlIssuer
{
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(5);

    // Two requests may fetch a key at once; either key is good, so no lock is needed.
    private volatile UserDelegationKey? _key;

    public Uri Endpoint => service.Uri;

    public async Task<UploadUrl> IssueAsync(string blobName, TimeSpan lifetime, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var expires = now + lifetime;
        var blob = service.GetBlobContainerClient(Containers.Submissions).GetBlobClient(blobName);
        var sas = new BlobSasBuilder(BlobSasPermissions.Create, expires)
        {
            BlobContainerName = Containers.Submissions,
            BlobName = blobName,
            Resource = "b",
            StartsOn = now - Skew,
            Protocol = service.Uri.Scheme == Uri.UriSchemeHttps ? SasProtocol.Https : SasProtocol.HttpsAndHttp,
        };
        if (blob.CanGenerateSasUri)
        {
            return new UploadUrl(blob.GenerateSasUri(sas), blobName, expires);
        }

        var key = await DelegationKeyAsync(expires, cancellationToken);
        var uri = new BlobUriBuilder(blob.Uri) { Sas = sas.ToSasQueryParameters(key, service.AccountName) }.ToUri();
        return new UploadUrl(uri, blobName, expires);
    }

    /// <summary>One delegation key serves many uploads (it is valid for up to seven days; here a day).</summary>
    private async Task<UserDelegationKey> DelegationKeyAsync(DateTimeOffset neededUntil, CancellationToken cancellationToken)
    {
        if (_key is { } key && key.SignedExpiresOn >= neededUntil)
        {
            return key;
        }

        var now = time.GetUtcNow();
        var fresh = (await service.GetUserDelegationKeyAsync(now - Skew, now + TimeSpan.FromDays(1), cancellationToken)).Value;
        _key = fresh;
        return fresh;
    }
}
