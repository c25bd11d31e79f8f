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

/// <summary>The stations expected and reported in one city for one month.</summary>
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
    ReferenceStore references,
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

    /// <summary>Reporting per city for the latest month with any upload.</summary>
    private async Task<(Period?, IReadOnlyList<CityReporting>)> ReportingByCityAsync(CancellationToken cancellationToken)
    {
        var entries = new List<LedgerEntry>();
        await foreach (var entry in ledger.ListAsync(cancellationToken: cancellationToken))
        {
            entries.Add(entry);
        }

        if (entries.Count == 0)
        {
            return (null, []);
        }

        var latest = entries.Max(e => e.Period);
        var reference = await references.GetAsync(cancellationToken);
        var reported = entries.Where(e => e.Period == latest && e.CurrentVersion > 0).Select(e => e.StationCode).ToHashSet(StringComparer.Ordinal);
        var byCity = reference.StationsOpenIn(latest)
            .GroupBy(s => reference.Lineage(s.StationCode).FirstOrDefault(r => r.Level == Core.Reference.RegionLevel.City)?.Code ?? "?")
            .Select(g => new CityReporting(g.Key, reference.FindRegion(g.Key)?.Name ?? g.Key, g.Count(), g.Count(s => reported.Contains(s.StationCode))))
            .OrderBy(c => c.CityCode, StringComparer.Ordinal)
            .ToList();
        return (latest, byCity);
    }

    public static LocalRun Create(IServiceProvider services) => ActivatorUtilities.CreateInstance<LocalRun>(services);
}
