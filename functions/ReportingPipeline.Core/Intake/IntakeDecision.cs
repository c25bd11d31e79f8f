using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Core.Validation;

namespace ReportingPipeline.Core.Intake;

/// <summary>An upload as the intake sees it before deciding.</summary>
public sealed record IncomingUpload(string BlobName, Period Period, string StationCode, string Sha256, long Bytes, DateTimeOffset ReceivedAt);

/// <summary>The outcome of one upload and the ledger entry to write for it.</summary>
/// <param name="AlreadyProcessed">The same blob and content was already recorded (a redelivered event): nothing to write.</param>
public sealed record IntakeDecision(SubmissionStatus Status, int? Version, bool OnTime, UploadRecord Upload, LedgerEntry Entry, bool AlreadyProcessed);

/// <summary>The pure decision: given the ledger's entry and a validated file, what happens.</summary>
public static class IntakeDecider
{
    /// <summary>
    /// Decides the outcome of <paramref name="upload"/>. A redelivered upload (same blob, same content) returns
    /// what was decided the first time and changes nothing. Errors reject the file and never touch the current
    /// version; content identical to the current version is a duplicate; anything else accepted becomes the
    /// next version (versions count accepted uploads only) and the current one, unless it was uploaded before the current
    /// version (processed out of order): then it keeps its version number and the later upload stays current. Every
    /// other upload is appended to the audit trail.
    /// </summary>
    /// <param name="current">The ledger's entry for the upload's station and month, or null when there is none yet.</param>
    public static IntakeDecision Decide(
        LedgerEntry? current,
        IncomingUpload upload,
        ValidationResult validation,
        DeadlinePolicy deadline,
        DateTimeOffset processedAt,
        string processedBy)
    {
        var entry = current ?? LedgerEntry.Empty(upload.Period, upload.StationCode);
        if (entry.Period != upload.Period || !string.Equals(entry.StationCode, upload.StationCode, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Ledger entry {entry.Period}/{entry.StationCode} is not the upload's {upload.Period}/{upload.StationCode}.", nameof(current));
        }

        if (entry.FindUpload(upload.BlobName, upload.Sha256) is { } earlier)
        {
            return new IntakeDecision(earlier.Status, earlier.Version, earlier.OnTime, earlier, entry, AlreadyProcessed: true);
        }

        var highestVersion = entry.Uploads.Max(u => u.Status is SubmissionStatus.Accepted or SubmissionStatus.AcceptedWithWarnings ? u.Version : null) ?? 0;
        var (status, version) = validation.HasErrors
            ? (SubmissionStatus.Rejected, (int?)null)
            : entry.Current is { } accepted && string.Equals(accepted.Sha256, upload.Sha256, StringComparison.OrdinalIgnoreCase)
                ? (SubmissionStatus.Duplicate, entry.CurrentVersion)
                : (validation.Warnings > 0 ? SubmissionStatus.AcceptedWithWarnings : SubmissionStatus.Accepted, highestVersion + 1);

        var onTime = deadline.IsOnTime(upload.Period, upload.ReceivedAt);
        var isNewVersion = status is SubmissionStatus.Accepted or SubmissionStatus.AcceptedWithWarnings;
        var record = new UploadRecord(
            upload.BlobName, upload.Sha256, upload.Bytes, upload.ReceivedAt, processedAt,
            status, version, onTime, validation.Errors, validation.Warnings, processedBy,
            isNewVersion && validation.Submission is { } submission ? MonthCountTotals.Sum(submission) : null);
        // "A later upload supersedes the earlier one" is about upload time: an accepted upload processed after a later
        // one (events out of order) gets the next version number but does not displace the later upload as current.
        var supersedes = entry.Current is not { } currentUpload || upload.ReceivedAt >= currentUpload.ReceivedAt;
        var next = entry with
        {
            CurrentVersion = isNewVersion && supersedes ? version!.Value : entry.CurrentVersion,
            Uploads = [.. entry.Uploads, record],
            UpdatedAt = processedAt,
        };
        return new IntakeDecision(status, version, onTime, record, next, AlreadyProcessed: false);
    }
}
