using System.Diagnostics;
using System.Globalization;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Hosting.LocalHost;
using ReportingPipeline.Testing;

namespace ReportingPipeline.Reliability.Tests;

/// <summary>
/// Issue 7, item 2: `pipeline host` as a real child process on Azurite, killed with SIGKILL at random points during
/// intake and during mart builds, restarted, and checked after every trial.
/// </summary>
[Collection(CrashCollection.Name)]
[Trait("Category", "reliability")]
public sealed class HostCrashTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const int Trials = 50;

    private static readonly IReadOnlyList<Period> Months = [.. Period.Range(new Period(2026, 1), new Period(2026, 9))];

    [Fact]
    public async Task PipelineHost_KilledAtRandomPointsAndRestarted_NothingLostOrDuplicatedAndMartsConsistent()
    {
        await azurite.ResetAsync();
        var rig = new AzureRig(azurite);
        var programme = Programme.District;
        await rig.WriteReferenceAsync(programme);
        var store = rig.Connect().Blobs;
        var random = new Random(20261124);
        var stations = programme.Stations.Select(s => s.StationCode).ToList();
        var uploads = new List<string>();
        var contents = new List<byte[]>();
        var phases = new Dictionary<string, int>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        var repairedByNextBuild = 0;
        var host = Start();
        try
        {
            await WaitUntilQuietAsync(host, rig, uploads, programme);
            for (var trial = 1; trial <= Trials; trial++)
            {
                var mark = host.Lines.Count;
                var files = 1 + random.Next(3);
                for (var k = 0; k < files; k++)
                {
                    var (station, period) = (stations[random.Next(stations.Count)], Months[random.Next(Months.Count)]);
                    var roll = random.NextDouble();
                    var content = roll < 0.15 ? programme.RejectedJson(station, period)
                        : roll < 0.3 && contents.Count > 0 ? contents[random.Next(contents.Count)]
                        : programme.Json(station, period, variant: random.Next(1, 1000));
                    var blob = Programme.BlobName(station, period, string.Create(CultureInfo.InvariantCulture, $"t{trial:000}-{k}.json"));
                    await AzureRig.UploadAsync(store, blob, content);
                    uploads.Add(blob);
                    contents.Add(content);
                }

                // Every fifth trial is killed during the mart build that follows, the others while a file is being
                // ingested. A host killed mid-build leaves its blob lease to lapse (15 s) before the restarted host
                // can build, so build trials are the slow ones; ten of them keep the suite inside CI's budget.
                var duringBuild = trial % 5 == 0;
                var found = duringBuild
                    ? await host.WaitForLineAsync(l => l.Contains("Processed submissions/", StringComparison.Ordinal), mark)
                        && await host.WaitForLineAsync(IsBuildStart, LastIndex(host.Lines, l => l.Contains("Processed submissions/", StringComparison.Ordinal)))
                    : await host.WaitForLineAsync(l => l.Contains("Processing submissions/", StringComparison.Ordinal), mark);
                Assert.True(found, $"Trial {trial}: the host never got to {(duringBuild ? "a mart build" : "intake")}:{Environment.NewLine}{string.Join(Environment.NewLine, host.Lines.TakeLast(30))}");
                await Task.Delay(random.Next(0, duringBuild ? 300 : 80));
                host.KillHard();
                var phase = PhaseOf(host.Lines);
                phases[phase] = phases.GetValueOrDefault(phase) + 1;
                host.Dispose();

                host = Start();
                if (!await WaitUntilQuietAsync(host, rig, uploads, programme))
                {
                    repairedByNextBuild++;
                }

                var ledger = await PipelineInvariants.CheckLedgerAsync(rig, uploads);
                if (trial % 10 == 0)
                {
                    // Every tenth trial reads every table with DuckDB; the others check the manifest against the store.
                    await PipelineInvariants.CheckMartsAsync(rig, programme.Reference, ledger);
                }
                else
                {
                    await PipelineInvariants.CheckManifestAsync(store, programme.Reference, ledger);
                }
            }

            // Every upload has its report, and the report says what the ledger says.
            var final = await rig.LedgerAsync();
            foreach (var record in final.SelectMany(e => e.Uploads))
            {
                var report = await rig.ReportAsync(record.BlobName);
                Assert.True(report is not null, $"{record.BlobName} has no report");
                Assert.Equal((record.Version, record.Sha256), (report.Version, report.Sha256));
            }

            var accepted = final.SelectMany(e => e.Uploads).Count(PipelineInvariants.IsAccepted);
            output.WriteLine($"{Trials} kill -9 trials in {clock.Elapsed.TotalSeconds:0} s: {uploads.Count} uploads ({accepted} accepted versions), "
                + $"killed {string.Join(", ", phases.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Value} {p.Key}"))}; "
                + $"{repairedByNextBuild} left marts files the manifest did not describe until the restarted host's next build; lost 0, duplicated 0");
            Assert.True(phases.GetValueOrDefault("during intake") > 0 && phases.GetValueOrDefault("during a mart build") > 0,
                $"The kills never hit both phases: {string.Join(", ", phases)}");
        }
        finally
        {
            host.Dispose();
        }

        PipelineHostProcess Start() =>
            PipelineHostProcess.Start(azurite.ConnectionString, "--poll-seconds", "0.1", "--schedule-marts", "* * * * * *", "--schedule-close", "");
    }

    private static bool IsBuildStart(string line) => line.Contains("Mart build ", StringComparison.Ordinal) && line.Contains(" months from ", StringComparison.Ordinal);

    private static bool IsBuildEnd(string line) => line.Contains("Mart build ", StringComparison.Ordinal) && line.Contains(" files written", StringComparison.Ordinal);

    private static int LastIndex(IReadOnlyList<string> lines, Func<string, bool> match)
    {
        for (var i = lines.Count - 1; i >= 0; i--)
        {
            if (match(lines[i]))
            {
                return i;
            }
        }

        return 0;
    }

    /// <summary>What the host was doing when it died, from the last lines it printed (the console logger lags a little).</summary>
    private static string PhaseOf(IReadOnlyList<string> lines)
    {
        var buildStart = LastIndex(lines, IsBuildStart);
        var buildEnd = LastIndex(lines, IsBuildEnd);
        var intakeStart = LastIndex(lines, l => l.Contains("Processing submissions/", StringComparison.Ordinal));
        var intakeEnd = LastIndex(lines, l => l.Contains("Processed submissions/", StringComparison.Ordinal));
        return buildStart > buildEnd && buildStart > 0 ? "during a mart build"
            : intakeStart > intakeEnd && intakeStart > 0 ? "during intake"
            : "between steps";
    }

    /// <summary>
    /// Every blob has its receipt, the marts were built from what the ledger holds now, and the files in the store are
    /// exactly those the manifest describes. False when the last condition held only after another build (the
    /// restarted host's next build repaired what the killed one left).
    /// </summary>
    private static async Task<bool> WaitUntilQuietAsync(PipelineHostProcess host, AzureRig rig, List<string> uploads, Programme programme)
    {
        var storage = rig.Connect();
        var deadline = Stopwatch.StartNew();
        bool? consistentWhenCaughtUp = null;
        while (true)
        {
            Assert.False(host.HasExited, "The host exited:" + Environment.NewLine + string.Join(Environment.NewLine, host.Lines.TakeLast(40)));
            var receipts = (await storage.Blobs.ListAsync(BlobReceipt.ReceiptsContainer).ToListAsync()).Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
            var blobs = await storage.Blobs.ListAsync(Containers.Submissions).ToListAsync();
            var reference = await storage.Blobs.ListAsync(Containers.Reference).ToListAsync();
            var ledger = await storage.Ledger.ListAsync().ToListAsync();
            if (blobs.Count == uploads.Count && blobs.Concat(reference).All(b => receipts.Contains(BlobReceipt.NameOf(b)))
                && await PipelineInvariants.MartsCaughtUpAsync(storage.Blobs, ledger))
            {
                var consistent = await ConsistentAsync(storage.Blobs, programme, ledger);
                consistentWhenCaughtUp ??= consistent;
                if (consistent)
                {
                    return consistentWhenCaughtUp.Value;
                }
            }

            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), "The restarted host did not catch up:" + Environment.NewLine + string.Join(Environment.NewLine, host.Lines.TakeLast(40)));
            await Task.Delay(100);
        }
    }

    private static async Task<bool> ConsistentAsync(IBlobStore store, Programme programme, IReadOnlyList<LedgerEntry> ledger)
    {
        try
        {
            await PipelineInvariants.CheckManifestAsync(store, programme.Reference, ledger);
            return true;
        }
        catch (Xunit.Sdk.XunitException)
        {
            return false;
        }
    }
}
