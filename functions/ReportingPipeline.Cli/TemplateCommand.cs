using System.CommandLine;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Templates;

namespace ReportingPipeline.Cli;

/// <summary>`pipeline template`: the Excel workbook a station fills in for one month.</summary>
internal static class TemplateCommand
{
    public static Command Create()
    {
        var reference = CommandOptions.Reference();
        var station = CommandOptions.Station("The station (town) the workbook is for; its villages are prefilled.", required: true);
        var period = CommandOptions.Period("The month the workbook reports.", required: true);
        var output = CommandOptions.Out("FILE.xlsx", "The .xlsx file to write.");
        var command = new Command("template", "The Excel workbook a station fills in for one month.") { reference, station, period, output };
        command.SetAction((parsed, cancellationToken) => ExecuteAsync(
            parsed.GetValue(reference)!, parsed.GetValue(station)!, parsed.GetValue(period)!.Value, parsed.GetValue(output)!, parsed.InvocationConfiguration.Output, cancellationToken));
        return command;
    }

    private static async Task<int> ExecuteAsync(string referenceFolder, string station, Period period, string output, TextWriter stdout, CancellationToken cancellationToken)
    {
        var reference = ReferenceFiles.Load(referenceFolder);
        if (reference.FindStation(station) is null)
        {
            throw new UsageException($"--station {station} is not in the station register.");
        }

        if (!output.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException("-o must name an .xlsx file.");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        await using (var file = File.Create(output))
        {
            SubmissionWorkbookWriter.WriteTemplate(file, reference, station, period);
        }

        await stdout.WriteLineAsync($"Template for {station} {reference.FindStation(station)!.Name}, {period}: {output}");
        return PipelineCommand.Ok;
    }
}
