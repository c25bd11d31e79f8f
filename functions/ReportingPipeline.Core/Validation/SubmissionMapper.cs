using ReportingPipeline.Core.Contract;

namespace ReportingPipeline.Core.Validation;

/// <summary>
/// Moves values between the contract's declarations and the typed <see cref="Submission"/>. Building one fills each
/// record's constructor from the parsed cells by field key (<see cref="RecordFields{TRecord}.Create"/>); reading one
/// back goes through <see cref="SubmissionFields"/>, like every other reader of a typed submission.
/// </summary>
internal static class SubmissionMapper
{
    /// <summary>Builds the typed submission from sections that read without errors.</summary>
    public static Submission Build(IReadOnlyDictionary<SectionDefinition, ParsedSection> sections)
    {
        IReadOnlyList<TRecord> Records<TRecord>(SectionDefinition section) =>
            [.. sections[section].Rows.Select(row => RecordFields<TRecord>.Create(key => row.Cells.TryGetValue(key, out var cell) ? cell.Value : null))];

        return new Submission(
            Records<StationSheet>(SubmissionContract.Station).Single(),
            Records<VisitRecord>(SubmissionContract.Visits),
            Records<ServiceRecord>(SubmissionContract.Services),
            Records<HotlineRecord>(SubmissionContract.Hotline),
            Records<FundRecord>(SubmissionContract.Funds));
    }
}
