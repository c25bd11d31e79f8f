using System.Text;
using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Intake;
using ReportingPipeline.Core.Marts;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Core.Reporting;
using ReportingPipeline.Hosting;
using ReportingPipeline.Hosting.LocalHost;
using ReportingPipeline.Storage;
using ReportingPipeline.Testing;

namespace ReportingPipeline.Reliability.Tests;

/// <summary>
/// The pipeline's real components over one Azurite: storage as <see cref="StorageFactory"/> builds it (the product's
/// retry settings, with shorter delays so a test does not sleep for seconds, and optionally a fault-injecting
/// policy), ingestors and handlers that say who they are, and readers of what the pipeline left behind.
/// </summary>
public sealed class AzureRig(AzuriteFixture azurite)
{
    public const string LedgerTable = "SubmissionLedger";

    /// <summary>The in-process tests' clock: 20 May 2026 (April's deadline has passed, May has not ended).</summary>
    public static readonly TimeProvider Clock = new FixedTimeProvider(new DateTimeOffset(2026, 5, 20, 8, 0, 0, TimeSpan.FromHours(8)));

    public AzuriteFixture Azurite => azurite;

    /// <summary>New clients, as a restarted worker would have; <paramref name="policy"/> sees every HTTP request.</summary>
    public PipelineStorage Connect(HttpPipelinePolicy? policy = null)
    {
        var blobOptions = Fast(StorageFactory.WithRetries(new BlobClientOptions()));
        var tableOptions = Fast(StorageFactory.WithRetries(new TableClientOptions()));
        if (policy is not null)
        {
            blobOptions.AddPolicy(policy, HttpPipelinePosition.PerRetry);
            tableOptions.AddPolicy(policy, HttpPipelinePosition.PerRetry);
        }

        return StorageFactory.Create(new BlobServiceClient(azurite.ConnectionString, blobOptions), new TableServiceClient(azurite.ConnectionString, tableOptions), LedgerTable, "azurite");
    }

    public static SubmissionIngestor Ingestor(PipelineStorage storage, string processedBy, TimeProvider? time = null) =>
        new(storage.Blobs, storage.Ledger, new ReferenceStore(storage.Blobs), time ?? Clock,
            IntakeOptions.Default with { ProcessedBy = processedBy }, NullLogger<SubmissionIngestor>.Instance);

    public static PipelineHandlers Handlers(PipelineStorage storage, string processedBy, TimeProvider? time = null)
    {
        var references = new ReferenceStore(storage.Blobs);
        var ingestor = new SubmissionIngestor(storage.Blobs, storage.Ledger, references, time ?? Clock,
            IntakeOptions.Default with { ProcessedBy = processedBy }, NullLogger<SubmissionIngestor>.Instance);
        return new PipelineHandlers(storage.Blobs, ingestor, references, new MartBuilder(storage.Blobs, storage.Ledger, NullLogger<MartBuilder>.Instance),
            time ?? Clock, Options.Create(new PipelineOptions()), [], [], NullLogger<PipelineHandlers>.Instance);
    }

    public static BlobWatcher Watcher(IBlobStore store, IPipelineHandlers handlers, int maxAttempts = 5) =>
        new(store, handlers, Options.Create(new LocalHostOptions { MaxAttempts = maxAttempts, PollInterval = TimeSpan.FromMilliseconds(100) }),
            TimeProvider.System, NullLogger<BlobWatcher>.Instance);

    public async Task WriteReferenceAsync(Programme programme)
    {
        var store = Connect().Blobs;
        await store.WriteAsync(Containers.Reference, ReferenceStore.RegionsFile, new MemoryStream(Encoding.UTF8.GetBytes(programme.Files.RegionsCsv)), "text/csv");
        await store.WriteAsync(Containers.Reference, ReferenceStore.StationsFile, new MemoryStream(Encoding.UTF8.GetBytes(programme.Files.StationsCsv)), "text/csv");
    }

    /// <summary>An upload as a station makes it: never over an existing blob.</summary>
    public static async Task<BlobItem> UploadAsync(IBlobStore store, string blobName, byte[] content)
    {
        Assert.True(await store.TryCreateAsync(Containers.Submissions, blobName, new MemoryStream(content), "application/octet-stream"), $"{blobName} already exists");
        return (await store.GetItemAsync(Containers.Submissions, blobName))!;
    }

    public async Task<IReadOnlyList<LedgerEntry>> LedgerAsync() =>
        await Connect().Ledger.ListAsync().ToListAsync();

    /// <summary>The station's report of an upload, as written (null when there is none).</summary>
    public async Task<StationReport?> ReportAsync(string blobName)
    {
        var json = await ReportTextAsync(blobName, ReportWriter.JsonSuffix);
        if (json is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return new StationReport(
            root.GetProperty("status").GetString()!,
            root.GetProperty("version").ValueKind == JsonValueKind.Number ? root.GetProperty("version").GetInt32() : null,
            root.GetProperty("sha256").GetString()!,
            [.. root.GetProperty("issues").EnumerateArray().Select(i => i.GetProperty("rule_id").GetString()!)],
            json);
    }

    public async Task<string?> ReportTextAsync(string blobName, string suffix)
    {
        await using var stream = await Connect().Blobs.OpenReadAsync(Containers.Reports, SubmissionIngestor.ReportBaseName(blobName) + suffix);
        if (stream is null)
        {
            return null;
        }

        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    /// <summary>Copies the <c>marts</c> container into a fresh folder, for DuckDB.</summary>
    public async Task<string> DownloadMartsAsync()
    {
        var folder = Directory.CreateTempSubdirectory("marts-").FullName;
        var store = Connect().Blobs;
        await foreach (var item in store.ListAsync(Containers.Marts))
        {
            var path = Path.Combine(folder, item.Name.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await using var source = await store.OpenReadAsync(Containers.Marts, item.Name);
            await using var target = File.Create(path);
            await source!.CopyToAsync(target);
        }

        return folder;
    }

    private static T Fast<T>(T options)
        where T : ClientOptions
    {
        // The product's mode and retry count; milliseconds instead of seconds between attempts.
        options.Retry.Delay = TimeSpan.FromMilliseconds(20);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(400);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(20);
        return options;
    }
}

/// <summary>What a station reads in its report: status as written (snake_case), version, sha256, rule ids, the whole JSON.</summary>
public sealed record StationReport(string Status, int? Version, string Sha256, IReadOnlyList<string> RuleIds, string Json);
