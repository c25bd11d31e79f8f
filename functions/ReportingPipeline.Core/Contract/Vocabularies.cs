using ReportingPipeline.Core.Ports;
using ReportingPipeline.Core.Reference;

namespace ReportingPipeline.Core.Contract;

/// <summary>
/// The values of <c>fct_submission.status</c> (contract §3), declared once: the builder writes them, the dashboard
/// and the Power BI generator filter and label by them.
/// </summary>
public static class SubmissionStatuses
{
    /// <summary>The current accepted version has no warnings.</summary>
    public const string Accepted = "accepted";

    /// <summary>The current accepted version has warnings.</summary>
    public const string AcceptedWithWarnings = "accepted_with_warnings";

    /// <summary>Uploads, none accepted.</summary>
    public const string Rejected = "rejected";

    /// <summary>No upload.</summary>
    public const string Missing = "missing";

    public static readonly IReadOnlyList<string> All = [Accepted, AcceptedWithWarnings, Rejected, Missing];

    /// <summary>The statuses of a station-month with an accepted version.</summary>
    public static readonly IReadOnlyList<string> WithAcceptedVersion = [Accepted, AcceptedWithWarnings];

    /// <summary>The status of a station-month: its current version's, else rejected when it has uploads, else missing.</summary>
    public static string Of(SubmissionStatus? current, bool hasUploads) => current switch
    {
        SubmissionStatus.Accepted => Accepted,
        SubmissionStatus.AcceptedWithWarnings => AcceptedWithWarnings,
        _ => hasUploads ? Rejected : Missing,
    };
}

/// <summary>
/// The region levels as <c>regions.csv</c> and the marts (<c>agg_region_month.level</c>, the <c>{level}_code</c>
/// columns) name them, declared once and indexed by <see cref="RegionLevel"/>.
/// </summary>
public static class RegionLevels
{
    public const string Province = "province";

    public const string City = "city";

    public const string District = "district";

    public const string Town = "town";

    public const string Village = "village";

    /// <summary>Top down: <c>All[(int)level]</c> is the name of <c>level</c>.</summary>
    public static readonly IReadOnlyList<string> All = [Province, City, District, Town, Village];

    public static string NameOf(RegionLevel level) =>
        (int)level >= 0 && (int)level < All.Count ? All[(int)level] : throw new ArgumentOutOfRangeException(nameof(level), level, null);
}
