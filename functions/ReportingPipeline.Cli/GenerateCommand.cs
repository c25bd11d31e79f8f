using System.CommandLine;
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
    public static Command Create()
    {
        var scale = new Option<Scale>("--scale")
        {
            HelpName = string.Join('|', Enum.GetNames<Scale>().Select(n => n.ToLowerInvariant())),
            Description = "How much of the world: the sample's cities, Guangzhou, Guangdong's 21 cities, or national volume.",
            DefaultValueFactory = _ => Scale.Guangzhou,
            CustomParser = result => Enum.TryParse<Scale>(result.Tokens.Single().Value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
                ? parsed
                : CommandOptions.Fail<Scale>(result, $"--scale '{result.Tokens.Single().Value}' is not one of {string.Join(", ", Enum.GetNames<Scale>().Select(n => n.ToLowerInvariant()))}."),
        };
        var months = CommandOptions.Integer("--months", "N", "How many months.", 12, 1, 120);
        var seed = CommandOptions.Integer("--seed", "S", "The seed: the same seed gives the same files.", 1, int.MinValue, int.MaxValue);
        var from = new Option<Period>("--from")
        {
            HelpName = "YYYY-MM",
            Description = "The first month.",
            DefaultValueFactory = _ => new Period(2025, 1),
            CustomParser = result => Period.TryParse(result.Tokens.Single().Value, out var parsed) && parsed >= Period.ProgrammeStart
                ? parsed
                : CommandOptions.Fail<Period>(result, $"--from '{result.Tokens.Single().Value}' is not a month (YYYY-MM) since 2020-11."),
        };
        var staged = CommandOptions.Flag("--staged", "Write a store's ledger and staged submissions directly (through the real validation and intake decision), to measure the mart build alone.");
        var firstUploads = new Option<int?>("--first-uploads")
        {
            HelpName = "N",
            Description = "Only the first N uploads by upload time (a burst from a dataset too large to write whole): the same files the whole dataset holds.",
            CustomParser = result => int.TryParse(result.Tokens.Single().Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 1
                ? value
                : CommandOptions.Fail<int?>(result, $"--first-uploads '{result.Tokens.Single().Value}' must be a whole number from 1."),
        };
        var sampleSubmissions = CommandOptions.Flag("--sample-submissions", "Regenerate the committed sample uploads from DIR/reference (a test checks they are current).");
        var output = CommandOptions.Out("DIR", "The folder to write: an input for `run --input`, a store with --staged, sample-data with --sample-submissions.");
        var command = new Command("generate", "Deterministic synthetic reference data and uploads in all three formats, laid out for `run --input`.")
        {
            scale, months, seed, from, firstUploads, staged, sampleSubmissions, output,
        };
        command.SetAction((parsed, cancellationToken) =>
        {
            var (stdout, outputFolder) = (parsed.InvocationConfiguration.Output, parsed.GetValue(output)!);
            return parsed.GetValue(sampleSubmissions)
                ? WriteSampleSubmissionsAsync(outputFolder, stdout, cancellationToken)
                : ExecuteAsync(parsed.GetValue(scale), parsed.GetValue(months), parsed.GetValue(seed), parsed.GetValue(from), parsed.GetValue(firstUploads), parsed.GetValue(staged), outputFolder, stdout, cancellationToken);
        });
        return command;
    }

    /// <summary>Regenerates the committed sample-data/submissions from the committed reference.</summary>
    private static async Task<int> WriteSampleSubmissionsAsync(string sampleDir, TextWriter stdout, CancellationToken cancellationToken)
    {
        var samples = await SampleData.WriteAsync(sampleDir, ReferenceFiles.Load(Path.Combine(sampleDir, "reference")), cancellationToken);
        await stdout.WriteLineAsync($"{samples.Count} sample uploads -> {Path.Combine(sampleDir, "submissions")}");
        return PipelineCommand.Ok;
    }

    private static async Task<int> ExecuteAsync(Scale scale, int months, int seed, Period from, int? firstUploads, bool stagedOnly, string output, TextWriter stdout, CancellationToken cancellationToken)
    {
        if (stagedOnly && firstUploads is not null)
        {
            throw new UsageException("--first-uploads writes upload files; --staged writes a store without them: give one.");
        }

        if (stagedOnly)
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
            new SyntheticDatasetOptions { XlsxWriter = (stream, submission) => SubmissionWorkbookWriter.WriteSubmission(stream, submission), FirstUploads = firstUploads },
            cancellationToken);
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{scale}: {summary.Stations} stations, {summary.StationMonths} station-months from {from} ({summary.Missing} missing), {summary.Files} files, {summary.Bytes / 1024.0 / 1024.0:0.0} MB -> {output}"));
        foreach (var (format, count) in summary.FilesByFormat.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {format,-5} {count,8}"));
        }

        return PipelineCommand.Ok;
    }
}
