using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Hosting;

namespace ReportingPipeline.Functions;

/// <summary>
/// The Functions app's debounce of build requests across instances: the first request creates the marker blob
/// <see cref="Marker"/> (create-only, so one instance wins) and only its creator sends a queue message delayed by
/// <see cref="PipelineOptions.MartBuildMaxDelay"/>; the requests of the other uploads of the burst find the marker and do
/// nothing. <see cref="BuildMartsRequested"/> deletes the marker before it builds, so an upload recorded after that opens
/// the next window. A marker older than the delay plus <see cref="StaleAfter"/> means its message was lost: it is replaced.
/// </summary>
/// <remarks>
/// A failure here is logged, not thrown: the upload is recorded and reported already, and failing the blob trigger would
/// only retry an ingest that then finds nothing new to request. The <c>BuildMarts</c> timer is the safety net.
/// </remarks>
public sealed class QueuedMartBuildRequests(
    IBlobStore store,
    MartBuildQueue queue,
    IOptions<PipelineOptions> options,
    TimeProvider time,
    ILogger<QueuedMartBuildRequests> logger) : IMartBuildRequests
{
    /// <summary>The marker of a pending request, beside the build lock in <c>staging</c>.</summary>
    public const string Marker = "_locks/mart-build-requested";

    /// <summary>How long past its delay a request may stay unserved (a cold start, a busy instance) before its marker counts as lost.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(5);

    public async Task RequestBuildAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var delay = options.Value.MartBuildMaxDelay;
            var now = time.GetUtcNow();
            // In a burst the marker is there for all but the first upload of a window: one read answers them.
            if (await IsPendingAsync(now, delay, cancellationToken))
            {
                return;
            }

            if (!await TryCreateMarkerAsync(now, cancellationToken))
            {
                if (await IsPendingAsync(now, delay, cancellationToken))
                {
                    return; // another upload opened the window meanwhile
                }

                logger.LogWarning("The pending mart build request is older than {Bound} (its message was lost): requesting again", delay + StaleAfter);
                await store.DeleteAsync(Containers.Staging, Marker, cancellationToken);
                if (!await TryCreateMarkerAsync(now, cancellationToken))
                {
                    return;
                }
            }

            await queue.SendAsync(JsonSerializer.Serialize(new PendingRequest(now)), delay, cancellationToken);
            logger.LogInformation("Mart build requested, due in {Delay}", delay);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Could not request a mart build after an upload; the BuildMarts timer builds it");
            await ForgetMarkerAsync();
        }
    }

    /// <summary>The build is starting: from here on, a new upload needs a new request.</summary>
    public Task ClearAsync(CancellationToken cancellationToken = default) => store.DeleteAsync(Containers.Staging, Marker, cancellationToken);

    /// <summary>A marker is there, readable, and not older than the delay plus <see cref="StaleAfter"/>: its request is still to be served.</summary>
    private async Task<bool> IsPendingAsync(DateTimeOffset now, TimeSpan delay, CancellationToken cancellationToken) =>
        await ReadMarkerAsync(cancellationToken) is { } pending && now - pending.RequestedAt <= delay + StaleAfter;

    private async Task<bool> TryCreateMarkerAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(new PendingRequest(now)));
        return await store.TryCreateAsync(Containers.Staging, Marker, content, "application/json", cancellationToken);
    }

    private async Task<PendingRequest?> ReadMarkerAsync(CancellationToken cancellationToken)
    {
        await using var content = await store.OpenReadAsync(Containers.Staging, Marker, cancellationToken);
        if (content is null)
        {
            return null;
        }

        try
        {
            return await JsonSerializer.DeserializeAsync<PendingRequest>(content, cancellationToken: cancellationToken);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // A marker without its message would hold back every request until it goes stale.
    private async Task ForgetMarkerAsync()
    {
        try
        {
            await store.DeleteAsync(Containers.Staging, Marker);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not remove the mart build request marker; it is replaced once stale");
        }
    }

    /// <summary>What the marker and the message say: when the window opened.</summary>
    public sealed record PendingRequest([property: JsonPropertyName("requested_at")] DateTimeOffset RequestedAt);
}
