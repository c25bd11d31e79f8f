using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Intake;
using ReportingPipeline.Core.Marts;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Core.Reference;
using ReportingPipeline.Testing;

namespace ReportingPipeline.Reliability.Tests;

/// <summary>
/// What must hold of the ledger and the marts whatever happened on the way (redeliveries, races, crashes, faults):
/// each check fails with a message that names the station-month or file.
/// </summary>
public static class PipelineInvariants
{
    /// <summary>
    /// Every upload is recorded exactly once; each station-month's accepted versions are 1..n in upload order; the
    /// current version is the latest accepted upload; every recorded upload that changed something has its staged file.
    /// </summary>
    public static async Task<IReadOnlyList<LedgerEntry>> CheckLedgerAsync(AzureRig rig, IReadOnlyCollection<string> uploads)
    {
        var entries = await rig.LedgerAsync();
        var counts = entries.SelectMany(e => e.Uploads).GroupBy(u => u.BlobName, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        foreach (var blob in uploads)
        {
            Assert.True(counts.GetValueOrDefault(blob) == 1, $"{blob} is recorded {counts.GetValueOrDefault(blob)} times in the ledger");
        }

        Assert.True(counts.Keys.All(uploads.Contains), $"The ledger records uploads nobody made: {string.Join(", ", counts.Keys.Except(uploads))}");
        var store = rig.Connect().Blobs;
        var staged = (await store.ListAsync(Containers.Staging).ToListAsync()).Select(b => b.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var accepted = entry.Uploads.Where(IsAccepted).OrderBy(u => u.ReceivedAt).ThenBy(u => u.BlobName, StringComparer.Ordinal).ToList();
            var where = $"{entry.Period}/{entry.StationCode}";
            Assert.True(accepted.Select(u => u.Version).SequenceEqual(accepted.Select((_, i) => (int?)(i + 1))),
                $"{where}: accepted versions in upload order are {string.Join(",", accepted.Select(u => u.Version))}");
            Assert.Equal(accepted.Count == 0 ? 0 : accepted[^1].Version, entry.CurrentVersion);
            foreach (var upload in entry.Uploads.Where(u => u.Status != SubmissionStatus.Duplicate))
            {
                Assert.True(staged.Contains(StagedSubmission.BlobNameFor(entry.Period, entry.StationCode, upload.Sha256)),
                    $"{where}: {upload.BlobName} is in the ledger without its staged file");
            }
        }

        return entries;
    }

    /// <summary>
    /// The marts checked against the store without reading Parquet: the manifest names exactly the table files there
    /// are, with their sizes; every table is there, partitioned ones with a file per month; the manifest's inputs are
    /// what the ledger holds now.
    /// </summary>
    public static async Task<MartManifest> CheckManifestAsync(IBlobStore store, ReferenceData reference, IReadOnlyList<LedgerEntry> ledger)
    {
        MartManifest manifest;
        await using (var stream = await store.OpenReadAsync(Containers.Marts, MartManifest.BlobName))
        {
            Assert.True(stream is not null, "marts/_manifest.json is missing");
            manifest = (await JsonSerializer.DeserializeAsync<MartManifest>(stream, PipelineJson.Options))!;
        }

        Assert.Equal(MartManifest.SchemaId, manifest.Schema);
        var all = await store.ListAsync(Containers.Marts).ToListAsync();
        Assert.Equal(manifest.Periods.Select(p => ManifestMonthInputs.BlobNameFor(p.Period)).Order(StringComparer.Ordinal),
            all.Where(b => ManifestMonthInputs.PeriodOf(b.Name) is not null).Select(b => b.Name).Order(StringComparer.Ordinal));
        // Besides the manifest, the months' inputs and the ledger's recent changes (which the next build trusts only when
        // they name the manifest's build: a build killed before its manifest may leave another's), the manifest's files.
        var stored = all.Where(b => b.Name is not (MartManifest.BlobName or LedgerRecentChanges.BlobName) && ManifestMonthInputs.PeriodOf(b.Name) is null)
            .ToDictionary(b => b.Name, b => b.Size, StringComparer.Ordinal);
        var listed = manifest.Tables.SelectMany(t => t.Files).ToList();
        Assert.Equal(listed.Select(f => f.Name).Order(StringComparer.Ordinal), stored.Keys.Order(StringComparer.Ordinal));
        Assert.All(listed, f => Assert.True(stored[f.Name] == f.Bytes, $"{f.Name}: {stored[f.Name]} bytes, the manifest says {f.Bytes}"));
        // Every month in every one of its parts (the builders here keep the default part size).
        var parts = new MartParts(reference);
        foreach (var table in MartTables.All)
        {
            var entry = manifest.FindTable(table.Name);
            Assert.True(entry is not null, $"{table.Name} is not in the manifest");
            Assert.Equal(entry.Files.Sum(f => f.Rows), entry.Rows);
            var tableParts = table == MartTables.AggRegionMonth ? parts.AggregateParts : parts.FactParts;
            Assert.Equal(table.IsPartitioned ? manifest.Periods.SelectMany(p => tableParts.Select(part => table.FileName(p.Period, part))).Order(StringComparer.Ordinal) : [table.FileName()],
                entry.Files.Select(f => f.Name).Order(StringComparer.Ordinal));
        }

        foreach (var period in manifest.Periods)
        {
            var expected = ledger.Where(e => e.Period == period.Period && e.Uploads.Count > 0 && reference.FindStation(e.StationCode)?.IsOpenIn(e.Period) == true)
                .Select(e => new ManifestInput(e.StationCode, e.Current?.Version ?? 0, (e.Current ?? e.Uploads.LastOrDefault(u => u.Status == SubmissionStatus.Rejected) ?? e.Uploads[^1]).Sha256, e.Uploads.Count))
                .OrderBy(i => i.StationCode, StringComparer.Ordinal);
            var recorded = await manifest.ReadInputsAsync(store, period.Period, NullLogger.Instance);
            Assert.True(recorded is not null, $"marts/{ManifestMonthInputs.BlobNameFor(period.Period)} is missing or not the manifest's");
            Assert.Equal(expected, recorded.Inputs.OrderBy(i => i.StationCode, StringComparer.Ordinal));
        }

        return manifest;
    }

    /// <summary>
    /// The marts as a reader finds them: the manifest names exactly the Parquet files there are, with their sizes and
    /// row counts; every table is present, readable by DuckDB and complete (a file per part of every month for the partitioned ones);
    /// and the marts were built from what the ledger holds now (the manifest's inputs and fct_submission).
    /// </summary>
    public static async Task<MartManifest> CheckMartsAsync(AzureRig rig, ReferenceData reference, IReadOnlyList<LedgerEntry> ledger)
    {
        await CheckManifestAsync(rig.Connect().Blobs, reference, ledger);
        var folder = await rig.DownloadMartsAsync();
        try
        {
            var manifestPath = Path.Combine(folder, MartManifest.BlobName);
            Assert.True(File.Exists(manifestPath), "marts/_manifest.json is missing");
            var manifest = JsonSerializer.Deserialize<MartManifest>(File.ReadAllBytes(manifestPath), PipelineJson.Options)!;
            Assert.Equal(MartManifest.SchemaId, manifest.Schema);

            using var reader = new MartReader(folder);
            var listed = manifest.Tables.SelectMany(t => t.Files).ToList();
            var onDisk = MartTables.All.SelectMany(t => reader.Files(t.Name)).ToList();
            Assert.Equal(listed.Select(f => f.Name).Order(StringComparer.Ordinal), onDisk.Order(StringComparer.Ordinal));
            foreach (var file in listed)
            {
                var path = Path.Combine(folder, file.Name);
                Assert.True(new FileInfo(path).Length == file.Bytes, $"{file.Name}: {new FileInfo(path).Length} bytes, the manifest says {file.Bytes}");
                Assert.True(reader.Scalar<long>($"SELECT count(*) FROM read_parquet('{path.Replace('\\', '/')}')") == file.Rows, $"{file.Name}: row count differs from the manifest's {file.Rows}");
            }

            var parts = new MartParts(reference);
            foreach (var table in MartTables.All)
            {
                var entry = manifest.FindTable(table.Name);
                Assert.True(entry is not null, $"{table.Name} is not in the manifest");
                Assert.True(reader.Scalar<long>($"SELECT count(*) FROM {table.Name}") == entry.Rows, $"{table.Name}: DuckDB reads a different row count than the manifest's {entry.Rows}");
                if (table.IsPartitioned)
                {
                    var tableParts = table == MartTables.AggRegionMonth ? parts.AggregateParts : parts.FactParts;
                    Assert.Equal(manifest.Periods.SelectMany(p => tableParts.Select(part => table.FileName(p.Period, part))).Order(StringComparer.Ordinal), entry.Files.Select(f => f.Name).Order(StringComparer.Ordinal));
                }
            }

            // Built from today's ledger: the versions fct_submission shows.
            var shown = reader.Query("SELECT station_code, strftime(period, '%Y-%m'), version, sha256 FROM fct_submission WHERE status LIKE 'accepted%'")
                .Select(r => $"{r[1]}/{r[0]} v{Convert.ToInt32(r[2], CultureInfo.InvariantCulture)} {r[3]}").Order(StringComparer.Ordinal);
            var current = ledger.Where(e => e.Current is not null && manifest.Periods.Any(p => p.Period == e.Period))
                .Select(e => $"{e.Period}/{e.StationCode} v{e.CurrentVersion} {e.Current!.Sha256}").Order(StringComparer.Ordinal);
            Assert.Equal(current, shown);
            return manifest;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// Cheap form of "the marts caught up": the manifest's inputs equal what the ledger says now. A host is quiet when
    /// this holds and every submission has a receipt.
    /// </summary>
    public static async Task<bool> MartsCaughtUpAsync(IBlobStore store, IReadOnlyList<LedgerEntry> ledger)
    {
        await using var stream = await store.OpenReadAsync(Containers.Marts, MartManifest.BlobName);
        if (stream is null)
        {
            return false;
        }

        var manifest = await JsonSerializer.DeserializeAsync<MartManifest>(stream, PipelineJson.Options);
        var inputs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var period in manifest!.Periods)
        {
            if (await manifest.ReadInputsAsync(store, period.Period, NullLogger.Instance) is not { } recorded)
            {
                return false;
            }

            inputs.UnionWith(recorded.Inputs.Select(i => $"{period.Period}/{i.StationCode}/{i.Version}/{i.Uploads}"));
        }

        return ledger.Where(e => e.Uploads.Count > 0).All(e => inputs.Contains($"{e.Period}/{e.StationCode}/{e.Current?.Version ?? 0}/{e.Uploads.Count}"));
    }

    public static bool IsAccepted(UploadRecord upload) => upload.Status is SubmissionStatus.Accepted or SubmissionStatus.AcceptedWithWarnings;
}
