using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Functions;
using ReportingPipeline.Hosting;
using ReportingPipeline.Storage;
using ReportingPipeline.Storage.Azure;
using ReportingPipeline.Synthetic;
using ReportingPipeline.Testing;

namespace ReportingPipeline.Bench;

/// <summary>
/// <c>child functions-freshness --dataset DIR [--scale guangdong] [--months 12] [--uploads 2000] [--concurrency N]
/// [--max-delay S] [--history all|burst] [--trace] [--count-requests] [--intake-only]</c>: the burst of <see cref="FreshnessScenario"/> through the Functions
/// app, on a private Azurite. The app is built as <c>Program.cs</c> builds it (<see cref="FunctionsAppBuilderExtensions.AddReportingPipelineFunctions"/>,
/// storage, ledger and the build-request queue all on Azurite), and its function classes are called as the Functions host
/// calls them (no host can run here): each upload's BlobCreated event invokes <see cref="IngestSubmission"/> as soon as
/// the blob is written, at most N at a time (host.json's <c>maxDegreeOfParallelism</c>: one instance); a poller receives
/// <see cref="MartBuildQueue.Name"/> as the queue trigger does (from 100 ms, doubling while empty up to host.json's
/// <c>maxPollingInterval</c>) and invokes <see cref="BuildMartsRequested"/> for each message, deleting it after.
/// <c>--intake-only</c> leaves the queue trigger out and stops once every upload is recorded: intake alone, with no build
/// competing with it for Azurite (scenario <c>functions-intake</c>).
/// </summary>
/// <remarks>
/// Before the burst the store is staged on Azurite (<see cref="SyntheticStaging"/>, <c>--months</c> from 2025-01, the
/// same scale and seed as the dataset) and its marts built once, so the burst meets what <see cref="FreshnessScenario"/>
/// meets: a year of marts. With <c>--history burst</c> only the burst's stations' months are staged (each as among every
/// station's): what an upload's intake reads (its station's earlier months) and what the burst's builds do (the burst's
/// months, for every region and every expected station) are the same, and only the ledger their change listing runs
/// over is smaller, while Azurite, one Node.js process keeping its tables in memory, is spared a national year (450,000
/// ledger entries and staged files) it would measure itself with.
/// Azurite keeps each blob's creation time, so the uploads are received at the wall clock's time, after the months'
/// deadlines: late, which changes no status but <c>on_time</c>. Timers are not invoked: every build
/// after the burst is one the uploads asked for. What is not here: Event Grid's delivery (seconds at most in Azure) and
/// more instances (Flex Consumption adds them under a burst, so one instance is the slow end).
/// </remarks>
internal static class FunctionsFreshnessScenario
{
    /// <summary>How soon the queue trigger polls again after a message, before doubling while the queue is empty.</summary>
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(100);

    /// <summary>How long the queue trigger holds a message it is working on (renewed by the host; a build here is shorter).</summary>
    private static readonly TimeSpan MessageLease = TimeSpan.FromMinutes(10);

    public static async Task<Measurement> RunAsync(IReadOnlyDictionary<string, string> options)
    {
        var scale = Enum.Parse<Scale>(options.GetValueOrDefault("scale", nameof(Scale.Guangdong)), ignoreCase: true);
        var months = int.Parse(options.GetValueOrDefault("months", "12"), CultureInfo.InvariantCulture);
        var uploads = Freshness.Uploads(options["dataset"], int.Parse(options.GetValueOrDefault("uploads", "2000"), CultureInfo.InvariantCulture));
        var hostJson = FunctionsHostSettings.Read();
        var concurrency = options.TryGetValue("concurrency", out var c) ? int.Parse(c, CultureInfo.InvariantCulture) : hostJson.BlobParallelism;
        IReadOnlySet<string>? historyOf = options.GetValueOrDefault("history", "all") switch
        {
            "all" => null,
            "burst" => uploads.Select(u => u.Name.Split('/')[1]).ToHashSet(StringComparer.Ordinal),
            var other => throw new ArgumentException($"--history {other}: all or burst."),
        };

        var azurite = new AzuriteFixture();
        using var powerBi = new PowerBiStandIn();
        try
        {
            await azurite.InitializeAsync();
            var settings = new Dictionary<string, string?>(powerBi.Settings)
            {
                ["AzureWebJobsStorage"] = azurite.ConnectionString,
                [DataStorage.Connection] = azurite.ConnectionString,
                ["Storage:ConnectionString"] = azurite.ConnectionString,
            };
            if (options.TryGetValue("max-delay", out var delay))
            {
                settings["Pipeline:MartBuildMaxDelay"] = TimeSpan.FromSeconds(double.Parse(delay, CultureInfo.InvariantCulture)).ToString("c", CultureInfo.InvariantCulture);
            }

            var builder = FunctionsApplication.CreateBuilder([]);
            builder.Configuration.AddInMemoryCollection(settings);
            builder.AddReportingPipelineFunctions();
            if (options.ContainsKey("trace"))
            {
                // Every log line of the app on standard error, timed: where the burst's builds and ingests spend their time.
                builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; });
                builder.Logging.AddFilter("Azure", LogLevel.Warning).SetMinimumLevel(LogLevel.Information);
                builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            }

            PowerBiStandIn.AddCredential(builder.Services);
            builder.Services.Replace(ServiceDescriptor.Singleton<TimeProvider>(new RunningClock(uploads[^1].At.AddMinutes(1))));
            builder.Services.Replace(ServiceDescriptor.Singleton<IPipelineHandlers>(sp => new TimedHandlers(ActivatorUtilities.CreateInstance<PipelineHandlers>(sp))));
            using var app = builder.Build();
            var handlers = (TimedHandlers)app.Services.GetRequiredService<IPipelineHandlers>();

            var setup = Stopwatch.StartNew();
            var history = await SyntheticStaging.WriteAsync(app.Services.GetRequiredService<IBlobStore>(), app.Services.GetRequiredService<ISubmissionLedger>(),
                SyntheticReference.Generate(scale, Scenarios.Seed), Correction.FirstPeriod, months, Scenarios.Seed, maxDegreeOfParallelism: 8, stations: historyOf);
            var staged = setup.Elapsed.TotalSeconds;
            await CoverStagedYearAsync(azurite, app.Services.GetRequiredService<IOptions<StorageOptions>>().Value.LedgerTable);
            await handlers.BuildMartsAsync();
            var firstBuild = setup.Elapsed.TotalSeconds - staged;
            handlers.ForgetBuilds();

            var blobs = azurite.BlobService();
            var submissions = blobs.GetBlobContainerClient(Containers.Submissions);
            await submissions.CreateIfNotExistsAsync();
            var queue = new QueueClient(azurite.ConnectionString, MartBuildQueue.Name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
            var marker = blobs.GetBlobContainerClient(Containers.Staging).GetBlobClient(QueuedMartBuildRequests.Marker);

            // The blob trigger: each BlobCreated event invokes IngestSubmission, N at a time.
            var events = Channel.CreateUnbounded<string>();
            var ingests = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
            {
                await foreach (var name in events.Reader.ReadAllAsync())
                {
                    using var invocation = app.Services.CreateScope();
                    await ActivatorUtilities.CreateInstance<IngestSubmission>(invocation.ServiceProvider).RunAsync(submissions.GetBlobClient(name), CancellationToken.None);
                }
            })).ToList();

            // The queue trigger.
            using var stop = new CancellationTokenSource();
            var builds = new ConcurrentBag<Task>();
            var intakeOnly = options.ContainsKey("intake-only");
            var poller = intakeOnly ? Task.CompletedTask : Task.Run(() => PollAsync(app, queue, hostJson.QueueMaxPollingInterval, builds, stop.Token));

            using var requests = options.ContainsKey("count-requests")
                ? new StorageRequestCounter(new Dictionary<int, string> { [azurite.BlobPort] = "blob", [azurite.QueuePort] = "queue", [azurite.TablePort] = "table" })
                : null;
            if (requests is not null)
            {
                requests.Counting = true;
            }

            var timed = new Timed();
            var azuriteCpuAtStart = azurite.ProcessorTime;
            var written = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var (name, _) in uploads)
            {
                await using var content = File.OpenRead(Path.Combine(options["dataset"], Containers.Submissions, name));
                await submissions.GetBlobClient(name).UploadAsync(content);
                written[name] = Stopwatch.GetTimestamp();
                events.Writer.TryWrite(name);
            }

            events.Writer.Complete();
            var writeSeconds = timed.Elapsed;
            await Task.WhenAll(ingests);
            var azuriteCpuIntake = (azurite.ProcessorTime - azuriteCpuAtStart).TotalSeconds;
            var cpuIntake = timed.CpuSeconds;
            if (requests is not null)
            {
                requests.Counting = false;
                await Console.Error.WriteLineAsync($"Storage requests while ingesting {uploads.Count} uploads (the bench's own uploads and the queue poller's included):{Environment.NewLine}{requests.Report(uploads.Count)}");
            }

            if (intakeOnly)
            {
                return timed.Stop("functions-intake", new()
                {
                    ["uploads"] = uploads.Count,
                    ["write_s"] = writeSeconds,
                    ["ingested_s"] = Freshness.IngestedSeconds(handlers, written),
                    ["cpu_intake_s"] = cpuIntake,
                    ["azurite_cpu_intake_s"] = azuriteCpuIntake,
                    ["concurrency"] = concurrency,
                    ["staged_s"] = staged,
                });
            }

            // Settled: every upload recorded, no request pending or building, and a build that started after the last of
            // them has finished.
            await Freshness.WaitAsync(async () => handlers.Recorded.Count >= uploads.Count && handlers.Building == 0 && builds.All(b => b.IsCompleted)
                && handlers.Builds.Any(b => b.Started > handlers.Recorded.Values.Max(r => r.At)) && !(await marker.ExistsAsync()).Value,
                TimeSpan.FromMinutes(20), "the burst's builds");

            var settled = timed.Elapsed;
            var azuriteCpu = (azurite.ProcessorTime - azuriteCpuAtStart).TotalSeconds;
            await stop.CancelAsync();
            await poller;
            await Task.WhenAll(builds);

            var accepted = Freshness.Accepted(handlers);
            var marts = Directory.CreateTempSubdirectory("functions-freshness-marts-");
            try
            {
                await azurite.DownloadAsync(Containers.Marts, marts.FullName, prefix: "fct_submission/");
                var notInMarts = await Freshness.AcceptedMissingFromMartsAsync(marts.FullName, accepted);
                if (notInMarts > 0)
                {
                    throw new InvalidOperationException($"{notInMarts} accepted station-months are not in fct_submission at their latest version.");
                }
            }
            finally
            {
                marts.Delete(recursive: true);
            }

            var figures = Freshness.Figures(handlers, written, accepted.Count, writeSeconds, settled, powerBi);
            figures["concurrency"] = concurrency;
            figures["max_polling_s"] = hostJson.QueueMaxPollingInterval.TotalSeconds;
            figures["request_delay_s"] = app.Services.GetRequiredService<IOptions<PipelineOptions>>().Value.MartBuildMaxDelay.TotalSeconds;
            figures["staged_s"] = staged;
            figures["staged_station_months"] = history.StationMonths;
            figures["staged_files"] = history.Staged;
            figures["history_of_burst_only"] = historyOf is null ? 0 : 1;
            figures["first_build_s"] = firstBuild;
            figures["azurite_cpu_s"] = azuriteCpu;
            figures["azurite_cpu_intake_s"] = azuriteCpuIntake;
            figures["cpu_intake_s"] = cpuIntake;
            return timed.Stop("functions-freshness", figures);
        }
        finally
        {
            azurite.Dispose();
        }
    }

    /// <summary>The queue trigger: receive, invoke <see cref="BuildMartsRequested"/> per message, delete it once done.</summary>
    /// <summary>
    /// The staged year stands for months of uploads, which the ledger's changes table has covered since long before
    /// the burst, as in a deployment past its first hour: the burst's builds list that table. Staged minutes before,
    /// its coverage would begin with the staging, within the builds' ten minutes of overlap, and they would list the
    /// ledger itself (as a deployment does in the minutes after its ledger was first written).
    /// </summary>
    private static async Task CoverStagedYearAsync(AzuriteFixture azurite, string ledgerTable)
    {
        var changes = azurite.TableService().GetTableClient(TableSubmissionLedger.ChangesTableOf(ledgerTable));
        var coverage = (await changes.GetEntityAsync<TableEntity>("coverage", "coverage")).Value;
        coverage["covered_from"] = DateTimeOffset.UtcNow.AddDays(-1);
        await changes.UpdateEntityAsync(coverage, coverage.ETag);
    }

    private static async Task PollAsync(IHost app, QueueClient queue, TimeSpan maxPollingInterval, ConcurrentBag<Task> builds, CancellationToken stop)
    {
        var wait = FirstPoll;
        while (!stop.IsCancellationRequested)
        {
            Azure.Storage.Queues.Models.QueueMessage[] messages;
            try
            {
                messages = (await queue.ReceiveMessagesAsync(maxMessages: 16, visibilityTimeout: MessageLease, cancellationToken: stop)).Value;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                messages = []; // no request yet: the first one creates the queue
            }
            catch (OperationCanceledException)
            {
                return;
            }

            foreach (var message in messages)
            {
                builds.Add(Task.Run(async () =>
                {
                    using var invocation = app.Services.CreateScope();
                    await ActivatorUtilities.CreateInstance<BuildMartsRequested>(invocation.ServiceProvider).RunAsync(message.Body.ToString(), CancellationToken.None);
                    await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                }, CancellationToken.None));
            }

            wait = messages.Length > 0 ? FirstPoll : TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, maxPollingInterval.Ticks));
            try
            {
                await Task.Delay(messages.Length > 0 ? TimeSpan.Zero : wait, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>What the Functions host takes from the app's host.json for these two triggers.</summary>
    private sealed record FunctionsHostSettings(int BlobParallelism, TimeSpan QueueMaxPollingInterval)
    {
        /// <summary>The app's host.json, copied beside the bench (<c>functions-host.json</c>).</summary>
        public static FunctionsHostSettings Read()
        {
            var extensions = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions-host.json")))!["extensions"]!;
            return new(
                extensions["blobs"]!["maxDegreeOfParallelism"]!.GetValue<int>(),
                TimeSpan.Parse(extensions["queues"]!["maxPollingInterval"]!.GetValue<string>(), CultureInfo.InvariantCulture));
        }
    }
}
