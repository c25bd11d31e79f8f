using System.CommandLine;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Storage;

namespace ReportingPipeline.Cli;

/// <summary>
/// `pipeline upload`: puts a file into a container as a station's upload would (a convenience for developers on
/// Azurite; any storage client does the same).
/// </summary>
internal static class UploadCommand
{
    public static Command Create()
    {
        var storage = CommandOptions.Storage();
        var container = new Option<string>("--container") { HelpName = $"{Containers.Submissions}|{Containers.Reference}", Description = "The container to upload to.", DefaultValueFactory = _ => Containers.Submissions };
        container.AcceptOnlyFromAmong(Containers.Submissions, Containers.Reference);
        var file = CommandOptions.Positional("FILE", "The file to upload.");
        var blobName = CommandOptions.Positional("BLOB-NAME", "Its name in the container, e.g. 2026-10/440103001/report.xlsx.");
        var command = new Command("upload", "Uploads a file as a station (or the reference data) would, e.g. to Azurite.") { storage, container, file, blobName };
        command.SetAction((parsed, cancellationToken) => ExecuteAsync(
            parsed.GetValue(storage)!, parsed.GetValue(container)!, parsed.GetValue(file)!, parsed.GetValue(blobName)!, parsed.InvocationConfiguration.Output, cancellationToken));
        return command;
    }

    private static async Task<int> ExecuteAsync(string connectionString, string container, string file, string blobName, TextWriter stdout, CancellationToken cancellationToken)
    {
        if (!File.Exists(file))
        {
            throw new UsageException($"No file {file}.");
        }

        var storage = StorageFactory.Create(new StorageOptions { ConnectionString = connectionString });
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
