using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Intake;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Core.Reporting;
using ReportingPipeline.Core.Templates;

namespace ReportingPipeline.Hosting.Portal;

/// <summary>
/// The station portal's handlers: what a station's staff member sees and does (their stations, each month's status,
/// the template, an upload address, the uploads with their reports). Every call is for a signed-in user
/// (<paramref name="userName"/> from the host's authentication) and checks that the user may act for the station:
/// no user is 401, another station 403. Hosts (HTTP functions, <c>pipeline host --portal</c>) only translate requests.
/// </summary>
public sealed class StationPortal(
    IBlobStore store,
    ISubmissionLedger ledger,
    ReferenceStore references,
    IStationUsers users,
    IUploadUrlIssuer uploads,
    TimeProvider time,
    IOptions<PipelineOptions> options,
    ILogger<StationPortal> logger)
{
    /// <summary>How long an upload address stays valid: long enough for a slow connection, short enough not to leak.</summary>
    public static readonly TimeSpan UploadUrlLifetime = TimeSpan.FromMinutes(15);

    /// <summary>The file types a station may upload (contract §2).</summary>
    public static readonly IReadOnlyList<string> UploadExtensions = [".xlsx", ".json", ".zip"];

    public async Task<PortalResponse> MeAsync(string? userName, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(userName))
        {
            return PortalResponse.Unauthorized();
        }

        var stations = await users.StationsOfAsync(userName, cancellationToken);
        // A user of no station sees the page's advice, even before the reference is loaded.
        var reference = stations.Count > 0 ? await references.GetAsync(cancellationToken) : null;
        return PortalResponse.Ok(new
        {
            user = userName,
            stations = stations.Select(code => new { code, name = reference?.FindStation(code)?.Name }),
            maxFileBytes = options.Value.MaxFileBytes,
            extensions = UploadExtensions,
        });
    }

    public Task<PortalResponse> PeriodsAsync(string? userName, string station, CancellationToken cancellationToken = default) =>
        ForStationAsync(userName, station, async () =>
        {
            var reference = await references.GetAsync(cancellationToken);
            if (reference.FindStation(station) is not { } known)
            {
                return PortalResponse.NotFound($"社工站 {station} 不在名录中。", $"Station {station} is not in the register.");
            }

            var now = time.GetUtcNow();
            var deadline = options.Value.Deadline;
            var current = Period.Of(DateOnly.FromDateTime(now.ToOffset(deadline.UtcOffset).DateTime));
            var first = Period.Of(known.OpenedOn) is var opened && opened > Period.ProgrammeStart ? opened : Period.ProgrammeStart;
            var last = known.ClosedOn is { } closed && Period.Of(closed) < current ? Period.Of(closed) : current;
            var months = Period.Range(first, last).Reverse().ToList();
            var entries = await Task.WhenAll(months.Select(p => ledger.GetAsync(p, station, cancellationToken)));
            return PortalResponse.Ok(new
            {
                station = new { code = known.StationCode, name = known.Name },
                now,
                periods = months.Select((period, i) => Describe(period, entries[i]?.Entry, deadline.DeadlineOf(period), now)),
            });
        }, cancellationToken);

    public Task<PortalResponse> TemplateAsync(string? userName, string station, string period, CancellationToken cancellationToken = default) =>
        ForStationPeriodAsync(userName, station, period, async month =>
        {
            var reference = await references.GetAsync(cancellationToken);
            if (reference.FindStation(station) is null)
            {
                return PortalResponse.NotFound($"社工站 {station} 不在名录中。", $"Station {station} is not in the register.");
            }

            using var workbook = new MemoryStream();
            SubmissionWorkbookWriter.WriteTemplate(workbook, reference, station, month);
            return new PortalResponse(200, workbook.ToArray(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"{station}-{month}.xlsx");
        }, cancellationToken);

    public Task<PortalResponse> IssueUploadAsync(string? userName, string station, string period, string? fileName, CancellationToken cancellationToken = default) =>
        ForStationPeriodAsync(userName, station, period, async month =>
        {
            if (!IsUploadName(fileName))
            {
                return PortalResponse.Problem(400, "bad_file_name",
                    $"文件名须为 .xlsx、.json 或 .zip 文件，且不含路径（/ 或 \\）。", "The file name must be an .xlsx, .json or .zip file with no path (/ or \\).");
            }

            var blobName = $"{month}/{station}/{fileName}";
            if (await store.GetItemAsync(Containers.Submissions, blobName, cancellationToken) is not null)
            {
                return PortalResponse.Problem(409, "exists",
                    $"本月已有同名文件 {fileName}；上传新版本请换一个文件名。", $"{fileName} was already uploaded this month; upload a new version under another name.");
            }

            var url = await uploads.IssueAsync(blobName, UploadUrlLifetime, cancellationToken);
            logger.LogInformation("Upload address for {BlobName} issued to {UserName}, valid until {ExpiresOn}", blobName, userName, url.ExpiresOn);
            return PortalResponse.Ok(new
            {
                url = url.Url,
                blobName = url.BlobName,
                expiresOn = url.ExpiresOn,
                method = "PUT",
                headers = new Dictionary<string, string> { ["x-ms-blob-type"] = "BlockBlob" },
            });
        }, cancellationToken);

    public Task<PortalResponse> UploadsAsync(string? userName, string station, string period, CancellationToken cancellationToken = default) =>
        ForStationPeriodAsync(userName, station, period, async month =>
        {
            var list = new List<UploadView>();
            await foreach (var blob in store.ListAsync(Containers.Submissions, $"{month}/{station}/", cancellationToken))
            {
                var fileName = SubmissionPath.FileNameOf(blob.Name);
                JsonNode? report = null;
                await using (var json = await store.OpenReadAsync(Containers.Reports, blob.Name + ReportWriter.JsonSuffix, cancellationToken))
                {
                    if (json is not null)
                    {
                        report = await JsonNode.ParseAsync(json, cancellationToken: cancellationToken);
                    }
                }

                list.Add(new UploadView(fileName, blob.Size, blob.CreatedOn, report,
                    report is null ? null : $"/api/stations/{station}/periods/{month}/uploads/{Uri.EscapeDataString(fileName)}/report"));
            }

            return PortalResponse.Ok(new { station, period = month.ToString(), uploads = list.OrderBy(u => u.UploadedAt).ThenBy(u => u.FileName, StringComparer.Ordinal).ToList() });
        }, cancellationToken);

    /// <summary>The readable report of one upload (the same page stations get in <c>reports/</c>).</summary>
    public Task<PortalResponse> ReportAsync(string? userName, string station, string period, string? fileName, CancellationToken cancellationToken = default) =>
        ForStationPeriodAsync(userName, station, period, async month =>
        {
            if (!IsPlainName(fileName))
            {
                return PortalResponse.NotFound("没有该报告。", "No such report.");
            }

            await using var html = await store.OpenReadAsync(Containers.Reports, $"{month}/{station}/{fileName}{ReportWriter.HtmlSuffix}", cancellationToken);
            if (html is null)
            {
                return PortalResponse.NotFound("报告尚未生成。", "The report is not ready yet.");
            }

            using var copy = new MemoryStream();
            await html.CopyToAsync(copy, cancellationToken);
            return new PortalResponse(200, copy.ToArray(), "text/html; charset=utf-8");
        }, cancellationToken);

    /// <summary>The development sign-in's list (only <c>pipeline host --portal</c> on loopback offers it).</summary>
    public async Task<PortalResponse> DevelopmentUsersAsync(CancellationToken cancellationToken = default) =>
        PortalResponse.Ok(new { users = (await users.ListAsync(null, cancellationToken)).Select(u => new { user = u.UserName, station = u.StationCode }) });

    /// <summary>A file name a station may upload under: a name alone (no path), of a type the pipeline reads.</summary>
    public static bool IsUploadName(string? fileName) =>
        IsPlainName(fileName) && fileName!.Length <= 200
        && UploadExtensions.Any(e => fileName.EndsWith(e, StringComparison.OrdinalIgnoreCase) && fileName.Length > e.Length);

    private static bool IsPlainName(string? fileName) =>
        !string.IsNullOrWhiteSpace(fileName) && fileName.Trim() == fileName
        && fileName.IndexOfAny(['/', '\\']) < 0 && !fileName.Any(char.IsControl) && fileName is not ("." or "..");

    private static object Describe(Period period, LedgerEntry? entry, DateTimeOffset deadline, DateTimeOffset now)
    {
        var current = entry?.Current;
        var latest = entry?.Uploads.LastOrDefault(u => u.Status != SubmissionStatus.Duplicate);
        var status = current is not null ? StatusName(current.Status)
            : latest is not null ? SubmissionStatuses.Rejected
            : now > deadline ? SubmissionStatuses.Missing
            : "not_yet_due";
        return new
        {
            period = period.ToString(),
            status,
            version = current?.Version,
            onTime = (current ?? latest)?.OnTime,
            uploads = entry?.Uploads.Count ?? 0,
            deadline,
            secondsLeft = now < deadline ? (long)(deadline - now).TotalSeconds : 0,
        };
    }

    private static string StatusName(SubmissionStatus status) => status switch
    {
        SubmissionStatus.Accepted => SubmissionStatuses.Accepted,
        SubmissionStatus.AcceptedWithWarnings => SubmissionStatuses.AcceptedWithWarnings,
        SubmissionStatus.Rejected => SubmissionStatuses.Rejected,
        _ => "duplicate",
    };

    private sealed record UploadView(string FileName, long Bytes, DateTimeOffset UploadedAt, JsonNode? Report, string? ReportUrl);

    private async Task<PortalResponse> ForStationAsync(string? userName, string station, Func<Task<PortalResponse>> handle, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(userName))
        {
            return PortalResponse.Unauthorized();
        }

        if (!(await users.StationsOfAsync(userName, cancellationToken)).Contains(station, StringComparer.Ordinal))
        {
            logger.LogWarning("{UserName} asked for station {StationCode}, which they may not act for", userName, station);
            return PortalResponse.Forbidden(station);
        }

        return await handle();
    }

    private Task<PortalResponse> ForStationPeriodAsync(string? userName, string station, string period, Func<Period, Task<PortalResponse>> handle, CancellationToken cancellationToken) =>
        ForStationAsync(userName, station, () => Period.TryParse(period, out var month) && month.ToString() == period
            ? handle(month)
            : Task.FromResult(PortalResponse.Problem(400, "bad_period", $"{period} 不是 YYYY-MM 格式的月份。", $"{period} is not a month (YYYY-MM).")), cancellationToken);
}
