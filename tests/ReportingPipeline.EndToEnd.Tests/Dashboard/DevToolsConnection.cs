using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;

namespace ReportingPipeline.EndToEnd.Tests.Dashboard;

/// <summary>
/// The Chrome DevTools Protocol over one WebSocket, in flat session mode: commands carry an id (and the
/// sessionId of a page), answers come back with that id, and everything else is an event.
/// </summary>
public sealed class DevToolsConnection : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly SemaphoreSlim _sending = new(1, 1);
    private Task _receiving = Task.CompletedTask;
    private int _nextId;

    /// <summary>An event: method, sessionId (null for the browser) and params.</summary>
    public event Action<string, string?, JsonElement>? EventReceived;

    public static async Task<DevToolsConnection> ConnectAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        var connection = new DevToolsConnection();
        connection._socket.Options.KeepAliveInterval = TimeSpan.Zero;
        await connection._socket.ConnectAsync(endpoint, cancellationToken);
        connection._receiving = Task.Run(connection.ReceiveAsync, CancellationToken.None);
        return connection;
    }

    /// <summary>Sends a command and returns its result (throws with the protocol's message on an error answer).</summary>
    public async Task<JsonElement> SendAsync(string method, object? parameters = null, string? sessionId = null, CancellationToken cancellationToken = default)
    {
        var id = Interlocked.Increment(ref _nextId);
        var answer = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        var message = new Dictionary<string, object?> { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new { } };
        if (sessionId is not null)
        {
            message["sessionId"] = sessionId;
        }

        var bytes = JsonSerializer.SerializeToUtf8Bytes(message);
        await _sending.WaitAsync(cancellationToken);
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _sending.Release();
        }

        using var registration = cancellationToken.Register(() => answer.TrySetCanceled(cancellationToken));
        return await answer.Task;
    }

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync();
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The browser may already be gone.
        }

        try
        {
            await _receiving;
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // Ending the receive loop is the point.
        }

        _socket.Dispose();
        _closing.Dispose();
        _sending.Dispose();
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (_socket.State == WebSocketState.Open && !_closing.IsCancellationRequested)
            {
                var result = await _socket.ReceiveAsync(buffer, _closing.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage)
                {
                    continue;
                }

                Dispatch(message.ToArray());
                message.SetLength(0);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // Closed under us: fail whatever still waits.
        }

        foreach (var waiting in _pending.Values)
        {
            waiting.TrySetException(new InvalidOperationException("The DevTools connection closed before answering."));
        }
    }

    private void Dispatch(byte[] bytes)
    {
        using var document = JsonDocument.Parse(bytes);
        var root = document.RootElement;
        var sessionId = root.TryGetProperty("sessionId", out var s) ? s.GetString() : null;
        if (root.TryGetProperty("id", out var idElement) && _pending.TryRemove(idElement.GetInt32(), out var answer))
        {
            if (root.TryGetProperty("error", out var error))
            {
                answer.TrySetException(new InvalidOperationException("DevTools error: " + error.GetRawText()));
            }
            else
            {
                answer.TrySetResult(root.TryGetProperty("result", out var result) ? result.Clone() : default);
            }
        }
        else if (root.TryGetProperty("method", out var method))
        {
            var parameters = root.TryGetProperty("params", out var p) ? p.Clone() : default;
            EventReceived?.Invoke(method.GetString()!, sessionId, parameters);
        }
    }
}
