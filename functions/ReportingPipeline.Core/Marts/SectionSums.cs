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
    public void Add(RegionRollup.Totals totals, int town, Submission submission, Func<string, int> village)
    {
        AddRows(totals, town, [submission.Station], _station);
        foreach (var visit in submission.Visits)
        {
            AddRows(totals, village(visit.VillageCode), [visit], _visits);
        }

        foreach (var service in submission.Services)
        {
            AddRows(totals, village(service.VillageCode), [service], _services);
        }

        AddRows(totals, town, submission.Hotline, _hotline);
        AddRows(totals, town, submission.Funds, _funds);
    }

    private static void AddRows<TRecord>(RegionRollup.Totals totals, int region, IReadOnlyList<TRecord> rows, List<(int Measure, Func<TRecord, decimal?> Get)> getters)
    {
        foreach (var row in rows)
        {
            foreach (var (measure, get) in getters)
            {
                totals.Add(region, measure, get(row) ?? 0);
            }
        }
    }

    private static List<(int, Func<TRecord, decimal?>)> Getters<TRecord>(SectionDefinition section) =>
        [.. RegionRollup.SumsOf(section).Select(s => (s.Measure, s.Field is null
            ? (Func<TRecord, decimal?>)(_ => 1m)
            : RecordFields<TRecord>.Get<decimal?>(s.Field.Key)))];
}
