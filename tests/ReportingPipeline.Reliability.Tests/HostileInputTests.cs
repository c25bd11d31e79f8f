using System.Diagnostics;
using System.Text.Json;
using ReportingPipeline.Core.Marts;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Core.Reporting;
using ReportingPipeline.Hosting;
using ReportingPipeline.Hosting.LocalHost;
using ReportingPipeline.Testing;

namespace ReportingPipeline.Reliability.Tests;

/// <summary>
/// Issue 7, item 5: the hostile corpus, uploaded to Azurite and fed through the local host (watcher and real
/// handlers): every file ends as a rejected report, each within a time and memory bound, the host never fails, and
/// no report carries an executable formula or live markup.
/// </summary>
[Collection(AzuriteFixture.Collection)]
[Trait("Category", "reliability")]
public sealed class HostileInputTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    /// <summary>Guards, not benchmarks: generous for a 2-core machine shared with other work.</summary>
    private static readonly TimeSpan PerFileTime = TimeSpan.FromSeconds(30);

    private const long PerFileAllocation = 2L * 1024 * 1024 * 1024;

    private static readonly string[] FormulaStarts = ["=", "+", "-", "@", "\t", "\r", "＝"];

    [Fact]
    public async Task LocalHost_HostileCorpus_EveryFileRejectedInBoundsAndReportsInert()
    {
        await azurite.ResetAsync();
        var rig = new AzureRig(azurite);
        var programme = Programme.District;
        await rig.WriteReferenceAsync(programme);
        var corpus = HostileCorpus.Generate(programme);
        var storage = rig.Connect();
        var refused = new List<string>();
        var uploaded = new List<HostileFile>();
        foreach (var file in corpus)
        {
            try
            {
                await AzureRig.UploadAsync(storage.Blobs, file.BlobName, file.Content);
                uploaded.Add(file);
            }
            catch (Azure.RequestFailedException e)
            {
                // The storage service itself refuses the name: no station can upload it.
                refused.Add($"{file.BlobName} ({e.Status} {e.ErrorCode})");
            }
        }

        // Names as the service stored them (it may normalise a path): what the host sees.
        var stored = await storage.Blobs.ListAsync(Containers.Submissions).ToListAsync();
        var handlers = new MeasuringHandlers(AzureRig.Handlers(storage, "hostile host"));
        var watcher = AzureRig.Watcher(storage.Blobs, handlers);
        for (var poll = 0; poll < 3 && handlers.Calls.Count < stored.Count; poll++)
        {
            await watcher.PollOnceAsync();
        }

        Assert.True(corpus.Count >= 300, $"The corpus has only {corpus.Count} files");
        Assert.True(uploaded.Count >= 300, $"Only {uploaded.Count} files could be uploaded: {string.Join(", ", refused)}");
        Assert.Empty(handlers.Failures);
        var wrong = new List<string>();
        foreach (var item in stored)
        {
            var receipt = await storage.Blobs.OpenReadAsync(BlobReceipt.ReceiptsContainer, BlobReceipt.NameOf(item));
            Assert.True(receipt is not null, $"{item.Name} has no receipt");
            await using (receipt)
            {
                Assert.Equal(ReceiptOutcome.Processed, (await JsonSerializer.DeserializeAsync<BlobReceipt>(receipt, Core.Contract.PipelineJson.Options))!.Outcome);
            }

            var report = await rig.ReportAsync(item.Name);
            if (report is null || report.Status != "rejected")
            {
                wrong.Add($"{item.Name}: {report?.Status ?? "no report"}");
            }
            else
            {
                AssertInert(item.Name, report.Json, (await rig.ReportTextAsync(item.Name, ReportWriter.HtmlSuffix))!);
            }
        }

        Assert.Empty(wrong);

        Assert.All(handlers.Calls, c => Assert.True(c.Elapsed < PerFileTime, $"{c.BlobName} took {c.Elapsed}"));
        Assert.All(handlers.Calls, c => Assert.True(c.Allocated < PerFileAllocation, $"{c.BlobName} allocated {c.Allocated:N0} bytes"));

        // Nothing hostile reached the marts, and the host can still build them.
        await AzureRig.Handlers(storage, "marts").BuildMartsAsync();
        var ledger = await rig.LedgerAsync();
        Assert.DoesNotContain(ledger.SelectMany(e => e.Uploads), PipelineInvariants.IsAccepted);
        await PipelineInvariants.CheckMartsAsync(rig, programme.Reference, ledger);

        var slowest = handlers.Calls.MaxBy(c => c.Elapsed)!;
        var hungriest = handlers.Calls.MaxBy(c => c.Allocated)!;
        output.WriteLine($"{corpus.Count} hostile files in {corpus.Select(f => f.Family).Distinct().Count()} families; {uploaded.Count} uploaded "
            + $"({refused.Count} names refused by storage), all rejected; slowest {slowest.Elapsed.TotalMilliseconds:0} ms ({slowest.BlobName}), "
            + $"most allocation {hungriest.Allocated / 1024 / 1024} MB ({hungriest.BlobName}); median {handlers.Calls.Select(c => c.Elapsed.TotalMilliseconds).Order().ElementAt(handlers.Calls.Count / 2):0} ms");
        foreach (var name in refused)
        {
            output.WriteLine("refused by storage: " + name);
        }
    }

    /// <summary>No string in the JSON starts like a formula; no markup from the file survives into the page.</summary>
    private static void AssertInert(string blobName, string json, string html)
    {
        using var document = JsonDocument.Parse(json);
        foreach (var text in Strings(document.RootElement))
        {
            var start = text.TrimStart(' ');
            Assert.False(FormulaStarts.Any(f => start.StartsWith(f, StringComparison.Ordinal)), $"{blobName}: the report holds '{text}'");
        }

        foreach (var markup in HostileCorpus.Markup.Append("<script"))
        {
            Assert.DoesNotContain(markup, html, StringComparison.OrdinalIgnoreCase);
        }

        // Escaped text such as "&lt;img onerror=...&gt;" is inert; a tag is not.
        foreach (var tag in new[] { "<svg", "<iframe", "<img", "<a href" })
        {
            Assert.DoesNotContain(tag, html, StringComparison.OrdinalIgnoreCase);
        }
    }

    private static IEnumerable<string> Strings(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => [element.GetString()!],
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Strings(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Strings),
        _ => [],
    };

    /// <summary>One handler call: how long it took and what it allocated (process-wide, so an upper bound).</summary>
    private sealed record Call(string BlobName, TimeSpan Elapsed, long Allocated);

    /// <summary>The real handlers, timed; a handler exception is recorded (the watcher would retry, then quarantine).</summary>
    private sealed class MeasuringHandlers(IPipelineHandlers inner) : IPipelineHandlers
    {
        public List<Call> Calls { get; } = [];

        public List<string> Failures { get; } = [];

        public async Task<IngestOutcome> IngestSubmissionAsync(string blobName, CancellationToken cancellationToken = default)
        {
            var allocated = GC.GetTotalAllocatedBytes();
            var clock = Stopwatch.StartNew();
            try
            {
                return await inner.IngestSubmissionAsync(blobName, cancellationToken);
            }
            catch (Exception e)
            {
                Failures.Add($"{blobName}: {e.GetType().Name}: {e.Message}");
                throw;
            }
            finally
            {
                Calls.Add(new Call(blobName, clock.Elapsed, GC.GetTotalAllocatedBytes() - allocated));
            }
        }

        public Task<MartBuildResult?> ReferenceDataChangedAsync(string blobName, CancellationToken cancellationToken = default) =>
            inner.ReferenceDataChangedAsync(blobName, cancellationToken);

        public Task<MartBuildResult> BuildMartsAsync(CancellationToken cancellationToken = default) => inner.BuildMartsAsync(cancellationToken);

        public Task<MartBuildResult> CloseReportingPeriodAsync(CancellationToken cancellationToken = default) => inner.CloseReportingPeriodAsync(cancellationToken);

        public Task SubmissionSetAsideAsync(string blobName, int attempts, CancellationToken cancellationToken = default) =>
            inner.SubmissionSetAsideAsync(blobName, attempts, cancellationToken);
    }
}
