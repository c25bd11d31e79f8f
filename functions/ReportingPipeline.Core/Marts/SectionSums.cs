using ReportingPipeline.Core.Contract;

namespace ReportingPipeline.Core.Marts;

/// <summary>Adds a submission's figures to the rollup's sums, driven by the measures' declarations.</summary>
internal sealed class SectionSums
{
    private readonly List<(int Measure, Func<StationSheet, decimal?> Get)> _station;
    private readonly List<(int Measure, Func<VisitRecord, decimal?> Get)> _visits;
    private readonly List<(int Measure, Func<ServiceRecord, decimal?> Get)> _services;
    private readonly List<(int Measure, Func<HotlineRecord, decimal?> Get)> _hotline;
    private readonly List<(int Measure, Func<FundRecord, decimal?> Get)> _funds;

    public SectionSums()
    {
        _station = Getters<StationSheet>(SubmissionContract.Station);
        _visits = Getters<VisitRecord>(SubmissionContract.Visits);
        _services = Getters<ServiceRecord>(SubmissionContract.Services);
        _hotline = Getters<HotlineRecord>(SubmissionContract.Hotline);
        _funds = Getters<FundRecord>(SubmissionContract.Funds);
    }

    /// <param name="village">The village's region index when it belongs to the station's town, else -1.</param>
    /// <param name="sign">1 to add the submission's figures; -1 to take them off again (a month copied forward drops a station's previous version). Exact either way: the sums are decimals.</param>
    public void Add(RegionRollup.Totals totals, int town, Submission submission, Func<string, int> village, decimal sign)
    {
        AddRow(totals, town, submission.Station, _station, sign);
        for (var i = 0; i < submission.Visits.Count; i++)
        {
            AddRow(totals, village(submission.Visits[i].VillageCode), submission.Visits[i], _visits, sign);
        }

        for (var i = 0; i < submission.Services.Count; i++)
        {
            AddRow(totals, village(submission.Services[i].VillageCode), submission.Services[i], _services, sign);
        }

        for (var i = 0; i < submission.Hotline.Count; i++)
        {
            AddRow(totals, town, submission.Hotline[i], _hotline, sign);
        }

        for (var i = 0; i < submission.Funds.Count; i++)
        {
            AddRow(totals, town, submission.Funds[i], _funds, sign);
        }
    }

    // Indexed loops and one row at a time: two million rows a Guangdong year, each wrapped in a one-row list
    // and enumerated through an interface, made two objects a row for the garbage collector.
    private static void AddRow<TRecord>(RegionRollup.Totals totals, int region, TRecord row, List<(int Measure, Func<TRecord, decimal?> Get)> getters, decimal sign)
    {
        foreach (var (measure, get) in getters)
        {
            totals.Add(region, measure, sign * (get(row) ?? 0));
        }
    }

    private static List<(int, Func<TRecord, decimal?>)> Getters<TRecord>(SectionDefinition section) =>
        [.. RegionRollup.SumsOf(section).Select(s => (s.Measure, s.Field is null
            ? (Func<TRecord, decimal?>)(_ => 1m)
            : RecordFields<TRecord>.Get<decimal?>(s.Field.Key)))];
}
