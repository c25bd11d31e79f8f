using Azure.Core;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;

namespace ReportingPipeline.Functions;

/// <summary>
/// The queue of build requests, <see cref="Name"/> in the host's account (AzureWebJobsStorage), where the app already
/// holds Storage Queue Data Contributor for the poison queue and <see cref="BuildMartsRequested"/> reads it without a
/// connection of its own. Messages are Base64, as the Queues extension expects by default.
/// </summary>
public sealed class MartBuildQueue
{
    public const string Name = "mart-build-requests";

    private readonly QueueClient _client;
    private volatile bool _exists;

    public MartBuildQueue(IConfiguration configuration, TokenCredential credential)
    {
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        // The two forms of the host's connection: a connection string (Azurite, Core Tools), or service URIs signed in
        // with the app's identity (Azure: AzureWebJobsStorage__queueServiceUri, __credential=managedidentity).
        _client = configuration["AzureWebJobsStorage"] is { Length: > 0 } connectionString
            ? new QueueClient(connectionString, Name, options)
            : new QueueServiceClient(
                new Uri(configuration["AzureWebJobsStorage:queueServiceUri"]
                    ?? throw new InvalidOperationException("AzureWebJobsStorage (a connection string) or AzureWebJobsStorage__queueServiceUri must be set.")),
                credential, options).GetQueueClient(Name);
    }

    /// <summary>Sends a request that becomes visible to <see cref="BuildMartsRequested"/> after <paramref name="delay"/>.</summary>
    public async Task SendAsync(string message, TimeSpan delay, CancellationToken cancellationToken = default)
    {
        await EnsureExistsAsync(cancellationToken);
        await _client.SendMessageAsync(message, visibilityTimeout: delay, cancellationToken: cancellationToken);
    }

    // Infra declares the queue; creating it here as well keeps a fresh Azurite (tests, Core Tools) working. Two
    // instances creating it at once is harmless.
    private async Task EnsureExistsAsync(CancellationToken cancellationToken)
    {
        if (!_exists)
        {
            await _client.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _exists = true;
        }
    }
}
