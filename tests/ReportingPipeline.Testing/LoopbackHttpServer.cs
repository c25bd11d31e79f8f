using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ReportingPipeline.Testing;

/// <summary>One request as the server saw it; <paramref name="ReceivedAt"/> is its <see cref="Stopwatch"/> timestamp.</summary>
public sealed record RecordedRequest(string Method, string Path, string? Authorization, string? ContentType, string Body, long ReceivedAt);

/// <summary>
/// An HTTP server on 127.0.0.1 and a free port that records every request and answers with the scripted
/// responses in turn (then 202 Accepted, as Power BI's REST API answers a refresh request): the Power BI service's
/// stand-in for the tests and the benchmark's freshness scenarios.
/// </summary>
public sealed class LoopbackHttpServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<(HttpStatusCode Status, string? RetryAfter)> _script = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly Task _loop;

    public LoopbackHttpServer(params (HttpStatusCode Status, string? RetryAfter)[] script)
    {
        foreach (var step in script)
        {
            _script.Enqueue(step);
        }

        var port = FreePort();
        BaseUri = new Uri($"http://127.0.0.1:{port}/v1.0/myorg/");
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public Uri BaseUri { get; }

    /// <summary>How long the server waits before it answers the first request (a slow or hung service).</summary>
    public TimeSpan FirstAnswerDelay { get; init; }

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public void Dispose()
    {
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var receivedAt = Stopwatch.GetTimestamp();
            using var reader = new StreamReader(context.Request.InputStream, context.Request.ContentEncoding);
            var body = await reader.ReadToEndAsync();
            _requests.Enqueue(new RecordedRequest(context.Request.HttpMethod, context.Request.Url!.AbsolutePath,
                context.Request.Headers["Authorization"], context.Request.ContentType, body, receivedAt));

            if (_requests.Count == 1 && FirstAnswerDelay > TimeSpan.Zero)
            {
                await Task.Delay(FirstAnswerDelay);
            }

            var (status, retryAfter) = _script.TryDequeue(out var step) ? step : (HttpStatusCode.Accepted, null);
            context.Response.StatusCode = (int)status;
            if (retryAfter is not null)
            {
                context.Response.AddHeader("Retry-After", retryAfter);
            }

            context.Response.ContentLength64 = 0;
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
