using Azure.Storage.Blobs;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using ReportingPipeline.Hosting;

namespace ReportingPipeline.Functions;

/// <summary>A station uploaded a file to <c>submissions</c>: read, validate, record and report it.</summary>
public sealed class IngestSubmission(IPipelineHandlers handlers, ILogger<IngestSubmission> logger)
{
    /// <remarks>
    /// Uploads are expected at <c>submissions/{period}/{station}/{file}</c>, but the trigger takes every blob in the
    /// container (<c>{name}</c> spans folders): a file in the wrong place must still get a report that says so
    /// (rule BadPath), as it does under <c>pipeline host</c>. The blob is bound as a client, not downloaded: the
    /// handler reads it through the storage port, bounded.
    /// </remarks>
    [Function(nameof(IngestSubmission))]
    public async Task RunAsync(
        [BlobTrigger("submissions/{name}", Source = BlobTriggerSource.EventGrid, Connection = DataStorage.Connection)] BlobClient blob,
        CancellationToken cancellationToken)
    {
        var outcome = await handlers.IngestSubmissionAsync(blob.Name, cancellationToken);
        logger.LogInformation("Ingested {BlobName}: {Status}, version {Version}, already processed {AlreadyProcessed}",
            outcome.BlobName, outcome.Status, outcome.Version, outcome.AlreadyProcessed);
    }
}
