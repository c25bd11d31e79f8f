using System.Globalization;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Reference;

namespace ReportingPipeline.Core.Validation;

/// <summary>Who and when a submission is about, as far as it could be established.</summary>
/// <param name="Station">The file's station when it is in the register, else the upload path's, else null.</param>
/// <param name="Period">The file's month when it reads, else the upload path's, else null.</param>
internal sealed record SubmissionHeader(Station? Station, Period? Period);

/// <summary>The header rules: the station code and month in the <c>station</c> section against the path, the register and the calendar.</summary>
internal static class HeaderCheck
{
    private static readonly FieldDefinition StationCode = SubmissionContract.Station["station_code"];
    private static readonly FieldDefinition PeriodField = SubmissionContract.Station["period"];

    /// <summary>Station codes are the town's 9-digit statistical division code.</summary>
    private const int StationCodeLength = 9;

    public static SubmissionHeader Evaluate(ParsedSection station, ValidationContext context, List<ValidationIssue> issues)
    {
        var reference = context.Reference;
        var pathStation = context.PathStation is null ? null : reference.FindStation(context.PathStation);
        if (!station.Present || station.Rows.Count == 0)
        {
            // The missing section is already an error; the path still says who and when for the other checks.
            return new SubmissionHeader(pathStation, context.PathPeriod);
        }

        var row = station.Rows[0];
        var code = CheckStationCode(row[StationCode], context, issues);
        var period = CheckPeriod(row[PeriodField], context, issues);

        var fileStation = code is null ? null : reference.FindStation(code);
        if (fileStation is not null && period is { } month && !fileStation.IsOpenIn(month))
        {
            var cell = row[StationCode];
            issues.Add(RuleCatalogue.StationNotOpen.Issue(cell.Location, station.Definition.Key, StationCode.Key, cell.RawText, new Dictionary<string, string>
            {
                ["value"] = fileStation.StationCode,
                ["period"] = month.ToString(),
                ["opened"] = fileStation.OpenedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["closed"] = fileStation.ClosedOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "—",
            }));
        }

        return new SubmissionHeader(fileStation ?? pathStation, period ?? context.PathPeriod);
    }

    private static string? CheckStationCode(ParsedCell cell, ValidationContext context, List<ValidationIssue> issues)
    {
        var section = SubmissionContract.Station.Key;
        if (cell.Value is not string code)
        {
            var rule = cell.Reading.Status == CellStatus.Blank ? RuleCatalogue.StationMissing : RuleCatalogue.StationMalformed;
            issues.Add(rule.Issue(cell.Location, section, StationCode.Key, cell.RawText));
            return null;
        }

        if (code.Length != StationCodeLength || !code.All(char.IsAsciiDigit))
        {
            issues.Add(RuleCatalogue.StationMalformed.Issue(cell.Location, section, StationCode.Key, cell.RawText));
            return null;
        }

        if (context.PathStation is not null && !string.Equals(context.PathStation, code, StringComparison.Ordinal))
        {
            issues.Add(RuleCatalogue.StationMismatch.Issue(cell.Location, section, StationCode.Key, cell.RawText,
                new Dictionary<string, string> { ["value"] = code, ["expected"] = context.PathStation }));
        }

        if (context.Reference.FindStation(code) is null)
        {
            issues.Add(RuleCatalogue.UnknownStation.Issue(cell.Location, section, StationCode.Key, cell.RawText,
                new Dictionary<string, string> { ["value"] = code }));
        }

        return code;
    }

    private static Period? CheckPeriod(ParsedCell cell, ValidationContext context, List<ValidationIssue> issues)
    {
        var section = SubmissionContract.Station.Key;
        if (cell.Value is not Period period)
        {
            var rule = cell.Reading.Status == CellStatus.Blank ? RuleCatalogue.PeriodMissing : RuleCatalogue.PeriodMalformed;
            issues.Add(rule.Issue(cell.Location, section, PeriodField.Key, cell.RawText));
            return null;
        }

        var args = new Dictionary<string, string> { ["value"] = period.ToString() };
        if (context.PathPeriod is { } pathPeriod && pathPeriod != period)
        {
            issues.Add(RuleCatalogue.PeriodMismatch.Issue(cell.Location, section, PeriodField.Key, cell.RawText,
                new Dictionary<string, string>(args) { ["expected"] = pathPeriod.ToString() }));
        }

        if (period < Period.ProgrammeStart)
        {
            issues.Add(RuleCatalogue.PeriodTooEarly.Issue(cell.Location, section, PeriodField.Key, cell.RawText, args));
        }
        else if (StartOf(period) > context.Now)
        {
            issues.Add(RuleCatalogue.PeriodInFuture.Issue(cell.Location, section, PeriodField.Key, cell.RawText, args));
        }

        return period;
    }

    /// <summary>A month begins at midnight Beijing time (Asia/Shanghai, UTC+8 all year).</summary>
    internal static DateTimeOffset StartOf(Period period) =>
        new(period.FirstDay, TimeOnly.MinValue, DeadlinePolicy.Default.UtcOffset);
}
