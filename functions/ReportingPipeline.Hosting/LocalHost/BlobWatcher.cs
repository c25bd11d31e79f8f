using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Intake;
using ReportingPipeline.Core.Ports;

namespace ReportingPipeline.Hosting.LocalHost;

/// <summary>
/// The local stand-in for the Functions blob triggers: lists <c>reference</c> and <c>submissions</c> every
/// <see cref="LocalHostOptions.PollInterval"/> and hands each blob version that has no receipt to the handlers,
/// reference first (submissions are validated against it), then submissions in upload order. A receipt is written
/// only after the handler succeeds, so a failure is retried at the next poll; after
/// <see cref="LocalHostOptions.MaxAttempts"/> failures the version is quarantined with a receipt that says why, and a
/// submission gets a report saying it was set aside (<see cref="IPipelineHandlers.SubmissionSetAsideAsync"/>).
/// </summary>
/// <remarks>
/// Failed attempts are counted in memory: a restart gives a failing blob a fresh set of attempts, which is what a
/// developer who has just fixed the cause wants. The handlers are idempotent, so a blob processed twice (e.g. the
/// host stopped between handler and receipt) is harmless.
/// </remarks>
public sealed class BlobWatcher(
    IBlobStore store,
    IPipelineHandlers handlers,
    IOptions<LocalHostOptions> options,
    TimeProvider time,
    ILogger<BlobWatcher> logger) : BackgroundService
{
    private static readonly string ProcessedBy = $"pipeline host {Environment.MachineName}/{Environment.ProcessId}";
    private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.PollInterval;
        logger.LogInformation("Watching {Reference} and {Submissions} every {PollInterval}", Containers.Reference, Containers.Submissions, interval);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PollOnceAsync(stoppingToken);
                await Task.Delay(interval, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // Storage unreachable or the like: say so and keep watching, as the Functions host would.
                logger.LogError(e, "Polling storage failed; trying again in {PollInterval}", interval);
                try
                {
                    await Task.Delay(interval, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        logger.LogInformation("Stopped watching storage");
    }

    /// <summary>
    /// One round: every blob version without a receipt is handed to its handler. Returns how many handler calls
    /// succeeded. Not to be called while the service is running (rounds are meant to run one at a time).
    /// </summary>
    public async Task<int> PollOnceAsync(CancellationToken cancellationToken = default)
    {
        var receipts = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var receipt in store.ListAsync(BlobReceipt.ReceiptsContainer, cancellationToken: cancellationToken))
        {
            receipts.Add(receipt.Name);
        }

        var processed = 0;
        var reference = await store.ListAsync(Containers.Reference, cancellationToken: cancellationToken).ToListAsync(cancellationToken);
        foreach (var item in reference.Where(i => !receipts.Contains(BlobReceipt.NameOf(i))))
        {
            processed += await HandleAsync(item, async ct =>
            {
                var result = await handlers.ReferenceDataChangedAsync(item.Name, ct);
                return result is null ? "ignored" : $"mart build {result.BuildId}";
            }, cancellationToken) ? 1 : 0;
        }

        var submissions = await store.ListAsync(Containers.Submissions, cancellationToken: cancellationToken).ToListAsync(cancellationToken);
        foreach (var item in submissions
            .Where(i => !receipts.Contains(BlobReceipt.NameOf(i)))
            .Order(UploadOrder.Instance))
        {
            processed += await HandleAsync(item, async ct =>
            {
                var outcome = await handlers.IngestSubmissionAsync(item.Name, ct);
                return outcome.AlreadyProcessed ? $"{outcome.Status} (already processed)" : $"{outcome.Status}, version {outcome.Version}";
            }, cancellationToken) ? 1 : 0;
        }

        return processed;
    }

    private async Task<bool> HandleAsync(BlobItem item, Func<CancellationToken, Task<string>> handle, CancellationToken cancellationToken)
    {
        var receiptName = BlobReceipt.NameOf(item);
        _failures.TryGetValue(receiptName, out var failed);
        var attempt = failed + 1;
        logger.LogInformation("Processing {Container}/{BlobName} (attempt {Attempt})", item.Container, item.Name, attempt);
        try
        {
            var detail = await handle(cancellationToken);
            _failures.Remove(receiptName);
            await WriteReceiptAsync(receiptName, new BlobReceipt(item.Container, item.Name, item.Version, ReceiptOutcome.Processed, attempt, time.GetUtcNow(), ProcessedBy, detail), cancellationToken);
            logger.LogInformation("Processed {Container}/{BlobName}: {Detail}", item.Container, item.Name, detail);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            if (attempt < options.Value.MaxAttempts)
            {
                _failures[receiptName] = attempt;
                logger.LogWarning(e, "Processing {Container}/{BlobName} failed (attempt {Attempt} of {MaxAttempts}); retrying at the next poll",
                    item.Container, item.Name, attempt, options.Value.MaxAttempts);
                return false;
            }

            _failures.Remove(receiptName);
            if (item.Container == Containers.Submissions)
            {
                // Before the receipt: if the host stops in between, the next run retries and reports again.
                await TellStationAsync(item, attempt, cancellationToken);
            }

            await WriteReceiptAsync(receiptName, new BlobReceipt(item.Container, item.Name, item.Version, ReceiptOutcome.Quarantined, attempt, time.GetUtcNow(), ProcessedBy,
                $"{e.GetType().Name}: {e.Message}"), cancellationToken);
            logger.LogError(e, "Quarantined {Container}/{BlobName} after {Attempt} failed attempts; receipt {Receipt}. Upload it again to retry",
                item.Container, item.Name, attempt, receiptName);
            return false;
        }
    }

    private async Task TellStationAsync(BlobItem item, int attempts, CancellationToken cancellationToken)
    {
        try
        {
            await handlers.SubmissionSetAsideAsync(item.Name, attempts, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The quarantine receipt still records why; a report that cannot be written must not keep the blob cycling.
            logger.LogError(e, "Could not write the set-aside report for {BlobName}", item.Name);
        }
    }

    private async Task WriteReceiptAsync(string name, BlobReceipt receipt, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(receipt, PipelineJson.Options));
        await store.WriteAsync(BlobReceipt.ReceiptsContainer, name, content, "application/json", cancellationToken);
    }
}
