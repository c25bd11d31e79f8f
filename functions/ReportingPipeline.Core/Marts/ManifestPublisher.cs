using System.Text.Json;
using Microsoft.Extensions.Logging;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Core.Reference;

namespace ReportingPipeline.Core.Marts;

/// <summary>
/// Publishes a build: writes <c>_manifest.json</c> (only when something changed), then deletes the files of
/// tables it no longer names, so that a reader following the manifest never meets a half-written table.
/// </summary>
internal sealed class ManifestPublisher(IBlobStore store, ILogger logger)
{
    public async Task<MartBuildResult> PublishAsync(
        MartBuild build,
        ReferenceData reference,
        LedgerState ledgerState,
        IReadOnlyList<Period> periods,
        List<ManifestPeriod> manifestPeriods,
        List<Period> rebuilt,
        List<Period> unchanged,
        bool referenceRebuilt,
        CancellationToken cancellationToken)
    {
        var tables = MartTables.All.Select(t =>
        {
            var files = build.Files.Values.Where(f => f.Name.StartsWith(t.Name + "/", StringComparison.Ordinal)).OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
            return new ManifestTable(t.Name, t.Grain, t.IsPartitioned, files.Sum(f => f.Rows), files);
        }).ToList();
        var manifest = new MartManifest(
            MartManifest.SchemaId, build.Id, build.Now, reference.Fingerprint, MartFingerprint.Tables,
            periods.Count > 0 ? periods[0] : null, periods.Count > 0 ? periods[^1] : null, manifestPeriods, tables)
        {
            LedgerWatermark = ledgerState.Watermark,
            LedgerPeriods = ledgerState.Periods,
            LedgerScannedAt = ledgerState.ScannedAt,
        };

        var covered = periods.ToHashSet();
        var stale = build.Existing.Where(name => ManifestMonthInputs.PeriodOf(name) is { } inputsOf
                ? !covered.Contains(inputsOf)
                : MartTables.All.Any(t => name.StartsWith(t.Name + "/", StringComparison.Ordinal)) && !build.Files.ContainsKey(name))
            .ToList();
        var manifestWritten = false;
        if (build.Written.Count > 0 || stale.Count > 0 || build.Previous is null || !SameContent(build.Previous, manifest))
        {
            // Before the manifest, named for it: the next build skips the changes this one accounted for only if this
            // manifest was written after them (a build killed in between leaves a file of a build no manifest names).
            if (ledgerState.Watermark is not null)
            {
                if (LedgerRecentChanges.Of(build.Id, ledgerState.Recent) is { } recent)
                {
                    await recent.WriteAsync(store, cancellationToken);
                }
                else
                {
                    await store.DeleteAsync(Containers.Marts, LedgerRecentChanges.BlobName, cancellationToken);
                }
            }

            await manifest.WriteAsync(store, cancellationToken);
            manifestWritten = true;
        }

        // After the manifest: it no longer names them, and no reader should start on them now.
        foreach (var name in stale)
        {
            await store.DeleteAsync(Containers.Marts, name, cancellationToken);
        }

        logger.LogInformation("Mart build {BuildId}: {RebuiltCount} months rebuilt, {UnchangedCount} unchanged, {FileCount} files written, {DeletedCount} deleted",
            build.Id, rebuilt.Count, unchanged.Count, build.Written.Count, stale.Count);
        return new MartBuildResult(build.Id, rebuilt, unchanged, tables.ToDictionary(t => t.Name, t => t.Rows), referenceRebuilt)
        {
            FilesWritten = build.Written,
            FilesDeleted = stale,
            ManifestWritten = manifestWritten,
            Periods = periods,
        };
    }

    /// <summary>The two manifests say the same apart from which build wrote them and when: compared by hash, never as national-size strings.</summary>
    private static bool SameContent(MartManifest previous, MartManifest next)
    {
        static byte[] Canonical(MartManifest m)
        {
            using var hash = new HashingStream();
            JsonSerializer.Serialize(hash, m with { BuildId = string.Empty, BuiltAt = default }, PipelineJson.Compact);
            return hash.Finish();
        }

        return Canonical(previous).AsSpan().SequenceEqual(Canonical(next));
    }
}
