using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Intake;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Core.Reference;
using ReportingPipeline.Core.Validation;

namespace ReportingPipeline.Core.Marts;

/// <summary>The fact files of one part of a month (<see cref="MartParts"/>), filled station by station.</summary>
internal sealed class FactFiles : IAsyncDisposable
{
    private readonly MartFileWriter _submission;
    private readonly MartFileWriter _stationMonth;
    private readonly MartFileWriter _visits;
    private readonly MartFileWriter _services;
    private readonly MartFileWriter _hotline;
    private readonly MartFileWriter _funds;
    private readonly MartFileWriter _issues;
    private readonly FieldColumnsAppender<StationSheet> _stationFields;
    private readonly FieldColumnsAppender<VisitRecord> _visitFields;
    private readonly FieldColumnsAppender<ServiceRecord> _serviceFields;
    private readonly FieldColumnsAppender<HotlineRecord> _hotlineFields;
    private readonly FieldColumnsAppender<FundRecord> _fundFields;
    private readonly Dictionary<MartFileWriter, (ValueColumn<DateOnly> Period, StringColumn Station)> _keys;

    private FactFiles(IReadOnlyList<MartFileWriter> files)
    {
        Files = files;
        MartFileWriter Of(MartTable table) => files.Single(f => f.Table == table);
        _submission = Of(MartTables.FctSubmission);
        _stationMonth = Of(MartTables.FctStationMonth);
        _visits = Of(MartTables.FctVisits);
        _services = Of(MartTables.FctServices);
        _hotline = Of(MartTables.FctHotline);
        _funds = Of(MartTables.FctFunds);
        _issues = Of(MartTables.FctValidationIssue);
        _stationFields = new(_stationMonth);
        _visitFields = new(_visits);
        _serviceFields = new(_services);
        _hotlineFields = new(_hotline);
        _fundFields = new(_funds);
        // Looked up once: every row of every fact file starts with them.
        _keys = files.ToDictionary(f => f, f => (f.Dates(MartTables.PeriodColumn), f.Strings(MartTables.StationColumn)));
    }

    public IReadOnlyList<MartFileWriter> Files { get; }

    /// <summary>The file of <paramref name="table"/>: rows copied from a previous build go in between stations appended here.</summary>
    public MartFileWriter this[MartTable table] => Files.Single(f => f.Table == table);

    public static async Task<FactFiles> CreateAsync(string part, CancellationToken cancellationToken)
    {
        var files = new List<MartFileWriter>();
        foreach (var table in MartTables.Facts)
        {
            files.Add(await MartFileWriter.CreateAsync(table, part, cancellationToken));
        }

        return new FactFiles(files);
    }

    public async Task AppendAsync(
        MonthInputs month,
        Station station,
        LedgerEntry? entry,
        UploadRecord? current,
        UploadRecord? reported,
        bool? onTime,
        StagedSubmission? staged,
        Submission? submission,
        Func<string, string, bool> isVillageOf,
        CancellationToken cancellationToken)
    {
        var day = month.Period.FirstDay;
        var code = station.StationCode;

        var status = SubmissionStatuses.Of(current?.Status, entry is { Uploads.Count: > 0 });
        StationKeys(_submission, day, code);
        _submission.Strings("status").Add(status);
        _submission.Booleans("on_time").Add(onTime);
        _submission.Timestamps("received_at").Add(reported?.ReceivedAt);
        _submission.Int32s("version").Add(current?.Version);
        _submission.Int64s("errors").Add(reported?.Errors);
        _submission.Int64s("warnings").Add(reported?.Warnings);
        _submission.Int64s("uploads").Add(entry?.Uploads.Count ?? 0);
        _submission.Strings("sha256").Add(reported?.Sha256);
        _submission.Booleans("period_closed").Add(month.Closed);
        await _submission.EndRowAsync(cancellationToken);

        if (staged is not null && reported is not null)
        {
            var number = 0;
            foreach (var issue in staged.Issues)
            {
                StationKeys(_issues, day, code);
                _issues.Int32s("version").Add(current?.Version);
                _issues.Strings("sha256").Add(reported.Sha256);
                _issues.Int32s("issue_number").Add(++number);
                _issues.Strings("rule_id").Add(issue.RuleId);
                _issues.Strings("severity").Add(issue.Severity switch { Severity.Error => "error", Severity.Warning => "warning", _ => "info" });
                _issues.Strings("category").Add(issue.Category);
                _issues.Strings("section").Add(issue.Section);
                _issues.Strings("field").Add(issue.Field);
                _issues.Strings("location_source").Add(issue.Location.Source);
                _issues.Int32s("location_row").Add(issue.Location.Row);
                _issues.Strings("location_column").Add(issue.Location.Column);
                _issues.Strings("value").Add(issue.Value);
                _issues.Strings("message_zh").Add(issue.MessageZh);
                _issues.Strings("message_en").Add(issue.MessageEn);
                await _issues.EndRowAsync(cancellationToken);
            }
        }

        if (submission is null || current is null)
        {
            return;
        }

        StationKeys(_stationMonth, day, code);
        _stationMonth.Int32s("version").Add(current.Version);
        _stationFields.Append(submission.Station);
        var sheet = submission.Station;
        _stationMonth.Ratios("certified_share").Add(sheet.SocialWorkers is > 0 && sheet.CertifiedWorkers is { } certified
            ? (double)certified / sheet.SocialWorkers.Value
            : null);
        _stationMonth.Int32s("year_of_operation").Add(station.YearOfOperation(month.Period));
        await _stationMonth.EndRowAsync(cancellationToken);

        foreach (var visit in submission.Visits.Where(v => isVillageOf(v.VillageCode, code)))
        {
            StationKeys(_visits, day, code);
            _visitFields.Append(visit);
            await _visits.EndRowAsync(cancellationToken);
        }

        foreach (var service in submission.Services.Where(s => isVillageOf(s.VillageCode, code)))
        {
            StationKeys(_services, day, code);
            _serviceFields.Append(service);
            await _services.EndRowAsync(cancellationToken);
        }

        foreach (var line in submission.Hotline)
        {
            StationKeys(_hotline, day, code);
            _hotlineFields.Append(line);
            await _hotline.EndRowAsync(cancellationToken);
        }

        foreach (var fund in submission.Funds)
        {
            StationKeys(_funds, day, code);
            _fundFields.Append(fund);
            await _funds.EndRowAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var file in Files)
        {
            await file.DisposeAsync();
        }
    }

    private void StationKeys(MartFileWriter file, DateOnly day, string stationCode)
    {
        var (period, station) = _keys[file];
        period.Add(day);
        station.Add(stationCode);
    }
}
