using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Core.Reading;
using ReportingPipeline.Core.Reference;
using ReportingPipeline.Core.Reporting;
using ReportingPipeline.Core.Validation;

namespace ReportingPipeline.Core.Intake;

/// <summary>How the intake judges uploads.</summary>
/// <param name="ProcessedBy">Who processes: recorded in the ledger's audit trail (host and process).</param>
public sealed record IntakeOptions(DeadlinePolicy Deadline, ReadLimits Limits, string ProcessedBy, int HistoryMonths = 6)
{
    public static IntakeOptions Default { get; } = new(DeadlinePolicy.Default, ReadLimits.Default, $"{Environment.MachineName}/{Environment.ProcessId}");
}

/// <summary>What became of one upload.</summary>
public sealed record IngestResult(SubmissionReport Report, bool AlreadyProcessed, string ReportJsonName, string ReportHtmlName)
{
    /// <summary>
    /// This call recorded something the marts show (a new version, accepted, with warnings or rejected, of this upload or
    /// of an earlier one it caught up on): the next mart build rebuilds a month. False for a duplicate, a redelivery, and an
    /// upload outside any station folder, which change no mart row.
    /// </summary>
    public bool MartsAffected { get; init; }
}

/// <summary>
/// Everything that happens to one uploaded file: read, validate, decide, stage, record in the ledger,
/// report. Safe to call again for the same blob (a redelivered event changes nothing) and from several
/// workers at once (the ledger's ETag decides who writes each version).
/// </summary>
public sealed class SubmissionIngestor(
    IBlobStore store,
    ISubmissionLedger ledger,
    ReferenceStore references,
    TimeProvider time,
    IntakeOptions options,
    ILogger<SubmissionIngestor> logger)
{
    private const int MaxLedgerAttempts = 50;

    private readonly IntakeJudge _judge = new(options);

    public async Task<IngestResult> IngestAsync(string blobName, CancellationToken cancellationToken = default)
    {
        if (!SubmissionPath.IsAddressable(blobName))
        {
            return await RejectUnaddressableAsync(blobName, cancellationToken);
        }

        if (!SubmissionPath.TryParse(blobName, out var path))
        {
            return await IngestOneAsync(blobName, null, cancellationToken);
        }

        // One listing of the station-month's uploads gives both the earlier uploads to catch up on and this blob's
        // properties (a storage call fewer than reading them apart). They serve the ingest too, unless earlier uploads
        // were ingested in between (then they are read again, as of now).
        var uploads = await store.ListAsync(Containers.Submissions, $"{path.Period}/{path.StationCode}/", cancellationToken).ToListAsync(cancellationToken);
        var item = uploads.Find(u => u.Name == blobName);
        var caughtUp = item is not null
            ? await CatchUpEarlierUploadsAsync(path, item, uploads, blobName, cancellationToken)
            : (Ingested: false, MartsAffected: false);
        var result = await IngestOneAsync(blobName, caughtUp.Ingested ? null : item, cancellationToken);
        return caughtUp.MartsAffected ? result with { MartsAffected = true } : result;
    }

    /// <summary>
    /// A blob whose name would send any request for it elsewhere (<see cref="SubmissionPath.IsAddressable"/>): rejected
    /// with <see cref="RuleCatalogue.BadPath"/> without touching it, the report kept under a name derived from a hash.
    /// </summary>
    private async Task<IngestResult> RejectUnaddressableAsync(string blobName, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var issue = RuleCatalogue.BadPath.Issue(SourceLocation.File, value: blobName);
        var report = _judge.Unplaced(blobName, null, null, string.Empty, 0, now, now, new ValidationResult(null, [issue]), null);
        logger.LogWarning("{BlobName}: a name that cannot be addressed safely; rejected without reading it", blobName);
        return await WriteReportAsync(report, false, cancellationToken);
    }

    /// <summary>The report's blob name without its suffix: the upload's own name, or for an unaddressable one a stand-in.</summary>
    public static string ReportBaseName(string blobName) =>
        SubmissionPath.IsAddressable(blobName)
            ? blobName
            : "_unaddressable/" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(blobName)))[..32];

    /// <summary>
    /// The report for an upload a host set aside after <paramref name="attempts"/> failed attempts (a poison blob),
    /// so that the station learns of it: a rejected-style report with <see cref="RuleCatalogue.SetAside"/>. Nothing is
    /// written when the ledger already records the blob (its report then tells the truth); null in that case.
    /// </summary>
    public async Task<IngestResult?> ReportSetAsideAsync(string blobName, int attempts, CancellationToken cancellationToken = default)
    {
        if (!SubmissionPath.IsAddressable(blobName))
        {
            return await RejectUnaddressableAsync(blobName, cancellationToken);
        }

        var parsed = SubmissionPath.TryParse(blobName, out var path);
        if (parsed && (await ledger.GetAsync(path!.Period, path.StationCode, cancellationToken))?.Entry.Uploads.Any(u => u.BlobName == blobName) == true)
        {
            return null;
        }

        var item = await store.GetItemAsync(Containers.Submissions, blobName, cancellationToken);
        var now = time.GetUtcNow();
        var issue = RuleCatalogue.SetAside.Issue(SourceLocation.File,
            args: new Dictionary<string, string> { ["attempts"] = attempts.ToString(CultureInfo.InvariantCulture) });
        var report = _judge.Unplaced(blobName, path?.StationCode, path?.Period, string.Empty, item?.Size ?? 0, item?.CreatedOn ?? now, now,
            new ValidationResult(null, [issue]), null);
        logger.LogWarning("{BlobName}: set aside after {Attempts} failed attempts; report written", blobName, attempts);
        return await WriteReportAsync(report, false, cancellationToken);
    }

    /// <summary>
    /// Versions follow upload order even when events arrive out of order (two workers, a redelivery, a restart): the
    /// station-month's uploads created before this one that the ledger does not know yet are ingested first. A failure
    /// there is left to that blob's own event, so one broken upload never blocks a later one.
    /// </summary>
    /// <param name="uploads">The station-month's folder as listed just now.</param>
    private async Task<(bool Ingested, bool MartsAffected)> CatchUpEarlierUploadsAsync(SubmissionPath path, BlobItem item, IReadOnlyList<BlobItem> uploads, string blobName, CancellationToken cancellationToken)
    {
        var earlier = uploads.Where(other => SubmissionPath.TryParse(other.Name, out _) && UploadOrder.IsBefore(other, item)).ToList();
        if (earlier.Count == 0)
        {
            return (false, false);
        }

        bool ingested = false, affected = false;
        var recorded = (await ledger.GetAsync(path.Period, path.StationCode, cancellationToken))?.Entry.Uploads.Select(u => u.BlobName).ToHashSet(StringComparer.Ordinal) ?? [];
        foreach (var other in earlier.Where(o => !recorded.Contains(o.Name)).Order(UploadOrder.Instance))
        {
            try
            {
                logger.LogInformation("{BlobName} was uploaded before {LaterBlobName} but is not in the ledger yet: ingesting it first", other.Name, blobName);
                ingested = true;
                affected |= (await IngestOneAsync(other.Name, null, cancellationToken)).MartsAffected;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Ingesting the earlier upload {BlobName} failed; it is retried by its own event", other.Name);
            }
        }

        return (ingested, affected);
    }

    /// <param name="known">The blob's properties when the caller has just read them; else they are read here.</param>
    private async Task<IngestResult> IngestOneAsync(string blobName, BlobItem? known, CancellationToken cancellationToken)
    {
        var item = known ?? await store.GetItemAsync(Containers.Submissions, blobName, cancellationToken)
            ?? throw new FileNotFoundException($"No blob {Containers.Submissions}/{blobName}.");
        var reference = await references.GetAsync(cancellationToken);
        UploadContent content;
        if (item.Size > options.Limits.MaxFileBytes)
        {
            content = UploadContent.Unread(blobName, item.Size, item.CreatedOn);
        }
        else
        {
            await using var stream = await store.OpenReadAsync(Containers.Submissions, blobName, cancellationToken)
                ?? throw new FileNotFoundException($"No blob {Containers.Submissions}/{blobName}.");
            content = await UploadContent.ReadAsync(stream, options.Limits, cancellationToken);
        }

        var sha256 = content.Sha256;
        var receivedAt = item.CreatedOn;
        var fileName = SubmissionPath.FileNameOf(blobName);

        if (!SubmissionPath.TryParse(blobName, out var path))
        {
            var issue = RuleCatalogue.BadPath.Issue(SourceLocation.File, value: blobName);
            var rejected = new ValidationResult(null, [issue]);
            var report = _judge.Unplaced(blobName, null, null, sha256, item.Size, receivedAt, time.GetUtcNow(), rejected, reference);
            return await WriteReportAsync(report, false, cancellationToken);
        }

        var raw = _judge.Read(content, fileName, item.Size);
        var history = await LoadHistoryAsync(path, cancellationToken);
        var validation = IntakeJudge.Validate(raw, reference, path.StationCode, path.Period, receivedAt, history);
        var upload = new IncomingUpload(blobName, path.Period, path.StationCode, sha256, item.Size, receivedAt);

        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var current = await ledger.GetAsync(path.Period, path.StationCode, cancellationToken);
            var processedAt = time.GetUtcNow();
            var decision = _judge.Decide(current?.Entry, upload, validation, processedAt);
            if (!decision.AlreadyProcessed)
            {
                // Staged before the ledger points at it, so the marts never meet a version without its content.
                await StageAsync(path, decision, validation, cancellationToken);
                var written = current is null
                    ? await ledger.TryAddAsync(decision.Entry, cancellationToken)
                    : await ledger.TryReplaceAsync(decision.Entry, current.ETag, cancellationToken);
                if (!written)
                {
                    if (attempt >= MaxLedgerAttempts)
                    {
                        throw new InvalidOperationException($"Gave up recording {blobName} after {attempt} concurrent ledger updates.");
                    }

                    logger.LogDebug("Ledger entry {Period}/{StationCode} changed while recording {BlobName}; retrying", path.Period, path.StationCode, blobName);
                    await Task.Delay(Random.Shared.Next(5, 20 * Math.Min(attempt, 10)), cancellationToken);
                    continue;
                }
            }
            else
            {
                // Recorded by an earlier attempt, which may have stopped before the ledger's store listed the change
                // (the event is redelivered because that attempt failed): listed again, for the next build to read.
                await ledger.MarkChangedAsync(path.Period, path.StationCode, cancellationToken);
            }

            var report = _judge.Report(decision, validation, reference);
            var result = await WriteReportAsync(report, decision.AlreadyProcessed, cancellationToken) with
            {
                MartsAffected = !decision.AlreadyProcessed && decision.Status != SubmissionStatus.Duplicate,
            };
            logger.LogInformation("{BlobName}: {Status}, version {Version}, {Errors} errors, {Warnings} warnings{Redelivered}",
                blobName, report.Status, report.Version, report.Errors, report.Warnings, decision.AlreadyProcessed ? " (already processed)" : string.Empty);
            return result;
        }
    }

    /// <summary>
    /// The count totals of the station's accepted submissions of the months before this one. The months are looked up at
    /// once: each is a ledger read (and for an entry recorded before the ledger kept totals, a staged file's read), which
    /// on Azure Storage are round trips, and one after the other they were most of an upload's wait.
    /// </summary>
    private async Task<IReadOnlyList<MonthCountTotals>> LoadHistoryAsync(SubmissionPath path, CancellationToken cancellationToken)
    {
        var months = Enumerable.Range(1, options.HistoryMonths)
            .Select(i => path.Period.Add(-i))
            .TakeWhile(period => period >= Period.ProgrammeStart)
            .Select(period => AcceptedTotalsAsync(period, path.StationCode, cancellationToken));
        var found = await Task.WhenAll(months);
        return [.. found.OfType<MonthCountTotals>()];
    }

    /// <summary>
    /// The count totals of the station's current accepted submission of <paramref name="period"/>, if it has one: kept
    /// with its upload in the ledger, or summed from its staged file when the upload was recorded before they were.
    /// </summary>
    private async Task<MonthCountTotals?> AcceptedTotalsAsync(Period period, string stationCode, CancellationToken cancellationToken)
    {
        if ((await ledger.GetAsync(period, stationCode, cancellationToken))?.Entry.Current is not { } current)
        {
            return null;
        }

        if (current.CountTotals is { } totals)
        {
            return new MonthCountTotals(period, stationCode, totals);
        }

        return await StagedSubmission.ReadAsync(store, period, stationCode, current.Sha256, cancellationToken) is { Submission: { } submission }
            ? MonthCountTotals.Of(submission)
            : null;
    }

    private async Task StageAsync(SubmissionPath path, IntakeDecision decision, ValidationResult validation, CancellationToken cancellationToken)
    {
        if (decision.Status == SubmissionStatus.Duplicate)
        {
            return;
        }

        var staged = new StagedSubmission(decision.Upload.BlobName, decision.Upload.Sha256, decision.Status, decision.Version,
            decision.Upload.ReceivedAt, decision.OnTime, decision.Status == SubmissionStatus.Rejected ? null : validation.Submission, validation.Issues);
        await staged.TryWriteAsync(store, path.Period, path.StationCode, cancellationToken);
    }

    private async Task<IngestResult> WriteReportAsync(SubmissionReport report, bool alreadyProcessed, CancellationToken cancellationToken)
    {
        var jsonName = ReportBaseName(report.BlobName) + ReportWriter.JsonSuffix;
        var htmlName = ReportBaseName(report.BlobName) + ReportWriter.HtmlSuffix;
        using (var json = new MemoryStream(ReportWriter.ToJson(report), writable: false))
        {
            await store.WriteAsync(Containers.Reports, jsonName, json, "application/json; charset=utf-8", cancellationToken);
        }

        using (var html = new MemoryStream(ReportWriter.ToHtml(report), writable: false))
        {
            await store.WriteAsync(Containers.Reports, htmlName, html, "text/html; charset=utf-8", cancellationToken);
        }

        return new IngestResult(report, alreadyProcessed, jsonName, htmlName);
    }
}
