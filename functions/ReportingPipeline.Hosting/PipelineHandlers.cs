using ReportingPipeline.Core.Marts;

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

    /// <summary>A blob in <c>reference</c> was created or replaced: reload the reference and rebuild the marts.</summary>
    Task<MartBuildResult?> ReferenceDataChangedAsync(string blobName, CancellationToken cancellationToken = default);

    /// <summary>The scheduled mart build: rebuilds the months whose inputs changed.</summary>
    Task<MartBuildResult> BuildMartsAsync(CancellationToken cancellationToken = default);

    /// <summary>After the monthly deadline: the closed month's missing stations are recorded and the month rebuilt.</summary>
    Task<MartBuildResult> CloseReportingPeriodAsync(CancellationToken cancellationToken = default);
}
