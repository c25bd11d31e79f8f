namespace ReportingPipeline.Core.Contract;

/// <summary>
/// A station's month in canonical form: what every reader's output becomes once validated, what the
/// pipeline stages for an accepted version, and what the marts are built from. Missing values are null
/// (a blank cell is missing, not zero).
/// </summary>
public sealed record Submission(
    StationSheet Station,
    IReadOnlyList<VisitRecord> Visits,
    IReadOnlyList<ServiceRecord> Services,
    IReadOnlyList<HotlineRecord> Hotline,
    IReadOnlyList<FundRecord> Funds);

/// <summary>The <c>station</c> section.</summary>
public sealed record StationSheet(
    string StationCode,
    Period Period,
    string? PreparedBy,
    long? SocialWorkers,
    long? CertifiedWorkers,
    long? Volunteers,
    decimal? VolunteerHours);

/// <summary>A row of the <c>visits</c> section: one village of the station's town.</summary>
public sealed record VisitRecord(
    string VillageCode,
    long? ResidentVisits,
    long? ClientVisits,
    long? CaseFiles,
    long? NewlyIdentified);

/// <summary>A row of the <c>services</c> section: village × target group.</summary>
public sealed record ServiceRecord(
    string VillageCode,
    string TargetGroup,
    long? Cases,
    long? Groups,
    long? Activities,
    long? PeopleServed);

/// <summary>A row of the <c>hotline</c> section: one hotline run by the station.</summary>
public sealed record HotlineRecord(
    string LineId,
    long? DutyShifts,
    long? Calls,
    long? PeopleServed,
    long? Resolved,
    long? Psychological,
    long? Emotional,
    long? BasicNeeds,
    long? OtherSupport);

/// <summary>A row of the <c>funds</c> section: one funding source, in yuan.</summary>
public sealed record FundRecord(
    string Source,
    decimal? Received,
    decimal? Spent,
    decimal? InKind);
