using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Hosting;
using ReportingPipeline.Hosting.LocalFolder;

namespace ReportingPipeline.Cli;

/// <summary>`pipeline run`: the main job on the embedded default (a local folder store).</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var input = new Option<string>("--input") { HelpName = "DIR", Description = "The folder to import: reference/ and submissions/, laid out like the containers (and _now.txt, the clock when --now is not given).", DefaultValueFactory = _ => "sample-data" };
        var store = CommandOptions.Store("The store folder: containers as sub-folders, the ledger, the marts, dashboard.html.", required: false, fallback: ".pipeline");
        var now = CommandOptions.Now();
        var verbose = CommandOptions.Flag("--verbose", "Log every step instead of drawing a progress bar.");
        var command = new Command("run", "The main job on a local folder store: import, ingest new uploads in upload order, reports, ledger, marts, dashboard.html, summary.")
        {
            input, store, now, verbose,
        };
        command.SetAction((parsed, cancellationToken) => ExecuteAsync(
            parsed.GetValue(input)!, parsed.GetValue(store)!, parsed.GetValue(now), parsed.GetValue(verbose),
            parsed.InvocationConfiguration.Output, parsed.InvocationConfiguration.Error, cancellationToken));
        return command;
    }

    private static async Task<int> ExecuteAsync(string input, string storeRoot, DateTimeOffset? now, bool verbose, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(input))
        {
            throw new UsageException($"No input folder {input} (it should hold reference/ and submissions/).");
        }

        // The sample carries its clock (sample-data/_now.txt) so that a fresh clone's first run is the documented one.
        var clockFile = Path.Combine(input, "_now.txt");
        if (now is null && File.Exists(clockFile))
        {
            var text = (await File.ReadAllTextAsync(clockFile, cancellationToken)).Trim();
            now = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var fromFile)
                ? fromFile
                : throw new UsageException($"{clockFile} holds '{text}', not an ISO 8601 time (e.g. 2026-12-02T09:00:00+08:00).");
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Clock: {fromFile:yyyy-MM-dd'T'HH:mm:sszzz} (from {clockFile}; --now overrides it)."));
        }

        TimeProvider time = now is { } fixedNow ? new FixedTimeProvider(fixedNow) : TimeProvider.System;
        var level = verbose ? LogLevel.Information : LogLevel.Warning;
        using var host = LocalPipeline.CreateHost(storeRoot, time, logging => logging
            .AddSimpleConsole(o => o.SingleLine = true)
            .SetMinimumLevel(level));
        var run = LocalRun.Create(host.Services);
        using var bar = new ProgressBar(stderr, enabled: !verbose);
        var summary = await run.RunAsync(input, bar, cancellationToken);
        bar.Finish();
        await stdout.WriteAsync(Render(summary));
        return PipelineCommand.Ok;
    }

    private static string Render(RunSummary summary)
    {
        var text = new System.Text.StringBuilder();
        var o = summary.Outcomes;
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Imported: {summary.Import.NewSubmissions} new uploads, {summary.Import.ReferenceFilesChanged} reference files changed.");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Files: {o[SubmissionStatus.Accepted]} accepted, {o[SubmissionStatus.AcceptedWithWarnings]} accepted with warnings, {o[SubmissionStatus.Rejected]} rejected, {o[SubmissionStatus.Duplicate]} duplicate.");
        if (summary.Import.Refused.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Skipped {summary.Import.Refused.Count} changed files that would replace earlier uploads (raw uploads are immutable).");
        }

        if (summary.LatestPeriod is { } latest)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Reporting in {latest} (accepted / expected stations, from agg_region_month):");
            foreach (var city in summary.ReportingByCity)
            {
                var rate = city.Rate is { } r ? r.ToString("P1", CultureInfo.InvariantCulture) : "-";
                text.AppendLine(CultureInfo.InvariantCulture, $"  {city.CityCode} {city.CityName,-6} {city.Reported,5} / {city.Expected,-5} {rate,7}");
            }
        }

        var marts = summary.Marts;
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Marts: {marts.PeriodsRebuilt.Count} months rebuilt, {marts.PeriodsUnchanged.Count} unchanged -> {summary.MartsFolder}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Reports: {summary.ReportsFolder}");
        if (summary.DashboardFile is { } dashboard)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Dashboard: {dashboard}");
        }

        return text.ToString();
    }
}

/// <summary>A one-line progress bar on standard error, drawn only when it is a terminal.</summary>
internal sealed class ProgressBar(TextWriter output, bool enabled) : IProgress<(int Done, int Total)>, IDisposable
{
    private readonly bool _enabled = enabled && !Console.IsErrorRedirected;
    private bool _drawn;

    public void Report((int Done, int Total) value)
    {
        if (!_enabled || value.Total < 20)
        {
            return;
        }

        const int width = 30;
        var filled = value.Done * width / value.Total;
        output.Write(string.Create(CultureInfo.InvariantCulture, $"\r[{new string('#', filled)}{new string('.', width - filled)}] {value.Done}/{value.Total} files"));
        _drawn = true;
    }

    public void Finish()
    {
        if (_drawn)
        {
            output.WriteLine();
            _drawn = false;
        }
    }

    public void Dispose() => Finish();
}
