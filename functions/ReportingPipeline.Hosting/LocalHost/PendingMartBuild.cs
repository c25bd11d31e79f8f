using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace ReportingPipeline.Hosting.LocalHost;

/// <summary>
/// <c>pipeline host</c>'s debounce of build requests: the first request opens a window, and a build is due once
/// <see cref="PipelineOptions.MartBuildQuietPeriod"/> has passed without another request, or at the latest
/// <see cref="PipelineOptions.MartBuildMaxDelay"/> after the first. <see cref="MartBuildDebouncer"/> waits for that and
/// builds; a request made while it builds opens the next window, so uploads during a build cause one more build after it.
/// </summary>
/// <remarks>
/// Windows are measured on the provider's timestamps, which run even when <c>--now</c> stops the wall clock.
/// </remarks>
public sealed class PendingMartBuild(IOptions<PipelineOptions> options, TimeProvider time) : IMartBuildRequests
{
    private readonly Lock _gate = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private long? _first;
    private long _last;

    public Task RequestBuildAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetTimestamp();
        lock (_gate)
        {
            _first ??= now;
            _last = now;
        }

        _wake.Writer.TryWrite(true);
        return Task.CompletedTask;
    }

    /// <summary>True while a request waits for its build.</summary>
    public bool IsPending
    {
        get
        {
            lock (_gate)
            {
                return _first is not null;
            }
        }
    }

    /// <summary>Returns when a requested build is due, and takes it: requests from then on open the next window.</summary>
    public async Task WaitUntilDueAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            TimeSpan wait;
            lock (_gate)
            {
                if (_first is { } first)
                {
                    var now = time.GetTimestamp();
                    var quiet = options.Value.MartBuildQuietPeriod - time.GetElapsedTime(_last, now);
                    var latest = options.Value.MartBuildMaxDelay - time.GetElapsedTime(first, now);
                    wait = quiet < latest ? quiet : latest;
                    if (wait <= TimeSpan.Zero)
                    {
                        _first = null;
                        return;
                    }
                }
                else
                {
                    wait = Timeout.InfiniteTimeSpan;
                }
            }

            await WakeOrWaitAsync(wait, cancellationToken);
        }
    }

    /// <summary>Until a new request or <paramref name="wait"/>, whichever comes first; then the window is measured again.</summary>
    private async Task WakeOrWaitAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var woken = _wake.Reader.WaitToReadAsync(stop.Token).AsTask();
        var elapsed = wait == Timeout.InfiniteTimeSpan ? Task.Delay(Timeout.Infinite, stop.Token) : Task.Delay(wait, time, stop.Token);
        await Task.WhenAny(woken, elapsed);
        await stop.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
        _wake.Reader.TryRead(out _);
    }
}
