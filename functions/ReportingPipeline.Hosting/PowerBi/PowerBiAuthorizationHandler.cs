using System.Net.Http.Headers;
using Azure.Core;
using Microsoft.Extensions.Options;

namespace ReportingPipeline.Hosting.PowerBi;

/// <summary>Puts a bearer token for the Power BI API on each request (the credential caches and renews tokens).</summary>
public sealed class PowerBiAuthorizationHandler(TokenCredential credential, IOptions<PowerBiOptions> options) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = await credential.GetTokenAsync(new TokenRequestContext([options.Value.Scope]), cancellationToken);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        return await base.SendAsync(request, cancellationToken);
    }
}
