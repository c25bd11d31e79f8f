using ReportingPipeline.Core.Ports;
using ReportingPipeline.Core.Reference;

namespace ReportingPipeline.Core.Intake;

/// <summary>The reference could not be loaded: an infrastructure problem, not a station's.</summary>
public sealed class ReferenceUnavailableException(string message) : Exception(message);

/// <summary>
/// Loads <c>reference/regions.csv</c> and <c>reference/stations.csv</c> from the blob store, checks them, and
/// keeps the result until either blob changes. Whether they changed is asked at every call (every upload's intake): both
/// blobs' properties, read at once (one round trip). Not a listing of the container, which Blob Storage bills as a
/// write-class operation and Azurite answers by scanning every blob of the account.
/// </summary>
public sealed class ReferenceStore(IBlobStore store)
{
    public const string RegionsFile = ReferenceLoader.RegionsFileName;
    public const string StationsFile = ReferenceLoader.StationsFileName;

    // Two callers may load the same reference at once; both results are equal, so no lock is needed.
    private volatile CachedReference? _cached;

    public async Task<ReferenceData> GetAsync(CancellationToken cancellationToken = default)
    {
        var regionsItem = store.GetItemAsync(Containers.Reference, RegionsFile, cancellationToken);
        var stationsItem = store.GetItemAsync(Containers.Reference, StationsFile, cancellationToken);
        var (regions, stations) = (await regionsItem, await stationsItem);
        if (regions is null || stations is null)
        {
            throw new ReferenceUnavailableException($"The reference container must hold {RegionsFile} and {StationsFile}.");
        }

        var versions = regions.Version + "|" + stations.Version;
        if (_cached is { } cached && cached.Versions == versions)
        {
            return cached.Data;
        }

        await using var regionsStream = await store.OpenReadAsync(Containers.Reference, RegionsFile, cancellationToken)
            ?? throw new ReferenceUnavailableException($"{RegionsFile} disappeared while loading.");
        await using var stationsStream = await store.OpenReadAsync(Containers.Reference, StationsFile, cancellationToken)
            ?? throw new ReferenceUnavailableException($"{StationsFile} disappeared while loading.");
        var result = ReferenceLoader.Load(regionsStream, stationsStream);
        if (!result.IsValid)
        {
            throw new ReferenceUnavailableException("The reference data is broken:" + Environment.NewLine + string.Join(Environment.NewLine, result.Errors));
        }

        _cached = new CachedReference(versions, result.Reference!);
        return result.Reference!;
    }

    private sealed record CachedReference(string Versions, ReferenceData Data);
}
