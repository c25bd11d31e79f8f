using System.Security.Cryptography;
using System.Text;

namespace ReportingPipeline.Hosting.Portal;

/// <summary>
/// The portal's one page (Chinese first, English beside it): an embedded resource with its script and style inline,
/// served with a Content-Security-Policy that allows them by hash and connects only to the app and the storage
/// account the browser uploads to. It loads nothing from any other place.
/// </summary>
public static class PortalPage
{
    private static readonly Lazy<string> Html = new(() =>
    {
        using var stream = typeof(PortalPage).Assembly.GetManifestResourceStream("ReportingPipeline.Hosting.Portal.portal.html")
            ?? throw new InvalidOperationException("The portal page is not embedded.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    });

    /// <summary>The page's bytes.</summary>
    public static byte[] Content => Encoding.UTF8.GetBytes(Html.Value);

    /// <summary>The policy the page is served with; <paramref name="uploadEndpoint"/> is the blob service it uploads to.</summary>
    public static string ContentSecurityPolicy(Uri uploadEndpoint) =>
        // Styles inline: a report shown in the page's frame is a blob document that inherits this policy, and its
        // own <style> must apply. Scripts stay the page's one script, by hash; the page writes text, never HTML.
        $"default-src 'none'; script-src '{Hash("script")}'; style-src 'unsafe-inline'; img-src data:; "
        + $"connect-src 'self' {uploadEndpoint.GetLeftPart(UriPartial.Authority)}; frame-src 'self' blob:; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

    public static async Task WriteAsync(Microsoft.AspNetCore.Http.HttpResponse response, Uri uploadEndpoint, CancellationToken cancellationToken = default)
    {
        response.StatusCode = 200;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy(uploadEndpoint);
        var body = Content;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, cancellationToken);
    }

    /// <summary>The CSP hash of the page's one inline element of that kind.</summary>
    private static string Hash(string element)
    {
        var html = Html.Value;
        var open = html.IndexOf($"<{element}>", StringComparison.Ordinal) + element.Length + 2;
        var close = html.IndexOf($"</{element}>", open, StringComparison.Ordinal);
        return "sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(html[open..close])));
    }
}
