using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace ReportingPipeline.Bench;

/// <summary>
/// Counts the storage requests this process sends through the Azure SDK (its <c>Azure-Core</c> event source, one
/// <c>Request</c> event per attempt), by method, service and container or table, while <see cref="Counting"/> is set:
/// where an upload's intake sends its requests (<c>functions-freshness --count-requests</c>). Listening formats every
/// request's headers, so a counted run is slower than one that is not.
/// </summary>
internal sealed class StorageRequestCounter(IReadOnlyDictionary<int, string> services) : EventListener
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    public volatile bool Counting;

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Azure-Core")
        {
            EnableEvents(eventSource, EventLevel.Informational);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!Counting || e.EventName != "Request" || e.PayloadNames is not { } names || e.Payload is not { } payload)
        {
            return;
        }

        var method = payload[names.IndexOf("method")] as string ?? "?";
        if (payload[names.IndexOf("uri")] is not string text || !Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            return;
        }

        var service = services.GetValueOrDefault(uri.Port, uri.Port.ToString(CultureInfo.InvariantCulture));
        // /account/container/blob or /account/table(keys) or /account/queue/messages
        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var target = segments.Length > 1 ? segments[1].Split('(')[0] : "(account)";
        var query = uri.Query;
        var kind = query.Contains("comp=list", StringComparison.Ordinal) ? " list"
            : segments.Length > 1 && segments[1].EndsWith("()", StringComparison.Ordinal) ? " query"
            : query.Contains("comp=lease", StringComparison.Ordinal) ? " lease"
            : query.Contains("restype=container", StringComparison.Ordinal) ? " container" : string.Empty;
        _counts.AddOrUpdate($"{method} {service} {target}{kind}", 1, (_, n) => n + 1);
    }

    /// <summary>The counts, most first, each also per <paramref name="per"/> (uploads).</summary>
    public string Report(int per) =>
        string.Join(Environment.NewLine, _counts.OrderByDescending(c => c.Value)
            .Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Value,8} {c.Value / (double)per,6:0.00} per upload  {c.Key}")))
        + Environment.NewLine + string.Create(CultureInfo.InvariantCulture, $"{_counts.Values.Sum(),8} {_counts.Values.Sum() / (double)per,6:0.00} per upload  in all");
}
