using ReportingPipeline.Core.Contract;

namespace ReportingPipeline.Core.Validation;

/// <summary>
/// A station-month's accepted counts in sum: every count field of the contract totalled over its rows, keyed
/// <c>{section}.{field}</c> (<see cref="KeyOf"/>); a field no row filled in has no total. What the outlier rule compares
/// a month with. The ledger keeps them with each accepted upload (<see cref="Ports.UploadRecord.CountTotals"/>), so the
/// intake's look at a station's recent months reads their ledger entries and not their staged submissions as well.
/// </summary>
public sealed record MonthCountTotals(Period Period, string StationCode, IReadOnlyDictionary<string, long> Totals)
{
    public static string KeyOf(SectionDefinition section, FieldDefinition field) => $"{section.Key}.{field.Key}";

    public static MonthCountTotals Of(Submission submission) => new(submission.Station.Period, submission.Station.StationCode, Sum(submission));

    /// <summary>The total of every count field over a submission; a field no row filled in has no total.</summary>
    public static IReadOnlyDictionary<string, long> Sum(Submission submission)
    {
        var totals = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var section in SubmissionContract.Sections)
        {
            foreach (var row in SubmissionFields.RowsOf(submission, section))
            {
                for (var i = 0; i < section.Fields.Count; i++)
                {
                    if (section.Fields[i].Kind == FieldKind.Count && row[i] is long value)
                    {
                        var key = KeyOf(section, section.Fields[i]);
                        totals[key] = totals.GetValueOrDefault(key) + value;
                    }
                }
            }
        }

        return totals;
    }
}
