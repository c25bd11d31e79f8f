using System.Globalization;
using ReportingPipeline.Core.Contract;

namespace ReportingPipeline.Core.Templates;

/// <summary>
/// A canonical <see cref="Submission"/> seen as the contract's sections: for each section, its rows as
/// field key → value (<see cref="string"/>, <see cref="long"/>, <see cref="decimal"/> or null; periods as
/// <c>YYYY-MM</c>, enums as their keys). Writers of every format walk the section declarations and look
/// values up here, so the field lists live only in <see cref="SubmissionContract"/>.
/// </summary>
public static class SubmissionValues
{
    /// <summary>The rows of <paramref name="section"/>; the key-value <c>station</c> section is a single row.</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, object?>> RowsOf(Submission submission, SectionDefinition section) => section.Key switch
    {
        "station" => [Station(submission.Station)],
        "visits" => [.. submission.Visits.Select(v => Row(
            ("village_code", v.VillageCode), ("resident_visits", v.ResidentVisits), ("client_visits", v.ClientVisits),
            ("case_files", v.CaseFiles), ("newly_identified", v.NewlyIdentified)))],
        "services" => [.. submission.Services.Select(s => Row(
            ("village_code", s.VillageCode), ("target_group", s.TargetGroup), ("cases", s.Cases), ("groups", s.Groups),
            ("activities", s.Activities), ("people_served", s.PeopleServed)))],
        "hotline" => [.. submission.Hotline.Select(h => Row(
            ("line_id", h.LineId), ("duty_shifts", h.DutyShifts), ("calls", h.Calls), ("people_served", h.PeopleServed),
            ("resolved", h.Resolved), ("psychological", h.Psychological), ("emotional", h.Emotional),
            ("basic_needs", h.BasicNeeds), ("other_support", h.OtherSupport)))],
        "funds" => [.. submission.Funds.Select(f => Row(
            ("source", f.Source), ("received", f.Received), ("spent", f.Spent), ("in_kind", f.InKind)))],
        _ => throw new ArgumentOutOfRangeException(nameof(section), section.Key, "Not a section of the contract."),
    };

    /// <summary>A value as text, the way a CSV or a JSON string carries it: invariant, null for missing.</summary>
    public static string? Text(object? value) => value switch
    {
        null => null,
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static Dictionary<string, object?> Station(StationSheet station) => Row(
        ("station_code", station.StationCode), ("period", station.Period.ToString()), ("prepared_by", station.PreparedBy),
        ("social_workers", station.SocialWorkers), ("certified_workers", station.CertifiedWorkers),
        ("volunteers", station.Volunteers), ("volunteer_hours", station.VolunteerHours));

    private static Dictionary<string, object?> Row(params (string Key, object? Value)[] values)
    {
        var row = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in values)
        {
            row[key] = value;
        }

        return row;
    }
}
