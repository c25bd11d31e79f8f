using System.Text.Json;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Core.Validation;

namespace ReportingPipeline.Core.Intake;

/// <summary>
/// A processed upload in canonical form, kept in <c>staging/{period}/{station}/{sha256}.json</c>: the
/// validated submission (when it was readable and accepted) and its issues. The marts are built from
/// these, so a rebuild never re-reads a raw workbook.
/// </summary>
public sealed record StagedSubmission(
    string BlobName,
    string Sha256,
    SubmissionStatus Status,
    int? Version,
    DateTimeOffset ReceivedAt,
    bool OnTime,
    Submission? Submission,
    IReadOnlyList<ValidationIssue> Issues)
{
    public static string BlobNameFor(Period period, string stationCode, string sha256) => $"{period}/{stationCode}/{sha256}.json";

    /// <summary>
    /// The staged file of an upload, or null when there is none: the one reader of <c>staging</c>, used by the
    /// ingestor (a redelivered upload) and the mart builder.
    /// </summary>
    public static async Task<StagedSubmission?> ReadAsync(IBlobStore store, Period period, string stationCode, string sha256, CancellationToken cancellationToken = default)
    {
        await using var stream = await store.OpenReadAsync(Containers.Staging, BlobNameFor(period, stationCode, sha256), cancellationToken);
        return stream is null ? null : await PipelineJson.ReadAsync<StagedSubmission>(stream, cancellationToken);
    }

    /// <summary>
    /// Writes the staged file unless it exists: content-addressed, so an existing file already holds this
    /// content. The one writer of <c>staging</c>, used by the ingestor and the synthetic staging. Returns the
    /// bytes of the canonical form (compact: a national year stages half a million of them).
    /// </summary>
    public async Task<long> TryWriteAsync(IBlobStore store, Period period, string stationCode, CancellationToken cancellationToken = default)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(this, PipelineJson.Compact);
        await store.TryCreateAsync(Containers.Staging, BlobNameFor(period, stationCode, Sha256), new MemoryStream(json, writable: false), "application/json", cancellationToken);
        return json.Length;
    }
}
