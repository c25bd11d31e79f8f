using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Reference;

namespace ReportingPipeline.Synthetic;

/// <summary>Why a synthetic upload exists: what the pipeline should make of it.</summary>
public enum UploadKind
{
    /// <summary>A clean file: accepted without warnings.</summary>
    Clean,

    /// <summary>A file with one planted warning: accepted with warnings.</summary>
    WithWarnings,

    /// <summary>A file with one planted error: rejected.</summary>
    Rejected,

    /// <summary>A later upload with corrected figures: the fix of a rejected file, or a new version of an accepted one.</summary>
    Correction,

    /// <summary>The same bytes uploaded again under another name: a duplicate.</summary>
    Duplicate,
}

/// <summary>The problem planted in a file (<see cref="None"/> for clean files and corrections).</summary>
public enum PlannedDefect
{
    None,

    /// <summary>Warning: one or two of the town's villages left out of <c>visits</c>.</summary>
    VillageMissingFromVisits,

    /// <summary>Warning: a fund source spent more than it received.</summary>
    SpentOverReceived,

    /// <summary>Warning: a hotline's support kinds do not add up to its people served.</summary>
    SupportKindsMismatch,

    /// <summary>Warning: the certified share is below the policy for the station's year of operation.</summary>
    CertifiedShareLow,

    /// <summary>Error: more certified social workers than social workers.</summary>
    CertifiedOverWorkers,

    /// <summary>Error: a visits row for a village of another town.</summary>
    VillageOfAnotherTown,

    /// <summary>Error: a hotline resolved more problems than it served people.</summary>
    ResolvedOverServed,
}

/// <summary>One simulated upload of a station's month.</summary>
public sealed record PlannedUpload(
    int Attempt,
    UploadKind Kind,
    PlannedDefect Defect,
    DateTimeOffset ReceivedAt,
    bool OnTime,
    Submission Submission);

/// <summary>What one station did for one month it was expected to report: nothing (missing), or its uploads in time order.</summary>
public sealed record StationMonthPlan(Station Station, Period Period, IReadOnlyList<PlannedUpload> Uploads)
{
    public bool IsMissing => Uploads.Count == 0;
}

/// <summary>
/// How often things go wrong, as shares of the station-months expected to report. The defaults are the
/// realistic mix: a few stations missing, some late, a sizeable minority with warnings, a few rejected.
/// </summary>
/// <param name="Missing">No upload at all.</param>
/// <param name="Late">The first upload arrives after the deadline.</param>
/// <param name="WithWarnings">The first upload carries one planted warning.</param>
/// <param name="Rejected">The first upload carries one planted error.</param>
/// <param name="RejectedFixed">Of the rejected, the share whose station uploads a fixed file a few days later.</param>
/// <param name="Corrected">Of the accepted, the share uploaded again later with corrected figures (a new version).</param>
/// <param name="Duplicated">The first upload is uploaded again, byte for byte.</param>
public readonly record struct SubmissionMix(
    double Missing,
    double Late,
    double WithWarnings,
    double Rejected,
    double RejectedFixed,
    double Corrected,
    double Duplicated)
{
    public static readonly SubmissionMix Realistic = new(
        Missing: 0.03, Late: 0.08, WithWarnings: 0.15, Rejected: 0.03, RejectedFixed: 0.6, Corrected: 0.02, Duplicated: 0.005);

    /// <summary>Every expected station reports once, on time, cleanly: for measuring the happy path.</summary>
    public static readonly SubmissionMix AllClean = new(0, 0, 0, 0, 0, 0, 0);
}
