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

    /// <summary>
    /// Adds the rule for <paramref name="origin"/> unless the service has one already that lets it PUT (a rule for the
    /// origin with other methods only, e.g. GET, would leave the page's uploads refused); other rules stay.
    /// </summary>
    public static async Task AllowUploadsFromAsync(BlobServiceClient service, string origin, CancellationToken cancellationToken = default)
    {
        var properties = (await service.GetPropertiesAsync(cancellationToken)).Value;
        if (properties.Cors.Any(rule => Listed(rule.AllowedOrigins, origin) && Listed(rule.AllowedMethods, "PUT")))
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

    private static bool Listed(string? list, string value) =>
        (list ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Contains(value, StringComparer.OrdinalIgnoreCase);
}
