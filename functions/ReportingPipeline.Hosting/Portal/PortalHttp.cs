using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace ReportingPipeline.Hosting.Portal;

/// <summary>The station portal over HTTP: who is asking, and writing a <see cref="PortalResponse"/> as every host does.</summary>
public static class PortalHttp
{
    /// <summary>
    /// The signed-in user's sign-in name, set by App Service Authentication (which removes the header from client
    /// requests and sets it after sign-in); <c>pipeline host --portal</c> takes it from direct loopback clients only.
    /// </summary>
    public const string PrincipalNameHeader = "X-MS-CLIENT-PRINCIPAL-NAME";

    /// <summary>The signed-in principal as App Service Authentication passes it: base64 JSON with <c>auth_typ</c> and <c>claims</c>.</summary>
    public const string PrincipalHeader = "X-MS-CLIENT-PRINCIPAL";

    /// <summary>
    /// The user as App Service Authentication passed it. The platform strips both principal headers from client requests
    /// and sets both after sign-in, so the name is believed only beside a principal that decodes; a name alone is what a
    /// client sent (or the app is reached without the platform's authentication in front) and is anonymous.
    /// </summary>
    public static string? PlatformUser(HttpRequest request) =>
        IsPlatformPrincipal(request.Headers[PrincipalHeader].ToString()) ? NameOf(request) : null;

    /// <summary>
    /// The user on a developer's machine: the name header, believed only from a direct loopback client. A request that
    /// carries <c>X-Forwarded-For</c> or <c>Forwarded</c> came through a proxy or tunnel on this machine, which would make
    /// anyone who can reach that proxy look like a loopback client, so its headers are not believed.
    /// </summary>
    public static string? LoopbackUser(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address)
        && !context.Request.Headers.ContainsKey("X-Forwarded-For") && !context.Request.Headers.ContainsKey("Forwarded")
            ? NameOf(context.Request)
            : null;

    private static string? NameOf(HttpRequest request) =>
        request.Headers[PrincipalNameHeader].ToString() is { Length: > 0 } name && name.Trim() is { Length: > 0 } trimmed ? trimmed : null;

    private static bool IsPlatformPrincipal(string header)
    {
        if (header.Length == 0)
        {
            return false;
        }

        try
        {
            using var principal = JsonDocument.Parse(Convert.FromBase64String(header.Trim()));
            return principal.RootElement.ValueKind == JsonValueKind.Object
                && principal.RootElement.TryGetProperty("auth_typ", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() is { Length: > 0 }
                && principal.RootElement.TryGetProperty("claims", out var claims) && claims.ValueKind == JsonValueKind.Array;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return false;
        }
    }

    public static async Task WriteAsync(HttpResponse response, PortalResponse portal, CancellationToken cancellationToken = default)
    {
        response.StatusCode = portal.Status;
        response.ContentType = portal.ContentType;
        response.Headers.CacheControl = "no-store";
        response.Headers.XContentTypeOptions = "nosniff";
        if (portal.DownloadName is { } name)
        {
            response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileNameStar = name, FileName = "template.xlsx" }.ToString();
        }

        if (portal.ContentType.StartsWith("text/html", StringComparison.Ordinal))
        {
            // A report page is the station's data rendered: it runs no script of ours and loads nothing.
            response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'";
        }

        response.ContentLength = portal.Body.Length;
        await response.Body.WriteAsync(portal.Body, cancellationToken);
    }
}
