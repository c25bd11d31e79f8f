namespace ReportingPipeline.Cli;

/// <summary>`pipeline COMMAND ...`: dispatches to the commands and turns usage mistakes into exit code 2.</summary>
internal static class PipelineCommand
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;

    private const string Help = """
        pipeline: the Double Hundred (双百工程) social work stations' monthly reporting pipeline

        Commands:
          run       [--input DIR] [--store DIR] [--now ISO-TIME] [--verbose]
                    The main job on a local folder: import the input (reference/, submissions/), ingest every
                    new upload in upload order, write reports, update the ledger, build the Parquet marts.
                    Defaults: --input sample-data, --store .pipeline.
          validate  FILE --reference DIR [--station CODE] [--period YYYY-MM] [--json] [--now ISO-TIME]
                    Check one file as the pipeline would and print its report. Exit 0 accepted, 1 rejected.
          dashboard --store DIR -o FILE.html
                    Write the self-contained HTML dashboard of the store's marts (`run` also writes DIR/dashboard.html).
          template  --reference DIR --station CODE --period YYYY-MM -o FILE.xlsx
                    Write the Excel template a station fills in.

          host      --storage CONNECTION-STRING [--schedule-marts CRON] [--schedule-close CRON] [--poll-seconds N]
                    Run the Functions app's handlers against Azure Storage or Azurite (in place of `func start`):
                    new blobs in submissions/ and reference/ are processed, marts are built on schedule.
                    CRON has six fields, seconds first, as Functions timers use. Ctrl+C stops it.
          upload    --storage CONNECTION-STRING [--container submissions|reference] FILE BLOB-NAME
                    Upload a file as a station (or the reference data) would, e.g. to Azurite.
          generate  --scale {sample|guangzhou|guangdong|national} [--months N] [--seed S] [--from YYYY-MM] [--staged] --out DIR
                    Deterministic synthetic reference data and uploads in all three formats, laid out for `run --input`;
                    with --staged, DIR is a store holding the ledger and staged submissions only (to measure the mart build alone).
          generate  --sample-submissions --out sample-data
                    Regenerate the committed sample uploads from sample-data/reference.
          powerbi   [-o DIR]   Write the Power BI project, Power Query scripts and measures generated from the marts (default powerbi).

        Exit codes: 0 success (or accepted), 1 rejected or failed, 2 usage error.
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            await stdout.WriteLineAsync(Help);
            return args.Length == 0 ? Usage : Ok;
        }

        var rest = args[1..];
        try
        {
            using var cancellation = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                cancellation.Cancel();
            };
            return args[0] switch
            {
                "run" => await RunCommand.ExecuteAsync(rest, stdout, stderr, cancellation.Token),
                "validate" => await ValidateCommand.ExecuteAsync(rest, stdout, stderr, cancellation.Token),
                "dashboard" => await DashboardCommand.ExecuteAsync(rest, stdout, cancellation.Token),
                "template" => await TemplateCommand.ExecuteAsync(rest, stdout, cancellation.Token),
                "generate" => await GenerateCommand.ExecuteAsync(rest, stdout, cancellation.Token),
                "host" => await HostCommand.ExecuteAsync(rest, cancellation.Token),
                "upload" => await UploadCommand.ExecuteAsync(rest, stdout, cancellation.Token),
                "powerbi" => await PowerBiCommand.ExecuteAsync(rest, stdout, cancellation.Token),
                _ => throw new UsageException($"Unknown command '{args[0]}'."),
            };
        }
        catch (UsageException e)
        {
            await stderr.WriteLineAsync($"error: {e.Message}");
            await stderr.WriteLineAsync("Run `pipeline --help` for usage.");
            return Usage;
        }
        catch (OperationCanceledException)
        {
            await stderr.WriteLineAsync("Cancelled.");
            return Failed;
        }
    }
}
