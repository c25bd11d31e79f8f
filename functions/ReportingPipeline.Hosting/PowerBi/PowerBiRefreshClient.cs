using System.Net.Http.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ReportingPipeline.Hosting.PowerBi;

/// <summary>
/// Asks Power BI to refresh the pipeline's dataset (REST: <c>POST groups/{workspace}/datasets/{dataset}/refreshes</c>).
/// A typed client: the bearer token and the only safe retries (429 or 503 with Retry-After) come from its registered message handlers.
/// </summary>
public sealed class PowerBiRefreshClient(HttpClient http, IOptions<PowerBiOptions> options, ILogger<PowerBiRefreshClient> logger)
{
    /// <summary>
    /// Requests a refresh; false (and no call) when Power BI is not enabled. Throws <see cref="HttpRequestException"/>
    /// when Power BI refuses (after the retries it asked for), or a timeout when it does not answer in time.
    /// </summary>
    public async Task<bool> RequestRefreshAsync(CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return false;
        }

        var workspace = Uri.EscapeDataString(settings.WorkspaceId!);
        var dataset = Uri.EscapeDataString(settings.DatasetId!);
        using var response = await http.PostAsJsonAsync(
            new Uri($"groups/{workspace}/datasets/{dataset}/refreshes", UriKind.Relative),
            new RefreshRequest("NoNotification"),
            cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException(
                $"Power BI refused the refresh of dataset {settings.DatasetId} in workspace {settings.WorkspaceId}: {(int)response.StatusCode} {response.ReasonPhrase} {body}",
                null,
                response.StatusCode);
        }

        logger.LogInformation("Power BI refresh of dataset {DatasetId} in workspace {WorkspaceId} requested", settings.DatasetId, settings.WorkspaceId);
        return true;
    }

    private sealed record RefreshRequest([property: System.Text.Json.Serialization.JsonPropertyName("notifyOption")] string NotifyOption);
}
