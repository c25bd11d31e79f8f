using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Templates;

namespace ReportingPipeline.Cli;

/// <summary>`pipeline template`: the Excel workbook a station fills in for one month.</summary>
internal static class TemplateCommand
{
    public static async Task<int> ExecuteAsync(string[] args, TextWriter stdout, CancellationToken cancellationToken)
    {
        var cl = new CommandLine(args, new HashSet<string> { "--reference", "--station", "--period", "--out" }, new HashSet<string>());
        if (cl.Positional.Count > 0)
        {
            throw new UsageException($"template takes no positional argument ('{cl.Positional[0]}').");
        }

        var reference = ReferenceFiles.Load(cl.Required("--reference"));
        var station = cl.Required("--station");
        var periodText = cl.Required("--period");
        if (!Period.TryParse(periodText, out var period))
        {
            throw new UsageException($"--period '{periodText}' is not YYYY-MM.");
        }

        if (reference.FindStation(station) is null)
        {
            throw new UsageException($"--station {station} is not in the station register.");
        }

        var output = cl.Required("--out");
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
