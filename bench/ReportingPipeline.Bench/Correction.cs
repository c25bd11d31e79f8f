using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Intake;
using ReportingPipeline.Core.Marts;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Core.Validation;
using ReportingPipeline.Hosting.LocalFolder;
using ReportingPipeline.Storage.LocalFolder;

namespace ReportingPipeline.Bench;

/// <summary>
/// The correction the bench times, the build that is timed, and the months its staged stores cover: shared by the
/// bench's <c>build</c> and <c>resubmit</c> children and the ahead-of-time-compiled program
/// (<c>bench/ReportingPipeline.Bench.Aot</c>, which links this file), so that both time the same work after the same change.
/// </summary>
internal static class Correction
{
    /// <summary>Every generated dataset starts here; <see cref="NowAfter"/> closes its last month.</summary>
    public static readonly Period FirstPeriod = new(2025, 1);

    /// <summary>A moment after the deadline of the dataset's last month and before the next one's: the build covers exactly <paramref name="months"/> months.</summary>
    public static DateTimeOffset NowAfter(int months)
    {
        var next = FirstPeriod.Add(months);
        return new DateTimeOffset(next.Year, next.Month, 20, 4, 0, 0, TimeSpan.Zero);
    }

    /// <summary>
    /// The timed part of a build: the reference loaded from the store, then the marts built as of <see cref="NowAfter"/>,
    /// each month's files in parts of at least <paramref name="partStations"/> stations (the pipeline's default unless
    /// a measurement asks what other parts would cost: <c>--part-stations N</c>).
    /// </summary>
    public static async Task<MartBuildResult> BuildMartsAsync(LocalFolderBlobStore store, string storeRoot, int months, ILogger<MartBuilder> logger,
        int partStations = MartParts.DefaultMinStations)
    {
        var reference = await new ReferenceStore(store).GetAsync();
        logger.LogInformation("Reference loaded");
        var ledger = new FolderLedger(Path.Combine(storeRoot, LocalPipeline.LedgerFolder));
        return await Builder(store, ledger, logger, partStations).BuildAsync(reference, NowAfter(months), DeadlinePolicy.Default);
    }

    /// <summary>The builder the bench times: parts of at least <paramref name="partStations"/> stations.</summary>
    public static MartBuilder Builder(LocalFolderBlobStore store, FolderLedger ledger, ILogger<MartBuilder> logger, int partStations = MartParts.DefaultMinStations) =>
        new(store, ledger, logger) { MinPartStations = partStations };

    /// <summary>One station sends a corrected file for the month: a new accepted version, staged and recorded as intake would.</summary>
    public static async Task CorrectAsync(LocalFolderBlobStore store, FolderLedger ledger, Period period, int months)
    {
        VersionedLedgerEntry? target = null;
        await foreach (var entry in ledger.ListAsync(period))
        {
            if (entry.Current is not null)
            {
                target = await ledger.GetAsync(entry.Period, entry.StationCode);
                break;
            }
        }

        if (target?.Entry.Current is not { } current)
        {
            throw new InvalidOperationException($"No accepted submission in {period} to correct.");
        }

        StagedSubmission staged;
        await using (var stream = await store.OpenReadAsync(Containers.Staging, StagedSubmission.BlobNameFor(period, target.Entry.StationCode, current.Sha256))
            ?? throw new InvalidOperationException("The current version has no staged file."))
        {
            staged = (await JsonSerializer.DeserializeAsync<StagedSubmission>(stream, PipelineJson.Options))!;
        }

        // New figures on every run (a run's correction is the next run's current version), received after the
        // current version (some synthetic corrections arrive after the bench's "now"), so that it becomes current.
        var corrected = staged.Submission! with { Station = staged.Submission!.Station with { Volunteers = (staged.Submission.Station.Volunteers ?? 0) + target.Entry.Uploads.Count } };
        var json = JsonSerializer.SerializeToUtf8Bytes(corrected, PipelineJson.Compact);
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(json));
        var receivedAt = NowAfter(months).AddHours(-1) is var beforeNow && beforeNow > current.ReceivedAt ? beforeNow : current.ReceivedAt.AddMinutes(1);
        var blobName = string.Create(CultureInfo.InvariantCulture, $"{period}/{target.Entry.StationCode}/correction-{target.Entry.Uploads.Count}.json");
        var decision = IntakeDecider.Decide(target.Entry, new IncomingUpload(blobName, period, target.Entry.StationCode, sha, json.Length, receivedAt),
            new ValidationResult(corrected, []), DeadlinePolicy.Default, receivedAt, "bench");
        var stagedCorrection = new StagedSubmission(blobName, sha, decision.Status, decision.Version, receivedAt, decision.OnTime, corrected, []);
        using (var content = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(stagedCorrection, PipelineJson.Compact)))
        {
            await store.TryCreateAsync(Containers.Staging, StagedSubmission.BlobNameFor(period, target.Entry.StationCode, sha), content, "application/json");
        }

        if (!await ledger.TryReplaceAsync(decision.Entry, target.ETag))
        {
            throw new InvalidOperationException("The ledger entry changed under the benchmark.");
        }
    }
}
