using Microsoft.Extensions.Logging;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Intake;
using ReportingPipeline.Core.Ports;

namespace ReportingPipeline.Core.Marts;

/// <summary>
/// What the marts take from one expected station's ledger entry for a month, decided in one place so that a
/// full month and a month copied forward (which also re-derives a station's previous state) agree.
/// </summary>
/// <param name="Current">The current accepted version, or null.</param>
/// <param name="Rejected">Without an accepted version: the latest rejected upload (or the latest upload of any kind); null otherwise.</param>
/// <param name="OnTime">An accepted version arrived by the deadline; false for a closed month without one; null while the month is open.</param>
internal readonly record struct StationState(LedgerEntry? Entry, UploadRecord? Current, UploadRecord? Rejected, bool? OnTime)
{
    /// <summary>The upload whose staged file the marts read: the current version, else the rejected one.</summary>
    public UploadRecord? Source => Current ?? Rejected;

    public static StationState Of(LedgerEntry? entry, bool closed)
    {
        var current = entry?.Current;
        var rejected = current is null && entry is not null
            ? entry.Uploads.LastOrDefault(u => u.Status == SubmissionStatus.Rejected) ?? (entry.Uploads.Count > 0 ? entry.Uploads[^1] : null)
            : null;
        var onTime = current is not null
            ? entry!.Uploads.Any(u => u.OnTime && u.Status is SubmissionStatus.Accepted or SubmissionStatus.AcceptedWithWarnings)
            : closed ? false : (bool?)null;
        return new StationState(entry, current, rejected, onTime);
    }

    /// <summary>
    /// The submission of the current accepted version, from its staged file; null without an accepted version.
    /// An accepted version must have its staged file; a rejected upload without one only loses its issues.
    /// </summary>
    public Submission? SubmissionFrom(StagedSubmission? staged, Period period, string stationCode, ILogger logger)
    {
        if (Source is { } source && staged is null)
        {
            logger.LogWarning("{Period} {StationCode}: no staged file for upload {Sha256}; its issues are left out", period, stationCode, source.Sha256);
        }

        return Current is not { } current ? null : staged?.Submission
            ?? throw new InvalidDataException($"The accepted version {current.Version} of {stationCode} for {period} has no staged submission ({StagedSubmission.BlobNameFor(period, stationCode, current.Sha256)}).");
    }
}
