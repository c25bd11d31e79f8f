using System.Globalization;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Reference;

namespace ReportingPipeline.Core.Validation;

/// <summary>Row, cross-field, coverage and policy rules over the read sections.</summary>
internal static class ContentChecks
{
    /// <summary>The field whose codes must be villages of the station's town, wherever a section has it.</summary>
    private const string VillageCodeKey = "village_code";

    /// <summary>Most villages a coverage warning names; the count says how many in all.</summary>
    internal const int MaxVillagesListed = 10;

    /// <summary>The sections whose counts are the station's activity (funds and staff are not).</summary>
    internal static readonly IReadOnlyList<SectionDefinition> ActivitySections =
        [SubmissionContract.Visits, SubmissionContract.Services, SubmissionContract.Hotline];

    private static readonly FieldDefinition SocialWorkers = SubmissionContract.Station["social_workers"];
    private static readonly FieldDefinition CertifiedWorkers = SubmissionContract.Station["certified_workers"];
    private static readonly FieldDefinition LineId = SubmissionContract.Hotline["line_id"];
    private static readonly FieldDefinition HotlineServed = SubmissionContract.Hotline["people_served"];
    private static readonly FieldDefinition Resolved = SubmissionContract.Hotline["resolved"];

    /// <summary>The kinds of support a hotline reports; each person served is counted under one kind.</summary>
    private static readonly IReadOnlyList<FieldDefinition> SupportKinds =
        new[] { "psychological", "emotional", "basic_needs", "other_support" }.Select(k => SubmissionContract.Hotline[k]).ToList();

    private static readonly FieldDefinition FundSource = SubmissionContract.Funds["source"];
    private static readonly FieldDefinition Received = SubmissionContract.Funds["received"];
    private static readonly FieldDefinition Spent = SubmissionContract.Funds["spent"];

    public static void CheckRows(ParsedSection section, SubmissionHeader header, ReferenceData reference, List<ValidationIssue> issues)
    {
        var definition = section.Definition;
        var villages = header.Station is null
            ? null
            : reference.VillagesOf(header.Station.StationCode).Select(v => v.Code).ToHashSet(StringComparer.Ordinal);
        var villageField = definition.Fields.FirstOrDefault(f => f.Key == VillageCodeKey);
        var firstRowOfKey = new Dictionary<string, int?>(StringComparer.Ordinal);

        foreach (var row in section.Rows)
        {
            if (villages is not null && villageField is not null && row[villageField] is { Value: string village } cell && !villages.Contains(village))
            {
                issues.Add(RuleCatalogue.VillageNotInTown.Issue(cell.Location, definition.Key, villageField.Key, cell.RawText, SectionParser.Args(definition, villageField)));
            }

            if (definition.KeyFields.Count == 0)
            {
                continue;
            }

            var keyCells = definition.KeyFields.Select(k => row.Cells[k]).ToList();
            if (keyCells.Any(c => c.Value is null))
            {
                continue;
            }

            var key = string.Join("\u001F", keyCells.Select(c => Convert.ToString(c.Value, CultureInfo.InvariantCulture)));
            if (!firstRowOfKey.TryAdd(key, row.Location.Row))
            {
                var args = SectionParser.Args(definition);
                args["first_row"] = firstRowOfKey[key]?.ToString(CultureInfo.InvariantCulture) ?? "?";
                var shown = string.Join(" / ", keyCells.Select(c => c.RawText?.Trim()));
                issues.Add(RuleCatalogue.DuplicateKey.Issue(keyCells[0].Location, definition.Key, keyCells[0].Field.Key, shown, args));
            }
        }
    }

    public static void CheckCrossFields(IReadOnlyDictionary<SectionDefinition, ParsedSection> sections, List<ValidationIssue> issues)
    {
        foreach (var row in sections[SubmissionContract.Station].Rows)
        {
            if (row.Count(CertifiedWorkers) is { } certified && row.Count(SocialWorkers) is { } workers && certified > workers)
            {
                var cell = row[CertifiedWorkers];
                issues.Add(RuleCatalogue.CertifiedExceedsWorkers.Issue(cell.Location, SubmissionContract.Station.Key, CertifiedWorkers.Key, cell.RawText,
                    Numbers(certified, workers)));
            }
        }

        foreach (var row in sections[SubmissionContract.Hotline].Rows)
        {
            var served = row.Count(HotlineServed);
            var line = row.Text(LineId) ?? row[LineId].RawText ?? "?";
            if (row.Count(Resolved) is { } resolved && served is { } s1 && resolved > s1)
            {
                var cell = row[Resolved];
                var args = Numbers(resolved, s1);
                args["line"] = line;
                issues.Add(RuleCatalogue.ResolvedExceedsServed.Issue(cell.Location, SubmissionContract.Hotline.Key, Resolved.Key, cell.RawText, args));
            }

            var kinds = SupportKinds.Select(row.Count).ToList();
            if (served is { } s2 && kinds.All(k => k is not null))
            {
                var sum = kinds.Sum(k => k!.Value);
                if (sum != s2)
                {
                    var cell = row[HotlineServed];
                    var args = Numbers(sum, s2);
                    args["line"] = line;
                    issues.Add(RuleCatalogue.SupportSumMismatch.Issue(cell.Location, SubmissionContract.Hotline.Key, HotlineServed.Key, cell.RawText, args));
                }
            }
        }

        foreach (var row in sections[SubmissionContract.Funds].Rows)
        {
            if (row.Amount(Spent) is { } spent && row.Amount(Received) is { } received && spent > received)
            {
                var cell = row[Spent];
                var source = row.Text(FundSource);
                var args = new Dictionary<string, string>
                {
                    ["value"] = Money(spent),
                    ["expected"] = Money(received),
                    ["source"] = source is null ? "?" : FundSource.Enum?.Find(source)?.Label ?? source,
                    ["source_en"] = source ?? "?",
                };
                issues.Add(RuleCatalogue.SpentExceedsReceived.Issue(cell.Location, SubmissionContract.Funds.Key, Spent.Key, cell.RawText, args));
            }
        }
    }

    public static void CheckCoverage(IReadOnlyDictionary<SectionDefinition, ParsedSection> sections, SubmissionHeader header, ReferenceData reference, List<ValidationIssue> issues)
    {
        var visits = sections[SubmissionContract.Visits];
        if (header.Station is not null && visits.Present)
        {
            var villageField = SubmissionContract.Visits[VillageCodeKey];
            var visited = visits.Rows.Select(r => r.Text(villageField)).OfType<string>().ToHashSet(StringComparer.Ordinal);
            var absent = reference.VillagesOf(header.Station.StationCode).Where(v => !visited.Contains(v.Code)).ToList();
            if (absent.Count > 0)
            {
                var listed = string.Join("、", absent.Take(MaxVillagesListed).Select(v => $"{v.Name}（{v.Code}）"));
                if (absent.Count > MaxVillagesListed)
                {
                    listed += $" … (+{absent.Count - MaxVillagesListed})";
                }

                issues.Add(RuleCatalogue.VillagesNotVisited.Issue(visits.Location, visits.Definition.Key, villageField.Key, args: new Dictionary<string, string>
                {
                    ["count"] = absent.Count.ToString(CultureInfo.InvariantCulture),
                    ["list"] = listed,
                }));
            }
        }

        var activity = ActivitySections.Select(s => sections[s]).ToList();
        var counts = activity.SelectMany(s => s.Rows).SelectMany(r => r.Cells.Values).Where(c => c.Field.Kind == FieldKind.Count).ToList();
        if (activity.Any(s => s.Present)
            && counts.All(c => c.Reading.Status != CellStatus.Invalid)
            && counts.Sum(c => c.Value as long? ?? 0) == 0)
        {
            issues.Add(RuleCatalogue.NoActivity.Issue(SourceLocation.File));
        }
    }

    public static void CheckPolicy(ParsedSection station, SubmissionHeader header, List<ValidationIssue> issues)
    {
        if (header.Station is null || header.Period is not { } period || station.Rows.Count == 0)
        {
            return;
        }

        var row = station.Rows[0];
        var year = header.Station.YearOfOperation(period);
        if (year < 1 || row.Count(SocialWorkers) is not { } workers || workers == 0 || row.Count(CertifiedWorkers) is not { } certified)
        {
            return;
        }

        // Guangzhou's rule: at least 1/2 certified in a station's first two years, 2/3 from its third.
        var (numerator, denominator) = year <= 2 ? (1, 2) : (2, 3);
        if (certified * denominator >= workers * numerator)
        {
            return;
        }

        var cell = row[CertifiedWorkers];
        issues.Add(RuleCatalogue.CertifiedShareLow.Issue(cell.Location, station.Definition.Key, CertifiedWorkers.Key,
            string.Create(CultureInfo.InvariantCulture, $"{certified}/{workers}"),
            new Dictionary<string, string>
            {
                ["value"] = ((decimal)certified * 100 / workers).ToString("0.#", CultureInfo.InvariantCulture) + "%",
                ["expected"] = string.Create(CultureInfo.InvariantCulture, $"{numerator}/{denominator}"),
                ["year"] = year.ToString(CultureInfo.InvariantCulture),
            }));
    }

    private static Dictionary<string, string> Numbers(long value, long expected) => new()
    {
        ["value"] = RuleCatalogue.Format(value),
        ["expected"] = RuleCatalogue.Format(expected),
    };

    private static string Money(decimal amount) => amount.ToString("N2", CultureInfo.InvariantCulture);
}
