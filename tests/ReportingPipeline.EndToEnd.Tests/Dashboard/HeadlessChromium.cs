using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace ReportingPipeline.EndToEnd.Tests.Dashboard;

/// <summary>
/// A real headless Chromium (Debian's <c>chromium</c> package) driven over the DevTools protocol: one page,
/// its script errors collected as they happen.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    public const string DefaultPath = "/usr/bin/chromium";

    /// <summary>Generous: a cold start on a busy 2-core machine; only a hung browser ever reaches it.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly string _profile;
    private readonly DevToolsConnection _devTools;
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _sessionId;

    private HeadlessChromium(Process process, string profile, DevToolsConnection devTools)
    {
        _process = process;
        _profile = profile;
        _devTools = devTools;
        _devTools.EventReceived += OnEvent;
    }

    /// <summary>Script exceptions, console errors and browser log errors (CSP violations among them) seen so far.</summary>
    public IReadOnlyList<string> Errors => [.. _errors];

    /// <summary>The browser to run: <c>CHROMIUM_PATH</c>, else Debian's <c>/usr/bin/chromium</c>; null when neither exists.</summary>
    public static string? Find() =>
        Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } custom && File.Exists(custom) ? custom
        : File.Exists(DefaultPath) ? DefaultPath
        : null;

    public static async Task<HeadlessChromium> StartAsync(string executable, CancellationToken cancellationToken = default)
    {
        var profile = Path.Combine(Path.GetTempPath(), "rp-chromium-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(profile);
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
            "--hide-scrollbars", "--mute-audio", $"--user-data-dir={profile}", "--remote-debugging-port=0", "about:blank"])
        {
            start.ArgumentList.Add(argument);
        }

        var endpoint = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stderr = new ConcurrentQueue<string>();
        var process = new Process { StartInfo = start };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                endpoint.TrySetException(new InvalidOperationException("Chromium exited before it listened for DevTools:\n" + string.Join('\n', stderr)));
                return;
            }

            stderr.Enqueue(e.Data);
            const string marker = "DevTools listening on ";
            var at = e.Data.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0)
            {
                endpoint.TrySetResult(new Uri(e.Data[(at + marker.Length)..].Trim()));
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            var uri = await endpoint.Task.WaitAsync(Patience, cancellationToken);
            var devTools = await DevToolsConnection.ConnectAsync(uri, cancellationToken);
            return new HeadlessChromium(process, profile, devTools);
        }
        catch
        {
            Stop(process);
            throw;
        }
    }

    /// <summary>Opens <paramref name="url"/> in a new page of <paramref name="width"/> CSS pixels and waits for its load event.</summary>
    public async Task OpenAsync(string url, int width, int height, CancellationToken cancellationToken = default)
    {
        var target = await _devTools.SendAsync("Target.createTarget", new { url = "about:blank" }, cancellationToken: cancellationToken);
        var attached = await _devTools.SendAsync("Target.attachToTarget", new { targetId = target.GetProperty("targetId").GetString(), flatten = true }, cancellationToken: cancellationToken);
        _sessionId = attached.GetProperty("sessionId").GetString();
        await PageAsync("Runtime.enable", null, cancellationToken);
        await PageAsync("Log.enable", null, cancellationToken);
        await PageAsync("Page.enable", null, cancellationToken);
        await PageAsync("Emulation.setDeviceMetricsOverride", new { width, height, deviceScaleFactor = 1, mobile = false }, cancellationToken);
        var navigation = await PageAsync("Page.navigate", new { url }, cancellationToken);
        if (navigation.TryGetProperty("errorText", out var error))
        {
            throw new InvalidOperationException($"Chromium could not open {url}: {error.GetString()}");
        }

        await _loaded.Task.WaitAsync(Patience, cancellationToken);
    }

    /// <summary>Evaluates a JavaScript expression in the page; its value as JSON (promises awaited).</summary>
    public async Task<JsonElement> EvaluateAsync(string expression, CancellationToken cancellationToken = default)
    {
        var result = await PageAsync("Runtime.evaluate", new { expression, returnByValue = true, awaitPromise = true }, cancellationToken);
        if (result.TryGetProperty("exceptionDetails", out var exception))
        {
            throw new InvalidOperationException($"The page threw evaluating {expression}: {exception.GetRawText()}");
        }

        return result.GetProperty("result").TryGetProperty("value", out var value) ? value : default;
    }

    /// <summary>Evaluates <paramref name="condition"/> until it is true (a guard, not a timing assertion).</summary>
    public async Task WaitUntilAsync(string condition, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + Patience;
        while ((await EvaluateAsync($"Boolean({condition})", cancellationToken)).ValueKind != JsonValueKind.True)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The page never satisfied {condition}. Errors: {string.Join(" | ", _errors)}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>A PNG of the whole page, beyond the viewport.</summary>
    public async Task<byte[]> ScreenshotAsync(CancellationToken cancellationToken = default)
    {
        var metrics = await PageAsync("Page.getLayoutMetrics", null, cancellationToken);
        var size = metrics.GetProperty("cssContentSize");
        var shot = await PageAsync("Page.captureScreenshot", new
        {
            format = "png",
            captureBeyondViewport = true,
            clip = new { x = 0, y = 0, width = size.GetProperty("width").GetDouble(), height = size.GetProperty("height").GetDouble(), scale = 1 },
        }, cancellationToken);
        return Convert.FromBase64String(shot.GetProperty("data").GetString()!);
    }

    /// <summary>Lets the page download files into <paramref name="folder"/> (as a person's "save" would).</summary>
    public Task AllowDownloadsAsync(string folder, CancellationToken cancellationToken = default) =>
        _devTools.SendAsync("Browser.setDownloadBehavior", new { behavior = "allow", downloadPath = folder }, cancellationToken: cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _devTools.SendAsync("Browser.close", cancellationToken: timeout.Token);
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            // Killed below.
        }

        await _devTools.DisposeAsync();
        if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            Stop(_process);
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // A profile file still held open; the temp folder is cleaned eventually.
        }
    }

    private Task<JsonElement> PageAsync(string method, object? parameters, CancellationToken cancellationToken) =>
        _devTools.SendAsync(method, parameters, _sessionId ?? throw new InvalidOperationException("No page is open."), cancellationToken);

    private void OnEvent(string method, string? sessionId, JsonElement parameters)
    {
        if (sessionId != _sessionId)
        {
            return;
        }

        switch (method)
        {
            case "Page.loadEventFired":
                _loaded.TrySetResult();
                break;
            case "Runtime.exceptionThrown":
                var details = parameters.GetProperty("exceptionDetails");
                _errors.Enqueue("exception: " + (details.TryGetProperty("exception", out var e) && e.TryGetProperty("description", out var d) ? d.GetString() : details.GetProperty("text").GetString()));
                break;
            case "Runtime.consoleAPICalled" when parameters.GetProperty("type").GetString() is "error" or "assert":
                _errors.Enqueue("console.error: " + string.Join(' ', parameters.GetProperty("args").EnumerateArray().Select(a => a.TryGetProperty("value", out var v) ? v.ToString() : a.TryGetProperty("description", out var desc) ? desc.GetString() : "?")));
                break;
            case "Log.entryAdded" when parameters.GetProperty("entry").GetProperty("level").GetString() == "error":
                var entry = parameters.GetProperty("entry");
                _errors.Enqueue($"log ({entry.GetProperty("source").GetString()}): {entry.GetProperty("text").GetString()}");
                break;
        }
    }

    private static void Stop(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(10));
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }
}
