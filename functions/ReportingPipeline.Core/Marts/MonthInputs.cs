using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Core.Reference;

namespace ReportingPipeline.Core.Marts;

/// <summary>One month's inputs: the stations expected, their ledger entries, and what the manifest records of them.</summary>
/// <param name="Inputs">The month's submission versions, as its <see cref="ManifestMonthInputs"/> file records them; null when the month's entries were not listed (its fingerprint came from the previous manifest).</param>
internal sealed record MonthInputs(Period Period, bool Closed, IReadOnlyList<Station> Expected, IReadOnlyDictionary<string, LedgerEntry> Entries, ManifestPeriod Manifest, ManifestMonthInputs? Inputs)
{
    /// <summary>The previous build's inputs of the month, when these were made from them (<see cref="LedgerPlan.MonthAsync"/>): already read and checked against the previous manifest.</summary>
    public ManifestMonthInputs? Previous { get; init; }
}
