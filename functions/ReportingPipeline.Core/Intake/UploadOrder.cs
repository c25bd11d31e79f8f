using ReportingPipeline.Core.Ports;

namespace ReportingPipeline.Core.Intake;

/// <summary>
/// The order uploads are ingested in, wherever they are found (the ingestor catching up earlier uploads, the
/// blob watcher of <c>pipeline host</c>, <c>pipeline run</c>): creation time, whole seconds in Azure's headers,
/// then name for uploads of the same second. Versions follow it.
/// </summary>
public sealed class UploadOrder : IComparer<BlobItem>
{
    public static UploadOrder Instance { get; } = new();

    private UploadOrder()
    {
    }

    public int Compare(BlobItem? x, BlobItem? y) =>
        x is null || y is null ? Comparer<BlobItem?>.Default.Compare(x, y)
        : x.CreatedOn != y.CreatedOn ? x.CreatedOn.CompareTo(y.CreatedOn)
        : string.CompareOrdinal(x.Name, y.Name);

    /// <summary><paramref name="a"/> was uploaded before <paramref name="b"/>.</summary>
    public static bool IsBefore(BlobItem a, BlobItem b) => Instance.Compare(a, b) < 0;
}
