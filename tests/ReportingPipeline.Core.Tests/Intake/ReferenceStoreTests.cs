using ReportingPipeline.Core.Intake;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Core.Reference;
using ReportingPipeline.Testing;

namespace ReportingPipeline.Core.Tests.Intake;

/// <summary>The reference as the intake gets it for every upload: read once, read again as soon as a file changes.</summary>
public sealed class ReferenceStoreTests
{
    /// <summary>What each call asks the store: both files' properties (read at once).</summary>
    internal static readonly string[] ReferenceLookups =
        [$"properties {Containers.Reference}/{ReferenceStore.RegionsFile}", $"properties {Containers.Reference}/{ReferenceStore.StationsFile}"];

    private readonly InMemoryBlobStore _blobs = new();

    [Fact]
    public async Task GetAsync_FilesUnchanged_ReadOnce_StationsReplaced_NextCallHasTheNewStation()
    {
        var reference = TestReference.Create();
        await TestReference.WriteAsync(_blobs, reference);
        var store = new RecordingBlobStore(_blobs);
        var references = new ReferenceStore(store);

        var first = await references.GetAsync();
        var second = await references.GetAsync();
        var opened = store.OpenedIn(Containers.Reference).Count;

        // A station opened by the programme office: the very next upload is judged against it.
        var added = new Station("440103003", "新开社工站", TestReference.Create().Stations[0].Operator, new DateOnly(2024, 1, 1), null);
        var regions = reference.Regions.Append(new Region(added.StationCode, "新开街道", RegionLevel.Town, TestReference.DistrictCode)).ToList();
        await TestReference.WriteAsync(_blobs, new ReferenceData(regions, [.. reference.Stations, added], fingerprint: "with-a-new-station"));
        var third = await references.GetAsync();

        Assert.Same(first, second);
        Assert.Equal(2, opened);
        Assert.Null(second.FindStation(added.StationCode));
        Assert.NotNull(third.FindStation(added.StationCode));
        Assert.Equal(4, store.OpenedIn(Containers.Reference).Count);
        Assert.Equal(ReferenceLookups.Concat(ReferenceLookups).Concat(ReferenceLookups).Order(), store.Lookups.Order());
    }

    [Fact]
    public async Task GetAsync_StationsFileMissing_ReferenceUnavailable()
    {
        await TestReference.WriteAsync(_blobs, TestReference.Create());
        await _blobs.DeleteAsync(Containers.Reference, ReferenceStore.StationsFile);

        var error = await Assert.ThrowsAsync<ReferenceUnavailableException>(() => new ReferenceStore(_blobs).GetAsync());

        Assert.Contains(ReferenceStore.StationsFile, error.Message, StringComparison.Ordinal);
    }
}
