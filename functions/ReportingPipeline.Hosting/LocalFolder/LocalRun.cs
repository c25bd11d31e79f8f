using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Presentation.Dashboards;
using ReportingPipeline.Core.Intake;
using ReportingPipeline.Core.Marts;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Core.Reporting;
using ReportingPipeline.Storage.LocalFolder;

namespace ReportingPipeline.Hosting.LocalFolder;

/// <summary>The stations expected and reported in one city for one month, as <c>agg_region_month</c> has them.</summary>
public sealed record CityReporting(string CityCode, string CityName, int Expected, int Reported)
{
    public double? Rate => Expected == 0 ? null : (double)Reported / Expected;
}

/// <summary>What a local run did.</summary>
public sealed record RunSummary(
    ImportResult Import,
    IReadOnlyDictionary<SubmissionStatus, int> Outcomes,
    int AlreadyProcessed,
    MartBuildResult Marts,
    Period? LatestPeriod,
    IReadOnlyList<CityReporting> ReportingByCity,
    string MartsFolder,
    string ReportsFolder,
    string? DashboardFile = null);

/// <summary>
/// `pipeline run`: import the input folder, ingest every upload not seen before in upload order, build the
/// marts. Running it twice changes nothing the second time: imports skip what is there, the ledger
/// recognises processed uploads, and the mart build skips months whose inputs did not change.
/// </summary>
public sealed class LocalRun(
    LocalFolderBlobStore store,
    ISubmissionLedger ledger,
    IPipelineHandlers handlers,
    ILoggerFactory loggers)
{
    public async Task<RunSummary> RunAsync(string inputRoot, IProgress<(int Done, int Total)>? progress = null, CancellationToken cancellationToken = default)
    {
        var import = await new InputImporter(store, loggers.CreateLogger<InputImporter>()).ImportAsync(inputRoot, cancellationToken);

        var seen = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var entry in ledger.ListAsync(cancellationToken: cancellationToken))
        {
            seen.UnionWith(entry.Uploads.Select(u => u.BlobName));
        }

        var pending = new List<BlobItem>();
        await foreach (var blob in store.ListAsync(Containers.Submissions, cancellationToken: cancellationToken))
        {
            // Uploads outside {period}/{station}/ never reach the ledger; their report shows they were handled.
            if (!seen.Contains(blob.Name) && await store.GetItemAsync(Containers.Reports, blob.Name + ReportWriter.JsonSuffix, cancellationToken) is null)
            {
                pending.Add(blob);
            }
        }

        pending.Sort(UploadOrder.Instance);
        var outcomes = Enum.GetValues<SubmissionStatus>().ToDictionary(s => s, _ => 0);
        var alreadyProcessed = 0;
        for (var i = 0; i < pending.Count; i++)
        {
            var outcome = await handlers.IngestSubmissionAsync(pending[i].Name, cancellationToken);
            if (outcome.AlreadyProcessed)
            {
                alreadyProcessed++;
            }
            else
            {
                outcomes[Enum.Parse<SubmissionStatus>(outcome.Status)]++;
            }

            progress?.Report((i + 1, pending.Count));
        }

        var marts = await handlers.BuildMartsAsync(cancellationToken);
        var (latest, byCity) = await ReportingByCityAsync(cancellationToken);
        var dashboard = await DashboardFile.WriteAsync(store, Path.Combine(store.Root, DashboardBuilder.FileName), cancellationToken);
        return new RunSummary(import, outcomes, alreadyProcessed, marts, latest, byCity,
            Path.Combine(store.Root, Containers.Marts), Path.Combine(store.Root, Containers.Reports), dashboard);
    }

    /// <summary>
    /// Reporting per city as the marts have it (<c>agg_region_month</c>, level <c>city</c>), for the month the
    /// dashboard leads with: the latest closed month, or the latest month when none is closed yet. These are the
    /// numbers an analyst sees in Power BI, not a second computation from the ledger.
    /// </summary>
    private async Task<(Period?, IReadOnlyList<CityReporting>)> ReportingByCityAsync(CancellationToken cancellationToken)
    {
        var manifest = await MartManifest.ReadAsync(store, loggers.CreateLogger<LocalRun>(), cancellationToken);
        if (manifest is null || manifest.Periods.Count == 0)
        {
            return (null, []);
        }

        var marts = new MartTableReader(store, manifest);
        var months = await marts.ReadAsync(MartTables.DimPeriod, ["date", "closed"], cancellationToken: cancellationToken);
        var periods = Enumerable.Range(0, months.Count).Select(i => (Period: Period.Of(months.Date("date", i)!.Value), Closed: months.Bool("closed", i) ?? false)).OrderBy(m => m.Period).ToList();
        if (periods.Count == 0)
        {
            return (null, []);
        }

        var closedMonths = periods.Where(m => m.Closed).ToList();
        var shown = closedMonths.Count > 0 ? closedMonths[^1].Period : periods[^1].Period;
        var rows = await marts.ReadAsync(MartTables.AggRegionMonth, ["period", "level", "region_code", "region_name", "stations_expected", "stations_reported"],
            new HashSet<Period> { shown }, ("level", level => level == "city"), cancellationToken);
        var byCity = Enumerable.Range(0, rows.Count)
            .Where(i => rows.PeriodOf(i) == shown)
            .Select(i => new CityReporting(
                rows.String("region_code", i)!,
                rows.String("region_name", i) ?? rows.String("region_code", i)!,
                (int)(rows.Long("stations_expected", i) ?? 0),
                (int)(rows.Long("stations_reported", i) ?? 0)))
            .OrderBy(c => c.CityCode, StringComparer.Ordinal)
            .ToList();
        return (shown, byCity);
    }

    public static LocalRun Create(IServiceProvider services) => ActivatorUtilities.CreateInstance<LocalRun>(services);
}
