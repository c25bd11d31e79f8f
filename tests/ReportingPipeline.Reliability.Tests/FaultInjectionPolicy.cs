using System.Diagnostics.CodeAnalysis;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace ReportingPipeline.Reliability.Tests;

/// <summary>
/// Fails a share of storage requests at the HTTP pipeline level, as a throttled account or a flaky network would:
/// 503 Server Busy, 500, 408 and client timeouts before the request leaves, and dropped connections after the
/// service has already done the work (the nasty case for conditional writes). Added per retry, so the SDK's retry
/// policy (the product's settings) sees every fault. Seeded: a run can be repeated.
/// </summary>
public sealed class FaultInjectionPolicy(double share, int seed) : HttpPipelinePolicy
{
    private readonly Random _random = new(seed);
    private readonly Dictionary<string, int> _injected = new(StringComparer.Ordinal);
    private int _requests;
    private int _retries;

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Requests that were a retry of an earlier attempt (the SDK's retry policy at work).</summary>
    public int Retries => Volatile.Read(ref _retries);

    /// <summary>Faults injected so far, by kind.</summary>
    public IReadOnlyDictionary<string, int> Injected
    {
        get
        {
            lock (_injected)
            {
                return new Dictionary<string, int>(_injected, StringComparer.Ordinal);
            }
        }
    }

    public int InjectedTotal => Injected.Values.Sum();

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Interlocked.Increment(ref _requests);
        if (message.ProcessingContext.RetryNumber > 0)
        {
            Interlocked.Increment(ref _retries);
        }
        double roll, kind;
        lock (_random)
        {
            (roll, kind) = (_random.NextDouble(), _random.NextDouble());
        }

        if (roll >= share)
        {
            await ProcessNextAsync(message, pipeline);
            return;
        }

        switch (kind)
        {
            case < 0.3:
                Count("503 server busy");
                message.Response = new FaultResponse(503, "Server Busy");
                return;
            case < 0.5:
                Count("500 internal error");
                message.Response = new FaultResponse(500, "Internal Server Error");
                return;
            case < 0.6:
                Count("408 timeout");
                message.Response = new FaultResponse(408, "Request Timeout");
                return;
            case < 0.75:
                Count("client timeout");
                await Task.Delay(5);
                throw new TaskCanceledException("Injected: the request timed out.");
            default:
                // The service did the work; the answer never arrives.
                Count("connection dropped after the request");
                await ProcessNextAsync(message, pipeline);
                message.Response?.Dispose();
                throw new IOException("Injected: the connection was reset while reading the response.");
        }
    }

    private void Count(string kind)
    {
        lock (_injected)
        {
            _injected[kind] = _injected.GetValueOrDefault(kind) + 1;
        }
    }

    /// <summary>An error response made up on the client side.</summary>
    private sealed class FaultResponse(int status, string reason) : Response
    {
        public override int Status => status;

        public override string ReasonPhrase => reason;

        // The transport marks real error responses; one made up here must say so itself, or the retry policy takes it for a success.
        public override bool IsError => true;

        public override Stream? ContentStream { get; set; } = new MemoryStream();

        public override string ClientRequestId { get; set; } = Guid.NewGuid().ToString();

        public override void Dispose()
        {
        }

        protected override bool ContainsHeader(string name) => false;

        protected override IEnumerable<HttpHeader> EnumerateHeaders() => [];

        protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value)
        {
            value = null;
            return false;
        }

        protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values)
        {
            values = null;
            return false;
        }
    }
}
