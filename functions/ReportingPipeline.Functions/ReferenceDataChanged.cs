using Azure.Storage.Blobs;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using ReportingPipeline.Hosting;

namespace ReportingPipeline.Functions;

/// <summary><c>regions.csv</c> or <c>stations.csv</c> changed in <c>reference</c>: reload it and rebuild the marts.</summary>
public sealed class ReferenceDataChanged(IPipelineHandlers handlers, ILogger<ReferenceDataChanged> logger)
{
    [Function(nameof(ReferenceDataChanged))]
    public async Task RunAsync(
        [BlobTrigger("reference/{name}", Source = BlobTriggerSource.EventGrid, Connection = DataStorage.Connection)] BlobClient blob,
        CancellationToken cancellationToken)
    {
        var build = await handlers.ReferenceDataChangedAsync(blob.Name, cancellationToken);
        logger.LogInformation("Reference {BlobName} changed: mart build {BuildId}", blob.Name, build?.BuildId ?? "(none)");
    }
}
