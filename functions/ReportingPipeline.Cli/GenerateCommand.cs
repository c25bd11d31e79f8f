using System.Globalization;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Templates;
using ReportingPipeline.Hosting.LocalFolder;
using ReportingPipeline.Storage.LocalFolder;
using ReportingPipeline.Synthetic;

namespace ReportingPipeline.Cli;

/// <summary>`pipeline generate`: deterministic synthetic reference and uploads at a chosen scale, laid out for `run --input`.</summary>
internal static class GenerateCommand
{
    public static async Task<int> ExecuteAsync(string[] args, TextWriter stdout, CancellationToken cancellationToken)
    {
        var cl = new CommandLine(args, new HashSet<string> { "--scale", "--months", "--seed", "--out", "--from" }, new HashSet<string> { "--sample-submissions", "--staged" });
        if (cl.Positional.Count > 0)
        {
            throw new UsageException($"generate takes no positional argument ('{cl.Positional[0]}').");
        }

        if (cl.Has("--sample-submissions"))
        {
            // Regenerates the committed sample-data/submissions from the committed reference.
            var sampleDir = cl.Required("--out");
            var samples = await SampleData.WriteAsync(sampleDir, ReferenceFiles.Load(Path.Combine(sampleDir, "reference")), cancellationToken);
            await stdout.WriteLineAsync($"{samples.Count} sample uploads -> {Path.Combine(sampleDir, "submissions")}");
            return PipelineCommand.Ok;
        }

        var scaleText = cl.Value("--scale") ?? "guangzhou";
        if (!Enum.TryParse<Scale>(scaleText, ignoreCase: true, out var scale) || !Enum.IsDefined(scale))
        {
            throw new UsageException($"--scale '{scaleText}' is not one of {string.Join(", ", Enum.GetNames<Scale>().Select(n => n.ToLowerInvariant()))}.");
        }

        var months = Integer(cl, "--months", 12, 1, 120);
        var seed = Integer(cl, "--seed", 1, int.MinValue, int.MaxValue);
        var fromText = cl.Value("--from") ?? "2025-01";
        if (!Period.TryParse(fromText, out var from) || from < Period.ProgrammeStart)
        {
            throw new UsageException($"--from '{fromText}' is not a month (YYYY-MM) since 2020-11.");
        }

        var output = cl.Required("--out");
        if (cl.Has("--staged"))
        {
            // A store folder as `run --store` leaves it after intake: reference, ledger, staging; no upload files.
            var staged = await SyntheticStaging.WriteAsync(
                new LocalFolderBlobStore(output), new FolderLedger(Path.Combine(output, LocalPipeline.LedgerFolder)),
                SyntheticReference.Generate(scale, seed), from, months, seed, cancellationToken: cancellationToken);
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{scale} (staged): {staged.StationMonths} station-months from {from} ({staged.Missing} missing), {staged.Uploads} uploads, {staged.Staged} staged files, {staged.StagedBytes / 1024.0 / 1024.0:0.0} MB -> {output}"));
            return PipelineCommand.Ok;
        }

        var summary = await SyntheticDataset.WriteAsync(output, scale, from, months, seed,
            new SyntheticDatasetOptions { XlsxWriter = (stream, submission) => SubmissionWorkbookWriter.WriteSubmission(stream, submission) },
            cancellationToken);
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{scale}: {summary.Stations} stations, {summary.StationMonths} station-months from {from} ({summary.Missing} missing), {summary.Files} files, {summary.Bytes / 1024.0 / 1024.0:0.0} MB -> {output}"));
        foreach (var (format, count) in summary.FilesByFormat.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {format,-5} {count,8}"));
        }

        return PipelineCommand.Ok;
    }

    private static int Integer(CommandLine cl, string name, int fallback, int min, int max)
    {
        var text = cl.Value(name);
        if (text is null)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new UsageException($"{name} '{text}' must be a whole number from {min} to {max}.");
    }
}
