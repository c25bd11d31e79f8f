using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Intake;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Core.Reference;
using ReportingPipeline.Core.Validation;

namespace ReportingPipeline.Testing;

/// <summary>
/// Writes what the intake leaves behind for the mart builder (a staged file per upload and the ledger
/// entry) without reading any workbook: for tests of the marts and of what reads the ledger.
/// </summary>
public sealed class SubmissionSeeder(IBlobStore store, ISubmissionLedger ledger, DeadlinePolicy deadline)
{
    private int _uploads;

    /// <summary>Records an accepted upload (with warnings when <paramref name="warnings"/> is not empty): the next version.</summary>
    public Task<UploadRecord> AcceptAsync(Period period, string stationCode, Submission submission, DateTimeOffset receivedAt, IReadOnlyList<ValidationIssue>? warnings = null) =>
        RecordAsync(period, stationCode, submission, receivedAt, warnings ?? []);

    /// <summary>Records a rejected upload with its errors.</summary>
    public Task<UploadRecord> RejectAsync(Period period, string stationCode, DateTimeOffset receivedAt, IReadOnlyList<ValidationIssue> errors) =>
        RecordAsync(period, stationCode, null, receivedAt, errors);

    public static ValidationIssue Issue(string ruleId, Severity severity, string section, int row, string value) =>
        new(ruleId, severity, "cells", section, "resident_visits", new SourceLocation(section, row, "B"), value,
            $"{section} 第{row}行有问题", $"Row {row} of {section} has a problem", "请更正", "Please correct it");

    private async Task<UploadRecord> RecordAsync(Period period, string stationCode, Submission? submission, DateTimeOffset receivedAt, IReadOnlyList<ValidationIssue> issues)
    {
        var number = Interlocked.Increment(ref _uploads);
        var blobName = string.Create(CultureInfo.InvariantCulture, $"{period}/{stationCode}/upload-{number}.xlsx");
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            blobName + JsonSerializer.Serialize(submission, PipelineJson.Compact))));
        var errors = issues.Count(i => i.Severity == Severity.Error);
        var warnings = issues.Count - errors;
        var status = submission is null ? SubmissionStatus.Rejected
            : warnings > 0 ? SubmissionStatus.AcceptedWithWarnings : SubmissionStatus.Accepted;

        var existing = await ledger.GetAsync(period, stationCode);
        var entry = existing?.Entry ?? LedgerEntry.Empty(period, stationCode);
        int? version = submission is null ? null : entry.CurrentVersion + 1;
        var onTime = deadline.IsOnTime(period, receivedAt);
        var upload = new UploadRecord(blobName, sha256, 1000 + number, receivedAt, receivedAt.AddSeconds(5), status, version, onTime, errors, warnings, "test");

        var staged = new StagedSubmission(blobName, sha256, status, version, receivedAt, onTime, submission, issues);
        using (var content = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(staged, PipelineJson.Options)))
        {
            await store.WriteAsync(Containers.Staging, StagedSubmission.BlobNameFor(period, stationCode, sha256), content, "application/json");
        }

        var next = entry with
        {
            CurrentVersion = version ?? entry.CurrentVersion,
            Uploads = [.. entry.Uploads, upload],
            UpdatedAt = upload.ProcessedAt,
        };
        var written = existing is null ? await ledger.TryAddAsync(next) : await ledger.TryReplaceAsync(next, existing.ETag);
        return written ? upload : throw new InvalidOperationException($"Ledger entry {period}/{stationCode} changed while seeding.");
    }
}

/// <summary>Plausible canonical submissions, varied by a seed, for the villages the reference gives a station.</summary>
public static class SampleSubmissions
{
    public static Submission For(ReferenceData reference, string stationCode, Period period, int seed)
    {
        var villages = reference.VillagesOf(stationCode).Where(v => v.Level == RegionLevel.Village).ToList();
        var visits = villages.Select((v, i) => new VisitRecord(
            v.Code,
            // The last village of an odd seed is not visited at all: coverage below 100%.
            ResidentVisits: i == villages.Count - 1 && seed % 2 == 1 ? 0 : 10 + ((seed * 7) + (i * 13)) % 40,
            ClientVisits: i == villages.Count - 1 && seed % 2 == 1 ? 0 : ((seed * 3) + i) % 9,
            CaseFiles: (seed + i) % 4,
            // A blank cell is missing, not zero.
            NewlyIdentified: i == 0 ? null : (seed + (2 * i)) % 3)).ToList();
        var groups = new[] { "elderly", "children", "hardship" };
        var services = villages.SelectMany((v, i) => groups.Take(1 + ((seed + i) % 3)).Select((g, j) => new ServiceRecord(
            v.Code, g,
            Cases: (seed + i + j) % 5,
            Groups: (seed + j) % 3,
            Activities: j == 2 ? null : 1 + ((seed + i) % 4),
            PeopleServed: 20 + ((seed * 11) + (i * 5) + (j * 17)) % 90))).ToList();
        IReadOnlyList<HotlineRecord> hotline = seed % 3 == 0
            ? []
            : [
                new HotlineRecord($"HL-{stationCode[^3..]}-1", 30 + seed % 7, 80 + seed % 23, 60 + seed % 11, 40 + seed % 9, 20, 15, 10, 15 + seed % 11),
                .. seed % 2 == 0 ? [new HotlineRecord($"HL-{stationCode[^3..]}-2", 10, 25 + seed % 5, 20, 12, 5, 5, 5, 5)] : Array.Empty<HotlineRecord>(),
            ];
        IReadOnlyList<FundRecord> funds =
        [
            new FundRecord("province", 120_000.00m + (seed * 1_000.25m), 80_000.10m + (seed * 333.33m), null),
            new FundRecord("town", 15_000.50m, 16_200.75m + seed, 1_234.56m),
            .. seed % 2 == 0 ? [new FundRecord("social", null, 500.05m, 2_000.00m)] : Array.Empty<FundRecord>(),
        ];
        var socialWorkers = 6L + (seed % 5);
        var sheet = new StationSheet(stationCode, period, "李社工", socialWorkers, Math.Min(socialWorkers, 3 + (seed % 4)),
            seed % 4 == 0 ? null : 20 + seed % 13, seed % 4 == 0 ? null : 100.5m + seed);
        return new Submission(sheet, visits, services, hotline, funds);
    }
}
