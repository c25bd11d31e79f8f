using System.Globalization;
using Microsoft.Extensions.Logging;
using ReportingPipeline.Core.Intake;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Storage.LocalFolder;

namespace ReportingPipeline.Hosting.LocalFolder;

/// <summary>What an import brought into the store.</summary>
public sealed record ImportResult(int ReferenceFilesChanged, int NewSubmissions, int Unchanged, IReadOnlyList<string> Refused);

/// <summary>
/// Brings an input folder laid out like the containers (<c>reference/</c>, <c>submissions/</c>) into a local
/// store, as if the files had been uploaded. A submission's upload time is its time in
/// <c>submissions/_uploads.csv</c> (<c>blob_name,received_at</c>) when listed there, else the file's
/// modification time. Raw submissions already in the store are never overwritten.
/// </summary>
public sealed class InputImporter(LocalFolderBlobStore store, ILogger<InputImporter> logger)
{
    public const string UploadTimesFile = "_uploads.csv";

    public async Task<ImportResult> ImportAsync(string inputRoot, CancellationToken cancellationToken = default)
    {
        var referenceChanged = 0;
        foreach (var name in new[] { ReferenceStore.RegionsFile, ReferenceStore.StationsFile })
        {
            var source = Path.Combine(inputRoot, Containers.Reference, name);
            if (!File.Exists(source))
            {
                continue;
            }

            var bytes = await File.ReadAllBytesAsync(source, cancellationToken);
            if (!await SameContentAsync(Containers.Reference, name, bytes, cancellationToken))
            {
                await store.WriteAsync(Containers.Reference, name, new MemoryStream(bytes), "text/csv", cancellationToken);
                referenceChanged++;
            }
        }

        var submissionsRoot = Path.Combine(inputRoot, Containers.Submissions);
        var uploadTimes = ReadUploadTimes(Path.Combine(submissionsRoot, UploadTimesFile));
        int added = 0, unchanged = 0;
        var refused = new List<string>();
        if (Directory.Exists(submissionsRoot))
        {
            foreach (var file in Directory.EnumerateFiles(submissionsRoot, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var name = Path.GetRelativePath(submissionsRoot, file).Replace(Path.DirectorySeparatorChar, '/');
                if (name == UploadTimesFile)
                {
                    continue;
                }

                var bytes = await File.ReadAllBytesAsync(file, cancellationToken);
                if (await store.TryCreateAsync(Containers.Submissions, name, new MemoryStream(bytes), "application/octet-stream", cancellationToken))
                {
                    var createdOn = uploadTimes.TryGetValue(name, out var time) ? time : new DateTimeOffset(File.GetLastWriteTimeUtc(file), TimeSpan.Zero);
                    store.SetCreatedOn(Containers.Submissions, name, createdOn);
                    added++;
                }
                else if (await SameContentAsync(Containers.Submissions, name, bytes, cancellationToken))
                {
                    unchanged++;
                }
                else
                {
                    // A raw upload is immutable: a changed file must come as a new upload under a new name.
                    logger.LogWarning("{Name} differs from the upload already in the store; raw uploads are never replaced, so it was skipped", name);
                    refused.Add(name);
                }
            }
        }

        return new ImportResult(referenceChanged, added, unchanged, refused);
    }

    private async Task<bool> SameContentAsync(string container, string name, byte[] bytes, CancellationToken cancellationToken)
    {
        await using var stream = await store.OpenReadAsync(container, name, cancellationToken);
        if (stream is null || stream.Length != bytes.Length)
        {
            return false;
        }

        using var existing = new MemoryStream();
        await stream.CopyToAsync(existing, cancellationToken);
        return existing.GetBuffer().AsSpan(0, (int)existing.Length).SequenceEqual(bytes);
    }

    private static Dictionary<string, DateTimeOffset> ReadUploadTimes(string path)
    {
        var times = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return times;
        }

        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var comma = line.LastIndexOf(',');
            if (comma > 0 && DateTimeOffset.TryParse(line[(comma + 1)..].Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            {
                times[line[..comma].Trim().Trim('"')] = time;
            }
        }

        return times;
    }
}
