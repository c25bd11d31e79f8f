using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Hosting;

namespace ReportingPipeline.Functions;

/// <summary>
/// What the blob trigger writes to its poison queue when it gives up on a blob (the properties the Functions
/// runtime documents for <c>webjobs-blobtrigger-poison</c>).
/// </summary>
public sealed record PoisonBlobMessage(string? FunctionId, string? BlobType, string ContainerName, string BlobName, string? ETag);

/// <summary>
/// The blob trigger gave up on an upload after <see cref="PoisonBlobThreshold"/> failed attempts and put it on the
/// host's poison queue: tell the station with a <c>file.set_aside</c> report, as <c>pipeline host</c> does when it
/// quarantines a blob. A reference file that fails stays an operator's matter (logged as an error, alerted on).
/// </summary>
public sealed class SubmissionSetAside(IPipelineHandlers handlers, ILogger<SubmissionSetAside> logger)
{
    /// <summary>The blob trigger's poison queue in AzureWebJobsStorage (the Functions runtime's fixed name).</summary>
    public const string PoisonQueue = "webjobs-blobtrigger-poison";

    /// <summary>How many attempts the blob trigger makes before it gives up: <c>extensions.blobs.poisonBlobThreshold</c> in host.json.</summary>
    public const int PoisonBlobThreshold = 5;

    [Function(nameof(SubmissionSetAside))]
    public async Task RunAsync([QueueTrigger(PoisonQueue)] PoisonBlobMessage message, CancellationToken cancellationToken)
    {
        if (message.ContainerName != Containers.Submissions)
        {
            logger.LogError("Gave up on {Container}/{BlobName} after {Attempts} failed attempts (function {FunctionId}); upload it again once the cause is fixed",
                message.ContainerName, message.BlobName, PoisonBlobThreshold, message.FunctionId);
            return;
        }

        await handlers.SubmissionSetAsideAsync(message.BlobName, PoisonBlobThreshold, cancellationToken);
        logger.LogError("Set aside {BlobName} after {Attempts} failed attempts; the station has a report saying so", message.BlobName, PoisonBlobThreshold);
    }
}
