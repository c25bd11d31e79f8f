using System.Security.Cryptography;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Core.Reading;
using ReportingPipeline.Core.Reference;
using ReportingPipeline.Core.Reporting;
using ReportingPipeline.Core.Validation;

namespace ReportingPipeline.Core.Intake;

/// <summary>A file as the intake holds it: its bytes (null when over the size limit, never read into memory whole), their SHA-256 and its size.</summary>
public sealed record UploadContent(byte[]? Bytes, string Sha256, long Size)
{
    /// <summary>
    /// An upload the store already says is over <see cref="ReadLimits.MaxFileBytes"/>: never opened. An upload link
    /// lets a station declare any size (even a sparse page blob of terabytes), and reading it to the end only to hash it
    /// would hold the intake for as long as the station likes. Its <see cref="Sha256"/> is therefore not of its bytes but
    /// of its name, size and creation time: it identifies this one upload and never matches another.
    /// </summary>
    public static UploadContent Unread(string blobName, long size, DateTimeOffset createdOn) =>
        new(null, Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
            $"unread:{blobName}:{size.ToString(System.Globalization.CultureInfo.InvariantCulture)}:{createdOn.UtcDateTime:o}"))), size);

    /// <summary>Reads <paramref name="stream"/> up to <see cref="ReadLimits.MaxFileBytes"/>; past it only hashes the rest.</summary>
    public static async Task<UploadContent> ReadAsync(Stream stream, ReadLimits limits, CancellationToken cancellationToken = default)
    {
        var limit = limits.MaxFileBytes;
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                // The hash still covers the whole file, so a re-upload of the same oversized file is recognised.
                using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                sha.AppendData(buffer.GetBuffer(), 0, (int)buffer.Length);
                sha.AppendData(chunk, 0, read);
                var size = buffer.Length + read;
                while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
                {
                    sha.AppendData(chunk, 0, read);
                    size += read;
                }

                return new UploadContent(null, Convert.ToHexStringLower(sha.GetHashAndReset()), size);
            }

            buffer.Write(chunk, 0, read);
        }

        var bytes = buffer.ToArray();
        return new UploadContent(bytes, Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes.Length);
    }
}

/// <summary>
/// Reading, validating and deciding one file: the one piece of code that judges a file, whoever asks. The ingestor
/// judges an upload with it, <c>pipeline validate</c> a file on disk (as the first upload of its month), and the
/// synthetic staging its generated uploads, all with the configured <see cref="IntakeOptions"/> (size limits,
/// deadline), so that a file is judged the same way everywhere.
/// </summary>
public sealed class IntakeJudge(IntakeOptions options)
{
    public IntakeOptions Options { get; } = options;

    /// <summary>Read: the file in the contract's sections, or why it cannot be read (over the size limit, unsupported, corrupt...).</summary>
    /// <param name="size">The size the store reports, for a file over the limit (else the content's).</param>
    public RawSubmission Read(UploadContent content, string fileName, long? size = null) =>
        content.Bytes is null
            ? SubmissionFileReader.TooLarge(fileName, size ?? content.Size, Options.Limits)
            : SubmissionFileReader.Read(new MemoryStream(content.Bytes, writable: false), fileName, Options.Limits);

    /// <summary>Validate: the rule catalogue against the reference and the station's recent accepted months' totals (<paramref name="history"/>).</summary>
    public static ValidationResult Validate(RawSubmission raw, ReferenceData reference, string? stationCode, Period? period, DateTimeOffset receivedAt, IReadOnlyList<MonthCountTotals> history) =>
        SubmissionValidator.Validate(raw, new ValidationContext(reference, stationCode, period, receivedAt, history));

    /// <summary>Decide (pure): status, version and on-time against the station-month's ledger entry as it is now.</summary>
    public IntakeDecision Decide(LedgerEntry? current, IncomingUpload upload, ValidationResult validation, DateTimeOffset processedAt) =>
        IntakeDecider.Decide(current, upload, validation, Options.Deadline, processedAt, Options.ProcessedBy);

    /// <summary>The report of a decided upload.</summary>
    public SubmissionReport Report(IntakeDecision decision, ValidationResult validation, ReferenceData reference) =>
        SubmissionReportBuilder.Build(decision, validation, reference, Options.Deadline);

    /// <summary>The report of a file that cannot be placed in a station-month (its path or header does not say which): rejected.</summary>
    public SubmissionReport Unplaced(string blobName, string? stationCode, Period? period, string sha256, long bytes, DateTimeOffset receivedAt, DateTimeOffset processedAt, ValidationResult validation, ReferenceData? reference) =>
        SubmissionReportBuilder.Rejected(blobName, stationCode, period, sha256, bytes, receivedAt, processedAt, validation, reference, Options.Deadline);
}
