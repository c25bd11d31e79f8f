using System.Diagnostics;
using Microsoft.Extensions.Options;
using ReportingPipeline.Hosting.LocalHost;

namespace ReportingPipeline.Hosting.Tests.LocalHost;

public sealed class PendingMartBuildTests
{
    [Fact]
    public async Task WaitUntilDueAsync_BurstOfRequests_DueOnceAQuietPeriodAfterTheLast()
    {
        var pending = Pending(quiet: TimeSpan.FromMilliseconds(400), maxDelay: TimeSpan.FromSeconds(10));
        var clock = Stopwatch.StartNew();
        var due = pending.WaitUntilDueAsync();

        for (var i = 0; i < 5; i++)
        {
            await pending.RequestBuildAsync();
            await Task.Delay(100);
        }

        var lastRequest = clock.Elapsed - TimeSpan.FromMilliseconds(100);
        await due.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.InRange(clock.Elapsed - lastRequest, TimeSpan.FromMilliseconds(380), TimeSpan.FromSeconds(5));
        Assert.False(pending.IsPending);

        // The burst was one build: nothing more is due without a new request.
        var next = pending.WaitUntilDueAsync();
        await Task.Delay(1000);
        Assert.False(next.IsCompleted);
    }

    [Fact]
    public async Task WaitUntilDueAsync_RequestsNeverPause_DueAtTheLongestDelay()
    {
        var pending = Pending(quiet: TimeSpan.FromMilliseconds(500), maxDelay: TimeSpan.FromMilliseconds(1500));
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        await pending.RequestBuildAsync();
        var requests = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await pending.RequestBuildAsync();
                await Task.Delay(100);
            }
        });

        await pending.WaitUntilDueAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var waited = clock.Elapsed;
        await stop.CancelAsync();
        await requests;

        Assert.InRange(waited, TimeSpan.FromMilliseconds(1450), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task WaitUntilDueAsync_RequestAfterTheBuildWasTaken_OpensExactlyOneMoreWindow()
    {
        var pending = Pending(quiet: TimeSpan.FromMilliseconds(200), maxDelay: TimeSpan.FromSeconds(5));
        await pending.RequestBuildAsync();
        await pending.WaitUntilDueAsync().WaitAsync(TimeSpan.FromSeconds(10));

        // Uploads while that build runs.
        await pending.RequestBuildAsync();
        await pending.RequestBuildAsync();
        Assert.True(pending.IsPending);
        await pending.WaitUntilDueAsync().WaitAsync(TimeSpan.FromSeconds(10));

        var third = pending.WaitUntilDueAsync();
        await Task.Delay(600);
        Assert.False(third.IsCompleted);
    }

    [Fact]
    public async Task WaitUntilDueAsync_Cancelled_Throws()
    {
        var pending = Pending(quiet: TimeSpan.FromSeconds(10), maxDelay: TimeSpan.FromSeconds(10));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitUntilDueAsync(cancel.Token));
    }

    private static PendingMartBuild Pending(TimeSpan quiet, TimeSpan maxDelay) =>
        new(Options.Create(new PipelineOptions { MartBuildQuietPeriod = quiet, MartBuildMaxDelay = maxDelay }), TimeProvider.System);
}
