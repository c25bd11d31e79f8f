using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace ReportingPipeline.Storage.Portal;

/// <summary>
/// The blob service's CORS rule that lets the portal's page upload straight to storage: PUT (and its preflight) from
/// the portal's origin only. In Azure the Bicep sets it; on Azurite <c>pipeline host --portal</c> adds it.
/// </summary>
public static class BlobCors
{
    public static readonly IReadOnlyList<string> AllowedHeaders = ["x-ms-blob-type", "x-ms-version", "x-ms-client-request-id", "content-type", "content-length"];

    /// <summary>Adds the rule for <paramref name="origin"/> unless the service has one already; other rules stay.</summary>
    public static async Task AllowUploadsFromAsync(BlobServiceClient service, string origin, CancellationToken cancellationToken = default)
    {
        var properties = (await service.GetPropertiesAsync(cancellationToken)).Value;
        if (properties.Cors.Any(rule => rule.AllowedOrigins.Split(',').Contains(origin, StringComparer.OrdinalIgnoreCase)))
        {
            return;
        }

        properties.Cors.Add(new BlobCorsRule
        {
            AllowedOrigins = origin,
            AllowedMethods = "PUT,OPTIONS",
            AllowedHeaders = string.Join(',', AllowedHeaders),
            ExposedHeaders = "x-ms-request-id,etag",
            MaxAgeInSeconds = 3600,
        });
        await service.SetPropertiesAsync(properties, cancellationToken);
    }
}
