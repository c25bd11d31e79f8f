using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Intake;
using ReportingPipeline.Core.Reading;
using ReportingPipeline.Core.Reference;
using ReportingPipeline.Core.Reporting;
using ReportingPipeline.Core.Validation;
using ReportingPipeline.Hosting;
using ReportingPipeline.Hosting.LocalFolder;

namespace ReportingPipeline.Cli;

/// <summary>
/// `pipeline validate FILE --reference DIR`: the intake's judgement of one file, without a store: the same
/// reader, rules, decision and report as an upload gets, as if it were the first upload for its month.
/// </summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var file = CommandOptions.Positional("FILE", "The file to judge: .xlsx, .json or .zip of CSV.");
        var reference = CommandOptions.Reference();
        var station = CommandOptions.Station("The station the file is for (else the folder it sits in, .../2026-10/440103001/file.xlsx, else the file).");
        var period = CommandOptions.Period("The month the file is for (else the folder, else the file).");
        var json = CommandOptions.Flag("--json", "Print the report as JSON, as reports/…/FILE.report.json holds it.");
        var now = CommandOptions.Now();
        var command = new Command("validate", "Judges one file exactly as an upload is judged and prints its report; exit 0 accepted (with or without warnings), 1 rejected.")
        {
            file, reference, station, period, json, now,
        };
        command.SetAction((parsed, cancellationToken) => ExecuteAsync(
            parsed.GetValue(file)!, parsed.GetValue(reference)!, parsed.GetValue(station), parsed.GetValue(period), parsed.GetValue(json), parsed.GetValue(now),
            parsed.InvocationConfiguration.Output, cancellationToken));
        return command;
    }

    private static async Task<int> ExecuteAsync(
        string file, string referenceFolder, string? stationOption, Period? periodOption, bool asJson, DateTimeOffset? nowOption, TextWriter stdout, CancellationToken cancellationToken)
    {
        if (!File.Exists(file))
        {
            throw new UsageException($"No file {file}.");
        }

        var reference = ReferenceFiles.Load(referenceFolder);
        var now = nowOption ?? DateTimeOffset.UtcNow;

        // The limits and deadline an upload is judged by: the same configuration (Pipeline section) and wiring as every host.
        using var host = LocalPipeline.CreateHost(Directory.GetCurrentDirectory(), new FixedTimeProvider(now), logging => logging.SetMinimumLevel(LogLevel.Warning));
        var judge = new IntakeJudge(host.Services.GetRequiredService<IntakeOptions>() with { ProcessedBy = "pipeline validate" });
        var fileName = Path.GetFileName(file);
        UploadContent content;
        await using (var stream = File.OpenRead(file))
        {
            content = await UploadContent.ReadAsync(stream, judge.Options.Limits, cancellationToken);
        }

        var raw = judge.Read(content, fileName);

        // Which station and month the file is for: the options, else the folder it sits in
        // ({period}/{station}/{file}, as uploaded), else what the file itself says.
        var fromPath = SubmissionPath.TryParse(string.Join('/', Path.GetFullPath(file).Split(Path.DirectorySeparatorChar).TakeLast(3)), out var path) ? path : null;
        var station = stationOption ?? fromPath?.StationCode ?? HeaderValue(raw, "station_code");
        var period = periodOption ?? fromPath?.Period ?? (Period.TryParse(HeaderValue(raw, "period"), out var p) ? p : null);

        var validation = IntakeJudge.Validate(raw, reference, station, period, now, []);
        var blobName = station is not null && period is not null ? $"{period}/{station}/{fileName}" : fileName;
        SubmissionReport report;
        if (station is not null && period is { } known)
        {
            var decision = judge.Decide(null, new IncomingUpload(blobName, known, station, content.Sha256, content.Size, now), validation, now);
            report = judge.Report(decision, validation, reference);
        }
        else
        {
            report = judge.Unplaced(blobName, station, period, content.Sha256, content.Size, now, now, validation, reference);
        }

        if (asJson)
        {
            await stdout.WriteLineAsync(System.Text.Encoding.UTF8.GetString(ReportWriter.ToJson(report)));
        }
        else
        {
            await stdout.WriteAsync(ReportText.Render(report));
        }

        return report.Status == Core.Ports.SubmissionStatus.Rejected ? PipelineCommand.Failed : PipelineCommand.Ok;
    }

    /// <summary>A value of the station section as the file wrote it, to tell which station and month a loose file is for.</summary>
    private static string? HeaderValue(RawSubmission raw, string fieldKey)
    {
        var field = SubmissionContract.Station[fieldKey];
        return raw.Find(SubmissionContract.Station)?.Rows
            .Where(r => r.Cells.Count >= 2 && r.Cells[0] is { } name && field.IsNamedBy(name.Text))
            .Select(r => r.Cells[1]?.Text.Trim())
            .FirstOrDefault(v => !string.IsNullOrEmpty(v));
    }
}

/// <summary>Loads the reference from a folder holding regions.csv and stations.csv.</summary>
internal static class ReferenceFiles
{
    public static ReferenceData Load(string folder)
    {
        var regions = Path.Combine(folder, ReferenceStore.RegionsFile);
        var stations = Path.Combine(folder, ReferenceStore.StationsFile);
        if (!File.Exists(regions) || !File.Exists(stations))
        {
            throw new UsageException($"--reference {folder} must hold {ReferenceStore.RegionsFile} and {ReferenceStore.StationsFile}.");
        }

        using var regionsStream = File.OpenRead(regions);
        using var stationsStream = File.OpenRead(stations);
        var result = ReferenceLoader.Load(regionsStream, stationsStream);
        return result.IsValid
            ? result.Reference!
            : throw new UsageException("the reference data is broken:" + Environment.NewLine + string.Join(Environment.NewLine, result.Errors));
    }
}
