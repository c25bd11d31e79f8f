using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Core.Reference;

namespace ReportingPipeline.Core.Marts;

/// <summary>One month's inputs: the stations expected, their ledger entries, and what the manifest records of them.</summary>
internal sealed record MonthInputs(Period Period, bool Closed, IReadOnlyList<Station> Expected, IReadOnlyDictionary<string, LedgerEntry> Entries, ManifestPeriod Manifest);
