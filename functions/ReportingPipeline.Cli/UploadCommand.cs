using ReportingPipeline.Core.Ports;
using ReportingPipeline.Storage;

namespace ReportingPipeline.Cli;

/// <summary>
/// `pipeline upload`: puts a file into a container as a station's upload would (a convenience for developers on
/// Azurite; any storage client does the same).
/// </summary>
internal static class UploadCommand
{
    public static async Task<int> ExecuteAsync(string[] args, TextWriter stdout, CancellationToken cancellationToken)
    {
        var cl = new CommandLine(args, new HashSet<string> { "--storage", "--container" }, new HashSet<string>());
        if (cl.Positional.Count != 2)
        {
            throw new UsageException("upload takes FILE and BLOB-NAME, e.g. upload --storage UseDevelopmentStorage=true report.xlsx 2026-10/440103001/report.xlsx");
        }

        var (file, blobName) = (cl.Positional[0], cl.Positional[1]);
        if (!File.Exists(file))
        {
            throw new UsageException($"No file {file}.");
        }

        var container = cl.Value("--container") ?? Containers.Submissions;
        if (container is not (Containers.Submissions or Containers.Reference))
        {
            throw new UsageException($"--container must be {Containers.Submissions} or {Containers.Reference}.");
        }

        var storage = StorageFactory.Create(new StorageOptions { ConnectionString = cl.Required("--storage") });
        await using var content = File.OpenRead(file);
        if (container == Containers.Submissions)
        {
            // An upload never replaces an earlier one: a station re-uploads under a new name.
            if (!await storage.Blobs.TryCreateAsync(container, blobName, content, "application/octet-stream", cancellationToken))
            {
                throw new UsageException($"{container}/{blobName} already exists; upload the new version under another file name.");
            }
        }
        else
        {
            await storage.Blobs.WriteAsync(container, blobName, content, "text/csv", cancellationToken);
        }

        await stdout.WriteLineAsync($"Uploaded {file} -> {container}/{blobName}");
        return PipelineCommand.Ok;
    }
}
