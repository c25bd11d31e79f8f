using System.Security.Cryptography;
using System.Text.Json;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Intake;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Core.Reading;
using ReportingPipeline.Core.Reference;
using ReportingPipeline.Core.Validation;

namespace ReportingPipeline.Synthetic;

/// <summary>Counts of what <see cref="SyntheticStaging"/> wrote.</summary>
public sealed record SyntheticStagingSummary(int StationMonths, int Missing, int Uploads, int Staged, long StagedBytes);

/// <summary>
/// Writes a synthetic dataset directly in the pipeline's processed form (ledger entries and
/// <c>staging/{period}/{station}/{sha256}.json</c>), skipping the upload files, so that the mart build can be
/// measured alone at national scale, where hundreds of thousands of uploads would only measure the disk.
/// </summary>
/// <remarks>
/// Each planned upload goes through the real judgement (rendered as a station system's JSON, read, validated,
/// decided by <see cref="IntakeDecider"/>), so the ledger and staged files are what intake would have written;
/// only the outlier rules, which need the station's history, see none. Given <c>stations</c>, only their months are
/// written, each as among every station's.
/// </remarks>
public static class SyntheticStaging
{
    /// <summary>The intake's own judge, with the default limits and deadline, recording "synthetic" as who processed.</summary>
    private static readonly IntakeJudge Judge = new(IntakeOptions.Default with { ProcessedBy = "synthetic" });

    public static async Task<SyntheticStagingSummary> WriteAsync(
        IBlobStore store,
        ISubmissionLedger ledger,
        SyntheticReferenceFiles referenceFiles,
        Period firstPeriod,
        int months,
        int seed,
        int? maxDegreeOfParallelism = null,
        IReadOnlySet<string>? stations = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(months, 1);
        await WriteTextAsync(store, ReferenceStore.RegionsFile, referenceFiles.RegionsCsv, cancellationToken);
        await WriteTextAsync(store, ReferenceStore.StationsFile, referenceFiles.StationsCsv, cancellationToken);
        var reference = referenceFiles.Load();
        var generator = new SyntheticSubmissions(reference, seed);
        int stationMonths = 0, missing = 0, uploads = 0, staged = 0;
        long stagedBytes = 0;

        await Parallel.ForEachAsync(
            generator.Plan(firstPeriod, firstPeriod.Add(months - 1), stations),
            new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism ?? Environment.ProcessorCount, CancellationToken = cancellationToken },
            async (plan, ct) =>
            {
                Interlocked.Increment(ref stationMonths);
                if (plan.IsMissing)
                {
                    Interlocked.Increment(ref missing);
                    return;
                }

                // A station-month is one ledger entry: its uploads are decided in order, as intake would.
                LedgerEntry? entry = null;
                foreach (var upload in plan.Uploads)
                {
                    using var content = new MemoryStream();
                    SubmissionJsonWriter.Write(content, upload.Submission);
                    var bytes = content.ToArray();
                    var blobName = $"{plan.Period}/{plan.Station.StationCode}/{plan.Station.StationCode}_{plan.Period}_v{upload.Attempt}.json";
                    var file = new UploadContent(bytes, Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes.Length);
                    var raw = Judge.Read(file, blobName);
                    var validation = IntakeJudge.Validate(raw, reference, plan.Station.StationCode, plan.Period, upload.ReceivedAt, []);
                    var incoming = new IncomingUpload(blobName, plan.Period, plan.Station.StationCode, file.Sha256, bytes.Length, upload.ReceivedAt);
                    var decision = Judge.Decide(entry, incoming, validation, upload.ReceivedAt.AddSeconds(1));
                    entry = decision.Entry;
                    Interlocked.Increment(ref uploads);
                    if (decision.Status == SubmissionStatus.Duplicate)
                    {
                        continue;
                    }

                    var stagedSubmission = new StagedSubmission(blobName, incoming.Sha256, decision.Status, decision.Version, upload.ReceivedAt, decision.OnTime,
                        decision.Status == SubmissionStatus.Rejected ? null : validation.Submission, validation.Issues);
                    var bytesStaged = await stagedSubmission.TryWriteAsync(store, plan.Period, plan.Station.StationCode, ct);
                    Interlocked.Increment(ref staged);
                    Interlocked.Add(ref stagedBytes, bytesStaged);
                }

                if (entry is not null && !await ledger.TryAddAsync(entry, ct))
                {
                    throw new InvalidOperationException($"The ledger already has {plan.Period}/{plan.Station.StationCode}: stage into an empty store.");
                }
            });

        return new SyntheticStagingSummary(stationMonths, missing, uploads, staged, stagedBytes);
    }

    private static async Task WriteTextAsync(IBlobStore store, string name, string text, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(new System.Text.UTF8Encoding(false).GetBytes(text), writable: false);
        await store.WriteAsync(Containers.Reference, name, content, "text/csv; charset=utf-8", cancellationToken);
    }
}
