using System.Collections.Concurrent;
using ReportingPipeline.Core.Marts;

namespace ReportingPipeline.Hosting.Tests;

/// <summary>Handlers that record each call ("ingest:{blob}", "set-aside:{blob}:{attempts}", "reference:{blob}", "build", "close") and fail where told.</summary>
internal sealed class RecordingHandlers : IPipelineHandlers
{
    private readonly ConcurrentQueue<string> _calls = new();

    /// <summary>Given a call, the exception to throw for it, or null to succeed.</summary>
    public Func<string, Exception?> Fail { get; init; } = _ => null;

    public IReadOnlyList<string> Calls => [.. _calls];

    public Task<IngestOutcome> IngestSubmissionAsync(string blobName, CancellationToken cancellationToken = default)
    {
        Record("ingest:" + blobName);
        return Task.FromResult(new IngestOutcome(blobName, "Accepted", 1, false, blobName + ".report.json"));
    }

    public Task SubmissionSetAsideAsync(string blobName, int attempts, CancellationToken cancellationToken = default)
    {
        Record($"set-aside:{blobName}:{attempts}");
        return Task.CompletedTask;
    }

    public Task<MartBuildResult?> ReferenceDataChangedAsync(string blobName, CancellationToken cancellationToken = default)
    {
        Record("reference:" + blobName);
        return Task.FromResult<MartBuildResult?>(Build());
    }

    public Task<MartBuildResult> BuildMartsAsync(CancellationToken cancellationToken = default)
    {
        Record("build");
        return Task.FromResult(Build());
    }

    public Task<MartBuildResult> CloseReportingPeriodAsync(CancellationToken cancellationToken = default)
    {
        Record("close");
        return Task.FromResult(Build());
    }

    private void Record(string call)
    {
        _calls.Enqueue(call);
        if (Fail(call) is { } failure)
        {
            throw failure;
        }
    }

    private static MartBuildResult Build() => new("build-1", [], [], new Dictionary<string, long>(), false);
}
