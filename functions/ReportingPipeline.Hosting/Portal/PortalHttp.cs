using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace ReportingPipeline.Hosting.Portal;

/// <summary>The station portal over HTTP: who is asking, and writing a <see cref="PortalResponse"/> as every host does.</summary>
public static class PortalHttp
{
    /// <summary>
    /// The signed-in user's sign-in name, set by App Service Authentication (which removes the header from client
    /// requests and sets it after sign-in); <c>pipeline host --portal</c> takes it from loopback clients only.
    /// </summary>
    public const string PrincipalNameHeader = "X-MS-CLIENT-PRINCIPAL-NAME";

    /// <summary>The user as App Service Authentication passed it (in Azure, only the platform can set the header).</summary>
    public static string? PlatformUser(HttpRequest request) =>
        request.Headers[PrincipalNameHeader].ToString() is { Length: > 0 } name ? name.Trim() : null;

    /// <summary>
    /// The user on a developer's machine: the same header, believed only from a loopback client (nothing else can reach
    /// a loopback listener, and a request relayed from elsewhere is not from loopback).
    /// </summary>
    public static string? LoopbackUser(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address) ? PlatformUser(context.Request) : null;

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
