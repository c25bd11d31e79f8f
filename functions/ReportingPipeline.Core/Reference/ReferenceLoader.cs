namespace ReportingPipeline.Core.Reference;

/// <summary>The reference as loaded, or the problems that make it unusable (each naming its file and line).</summary>
public sealed record ReferenceLoadResult(ReferenceData? Reference, IReadOnlyList<string> Errors)
{
    public bool IsValid => Reference is not null && Errors.Count == 0;
}

/// <summary>Loads and checks <c>regions.csv</c> and <c>stations.csv</c>.</summary>
public static class ReferenceLoader
{
    public static ReferenceLoadResult Load(Stream regionsCsv, Stream stationsCsv) =>
        throw new NotImplementedException("TODO(reference)");
}
