using System.Collections.Concurrent;
using Microsoft.ApplicationInsights.Channel;

namespace ReportingPipeline.Functions.Tests;

/// <summary>An Application Insights channel that keeps what it is given instead of sending it.</summary>
internal sealed class TestTelemetry : ITelemetryChannel
{
    /// <summary>A well-formed connection string whose endpoint nothing listens on: telemetry goes to the channel only.</summary>
    public const string ConnectionString = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/";

    private readonly ConcurrentQueue<ITelemetry> _sent = new();

    public IReadOnlyList<ITelemetry> Sent => [.. _sent];

    public bool? DeveloperMode { get; set; }

    public string EndpointAddress { get; set; } = "http://127.0.0.1:9/";

    public void Send(ITelemetry item) => _sent.Enqueue(item);

    public void Flush()
    {
    }

    public void Dispose()
    {
    }
}
