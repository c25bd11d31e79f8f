using System.Globalization;
using ReportingPipeline.Core.Contract;

namespace ReportingPipeline.Core.Validation;

/// <summary>
/// Flags a month's total far above the station's own recent history: more than <see cref="Factor"/> times the
/// median of the same total over its last accepted months, and above <see cref="Floor"/> so that small
/// stations going from 2 to 7 are left alone.
/// </summary>
internal static class OutlierCheck
{
    internal const int HistoryMonths = 6;
    internal const int MinHistoryMonths = 3;
    internal const long Factor = 3;
    internal const long Floor = 50;

    public static void Check(IReadOnlyDictionary<SectionDefinition, ParsedSection> sections, SubmissionHeader header, IReadOnlyList<MonthCountTotals> history, List<ValidationIssue> issues)
    {
        var months = history
            .Where(h => header.Station is null || h.StationCode == header.Station.StationCode)
            .Where(h => header.Period is not { } period || h.Period < period)
            .OrderByDescending(h => h.Period)
            .Take(HistoryMonths)
            .Select(h => h.Totals)
            .ToList();
        if (months.Count < MinHistoryMonths)
        {
            return;
        }

        foreach (var section in SubmissionContract.Sections)
        {
            var parsed = sections[section];
            foreach (var field in section.Fields.Where(f => f.Kind == FieldKind.Count))
            {
                var values = parsed.Rows.Select(r => r.Count(field)).OfType<long>().ToList();
                if (values.Count == 0)
                {
                    continue;
                }

                var total = values.Sum();
                var key = MonthCountTotals.KeyOf(section, field);
                var past = months.Where(m => m.ContainsKey(key)).Select(m => m[key]).ToList();
                if (past.Count < MinHistoryMonths)
                {
                    continue;
                }

                var median = Median(past);
                if (total > Floor && total > Factor * median)
                {
                    var args = SectionParser.Args(section, field);
                    args["value"] = RuleCatalogue.Format(total);
                    args["median"] = median.ToString("#,0.#", CultureInfo.InvariantCulture);
                    args["months"] = past.Count.ToString(CultureInfo.InvariantCulture);
                    // A key-value section's field is one cell (its row); a table's total is its whole column.
                    var location = section.Shape == SectionShape.KeyValue && parsed.Rows.Count == 1
                        ? parsed.Rows[0][field].Location
                        : parsed.ColumnLocation(field);
                    issues.Add(RuleCatalogue.FarAboveHistory.Issue(location, section.Key, field.Key,
                        total.ToString(CultureInfo.InvariantCulture), args));
                }
            }
        }
    }

    internal static decimal Median(IReadOnlyList<long> values)
    {
        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2m;
    }
}
