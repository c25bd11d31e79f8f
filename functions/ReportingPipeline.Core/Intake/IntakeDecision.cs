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
    public static IntakeDecision Decide(
        LedgerEntry? current,
        IncomingUpload upload,
        ValidationResult validation,
        DeadlinePolicy deadline,
        DateTimeOffset processedAt,
        string processedBy) =>
        throw new NotImplementedException("TODO(decision)");
}
