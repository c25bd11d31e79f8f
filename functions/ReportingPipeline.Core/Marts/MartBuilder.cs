using Microsoft.Extensions.Logging;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Core.Reference;

namespace ReportingPipeline.Core.Marts;

/// <summary>What a mart build did.</summary>
public sealed record MartBuildResult(string BuildId, IReadOnlyList<Period> PeriodsRebuilt, IReadOnlyList<Period> PeriodsUnchanged, IReadOnlyDictionary<string, long> RowsByTable, bool ReferenceRebuilt);

/// <summary>Builds the Parquet star schema in <c>marts</c> from the ledger and the staged submissions.</summary>
public sealed class MartBuilder(IBlobStore store, ISubmissionLedger ledger, ILogger<MartBuilder> logger)
{
    private readonly IBlobStore _store = store;
    private readonly ISubmissionLedger _ledger = ledger;
    private readonly ILogger<MartBuilder> _logger = logger;

    public Task<MartBuildResult> BuildAsync(ReferenceData reference, DateTimeOffset now, DeadlinePolicy deadline, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException("TODO(marts)");
}
