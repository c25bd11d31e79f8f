namespace ReportingPipeline.Core.Ports;

/// <summary>The containers the pipeline uses; the same names locally (folders) and in Azure (blob containers).</summary>
public static class Containers
{
    /// <summary>Raw uploads, <c>{period}/{station}/{file}</c>: never modified or deleted by the pipeline.</summary>
    public const string Submissions = "submissions";

    /// <summary>One report per upload, <c>{period}/{station}/{file}.report.json</c> and <c>.report.html</c>.</summary>
    public const string Reports = "reports";

    /// <summary><c>regions.csv</c> and <c>stations.csv</c>.</summary>
    public const string Reference = "reference";

    /// <summary>The Parquet star schema and <c>_manifest.json</c>.</summary>
    public const string Marts = "marts";

    /// <summary>Every processed upload in canonical form, <c>{period}/{station}/{sha256}.json</c>; what the marts are built from.</summary>
    public const string Staging = "staging";

    public static readonly IReadOnlyList<string> All = [Submissions, Reports, Reference, Marts, Staging];
}

/// <summary>What the store knows of a blob without reading it.</summary>
/// <param name="CreatedOn">When the blob was created: for a submission, its upload time.</param>
/// <param name="Version">Changes whenever the content does (ETag in Azure, size+time locally).</param>
public sealed record BlobItem(string Container, string Name, long Size, DateTimeOffset CreatedOn, string Version);

/// <summary>
/// A blob store: Azure Blob Storage, or folders on disk. Names use '/' separators. Every write is
/// atomic: a reader sees the old content or the new, never a part.
/// </summary>
public interface IBlobStore
{
    Task<BlobItem?> GetItemAsync(string container, string name, CancellationToken cancellationToken = default);

    /// <summary>Opens a blob for reading; null when it does not exist.</summary>
    Task<Stream?> OpenReadAsync(string container, string name, CancellationToken cancellationToken = default);

    /// <summary>Creates or replaces a blob.</summary>
    Task WriteAsync(string container, string name, Stream content, string contentType, CancellationToken cancellationToken = default);

    /// <summary>Creates a blob only if none exists with that name; false when one did (the content is then left alone).</summary>
    Task<bool> TryCreateAsync(string container, string name, Stream content, string contentType, CancellationToken cancellationToken = default);

    /// <summary>The blobs whose names start with <paramref name="prefix"/>, in name order.</summary>
    IAsyncEnumerable<BlobItem> ListAsync(string container, string prefix = "", CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes an exclusive lock named by a blob (a blob lease in Azure, a file lock locally), held until the
    /// returned handle is disposed or the process dies; null when someone else holds it. Serialises work that
    /// must not overlap across workers and machines, such as two mart builds.
    /// </summary>
    Task<IAsyncDisposable?> TryAcquireLockAsync(string container, string name, CancellationToken cancellationToken = default);

    /// <summary>Deletes a blob if it exists. Never used on <see cref="Containers.Submissions"/>.</summary>
    Task DeleteAsync(string container, string name, CancellationToken cancellationToken = default);
}
