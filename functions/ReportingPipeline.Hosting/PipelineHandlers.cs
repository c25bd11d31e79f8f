using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReportingPipeline.Core.Intake;
using ReportingPipeline.Core.Marts;
using ReportingPipeline.Core.Ports;

namespace ReportingPipeline.Hosting;

/// <summary>What one upload became, as a host logs it.</summary>
public sealed record IngestOutcome(string BlobName, string Status, int? Version, bool AlreadyProcessed, string ReportName);

/// <summary>
/// The pipeline's handlers: what every host calls. Azure Functions (blob and timer triggers), `pipeline host`
/// (polling Azurite, cron schedules) and `pipeline run` (a local folder) only translate their triggers into
/// these calls.
/// </summary>
public interface IPipelineHandlers
{
    /// <summary>A blob arrived in <c>submissions</c> (<paramref name="blobName"/> is relative to the container).</summary>
    Task<IngestOutcome> IngestSubmissionAsync(string blobName, CancellationToken cancellationToken = default);

    /// <summary>
    /// The host gave up on a submission after <paramref name="attempts"/> failed attempts (a poison blob): tell the
    /// station with a report. <c>pipeline host</c> calls it when it quarantines a blob, the Functions app when the
    /// blob trigger's poison queue delivers it.
    /// </summary>
    Task SubmissionSetAsideAsync(string blobName, int attempts, CancellationToken cancellationToken = default);

    /// <summary>A blob in <c>reference</c> was created or replaced: reload the reference and rebuild the marts.</summary>
    Task<MartBuildResult?> ReferenceDataChangedAsync(string blobName, CancellationToken cancellationToken = default);

    /// <summary>The scheduled mart build: rebuilds the months whose inputs changed.</summary>
    Task<MartBuildResult> BuildMartsAsync(CancellationToken cancellationToken = default);

    /// <summary>After the monthly deadline: the closed month's missing stations are recorded and the month rebuilt.</summary>
    Task<MartBuildResult> CloseReportingPeriodAsync(CancellationToken cancellationToken = default);
}

/// <summary>Told after every mart build that changed something (e.g. to refresh the Power BI dataset).</summary>
public interface IMartsPublishedListener
{
    Task OnMartsPublishedAsync(MartBuildResult result, CancellationToken cancellationToken);
}

/// <summary>The handlers, over whichever storage the host configured.</summary>
public sealed class PipelineHandlers(
    IBlobStore store,
    SubmissionIngestor ingestor,
    ReferenceStore references,
    MartBuilder marts,
    TimeProvider time,
    IOptions<PipelineOptions> options,
    IEnumerable<IMartsPublishedListener> listeners,
    IEnumerable<IMartBuildRequests> buildRequests,
    ILogger<PipelineHandlers> logger) : IPipelineHandlers
{
    public async Task<IngestOutcome> IngestSubmissionAsync(string blobName, CancellationToken cancellationToken = default)
    {
        var result = await ingestor.IngestAsync(blobName, cancellationToken);
        if (result.MartsAffected)
        {
            // After the ledger write: a build that starts from here on reads this upload.
            foreach (var requests in buildRequests)
            {
                await requests.RequestBuildAsync(cancellationToken);
            }
        }

        return new IngestOutcome(blobName, result.Report.Status.ToString(), result.Report.Version, result.AlreadyProcessed, result.ReportJsonName);
    }

    public Task SubmissionSetAsideAsync(string blobName, int attempts, CancellationToken cancellationToken = default) =>
        ingestor.ReportSetAsideAsync(blobName, attempts, cancellationToken);

    public async Task<MartBuildResult?> ReferenceDataChangedAsync(string blobName, CancellationToken cancellationToken = default)
    {
        if (blobName is not (ReferenceStore.RegionsFile or ReferenceStore.StationsFile))
        {
            logger.LogInformation("Ignoring {BlobName} in the reference container: only {Regions} and {Stations} are reference data",
                blobName, ReferenceStore.RegionsFile, ReferenceStore.StationsFile);
            return null;
        }

        logger.LogInformation("Reference file {BlobName} changed: rebuilding the marts", blobName);
        return await BuildMartsAsync(cancellationToken);
    }

    /// <summary>The lock that keeps two mart builds (timer, reference change, another instance) from overlapping.</summary>
    public const string MartBuildLock = "_locks/mart-build";

    public async Task<MartBuildResult> BuildMartsAsync(CancellationToken cancellationToken = default)
    {
        await using var held = await AcquireBuildLockAsync(cancellationToken);
        var reference = await references.GetAsync(cancellationToken);
        var result = await marts.BuildAsync(reference, time.GetUtcNow(), options.Value.Deadline, cancellationToken);
        logger.LogInformation("Mart build {BuildId}: {Rebuilt} months rebuilt, {Unchanged} unchanged",
            result.BuildId, result.PeriodsRebuilt.Count, result.PeriodsUnchanged.Count);
        if (result.Published)
        {
            foreach (var listener in listeners)
            {
                await listener.OnMartsPublishedAsync(result, cancellationToken);
            }
        }

        return result;
    }

    private async Task<IAsyncDisposable> AcquireBuildLockAsync(CancellationToken cancellationToken)
    {
        for (var waited = TimeSpan.Zero; ; waited += TimeSpan.FromSeconds(1))
        {
            if (await store.TryAcquireLockAsync(Containers.Staging, MartBuildLock, cancellationToken) is { } held)
            {
                return held;
            }

            if (waited == TimeSpan.Zero)
            {
                logger.LogInformation("Another mart build is running; waiting for it to finish");
            }

            // The waiting build then finds most months unchanged, so waiting costs little.
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }
    }

    public Task<MartBuildResult> CloseReportingPeriodAsync(CancellationToken cancellationToken = default)
    {
        // A month's input fingerprint includes whether its deadline has passed, so the build after the
        // deadline rebuilds that month with its missing stations; closing is a build at the right time.
        logger.LogInformation("Closing reporting periods whose deadline has passed at {Now}", time.GetUtcNow());
        return BuildMartsAsync(cancellationToken);
    }
}
