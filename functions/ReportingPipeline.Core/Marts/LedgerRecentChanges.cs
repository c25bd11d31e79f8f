using Microsoft.Extensions.Logging;
using ReportingPipeline.Core.Ports;

namespace ReportingPipeline.Core.Marts;

/// <summary>
/// <c>marts/_ledger_recent.json</c>: the ledger changes a build accounted for that were written within
/// <see cref="LedgerPlan.Overlap"/> of its watermark, the ones the next build lists again. Without it the next build
/// reads each of them again (its entry, one call each) to learn that nothing changed: after a burst of uploads, every
/// build for the next ten minutes read the whole burst again. Written just before the manifest of the build that
/// recorded them, and used only when it is that manifest's (same build id): a build killed in between leaves a file
/// the next build ignores, which then reads those entries again, as before.
/// </summary>
/// <param name="BuildId">The build whose manifest these changes belong to.</param>
/// <param name="Changes">Period (<c>yyyy-MM</c>), then station code, to the entry's write time by the ledger store's clock.</param>
public sealed record LedgerRecentChanges(string BuildId, IReadOnlyDictionary<string, Dictionary<string, DateTimeOffset>> Changes)
{
    public const string BlobName = "_ledger_recent.json";

    /// <summary>
    /// At most this many changes are recorded (a national month's stations); more (a ledger written all at once, as a
    /// migration or a synthetic store is) are not, and the next build reads them again.
    /// </summary>
    public const int MaxChanges = 50_000;

    /// <summary>
    /// Whether the previous build saw this very write: the same entry written at the same time, at least
    /// <see cref="LedgerPlan.SameWriteMargin"/> before <paramref name="watermark"/> (so before the previous build
    /// listed the ledger, and no later write of the entry can carry that time).
    /// </summary>
    public bool Saw(LedgerChange change, DateTimeOffset watermark) =>
        change.ChangedAt <= watermark - LedgerPlan.SameWriteMargin
        && Changes.TryGetValue(change.Period.ToString(), out var stations)
        && stations.TryGetValue(change.StationCode, out var at)
        && at == change.ChangedAt;

    /// <summary>The file for <paramref name="recent"/> (<see cref="LedgerState.Recent"/>); null when there are more than <see cref="MaxChanges"/>.</summary>
    internal static LedgerRecentChanges? Of(string buildId, IReadOnlyList<LedgerChange> recent)
    {
        if (recent.Count > MaxChanges)
        {
            return null;
        }

        var changes = new Dictionary<string, Dictionary<string, DateTimeOffset>>(StringComparer.Ordinal);
        foreach (var change in recent)
        {
            var period = change.Period.ToString();
            if (!changes.TryGetValue(period, out var stations))
            {
                changes[period] = stations = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            }

            stations[change.StationCode] = change.ChangedAt;
        }

        return new LedgerRecentChanges(buildId, changes);
    }

    /// <summary>The file, when it is <paramref name="manifest"/>'s; null when missing, unreadable or another build's.</summary>
    public static async Task<LedgerRecentChanges?> ReadAsync(IBlobStore store, MartManifest manifest, ILogger logger, CancellationToken cancellationToken = default) =>
        await MartJsonFile.ReadAsync<LedgerRecentChanges>(store, BlobName, logger, cancellationToken) is { Changes: not null } recent && recent.BuildId == manifest.BuildId
            ? recent
            : null;

    public Task WriteAsync(IBlobStore store, CancellationToken cancellationToken = default) =>
        MartJsonFile.WriteAsync(store, BlobName, this, cancellationToken);
}
