using ReportingPipeline.Core.Ports;
using ReportingPipeline.Testing;

namespace ReportingPipeline.Storage.Tests;

/// <summary>The in-memory store the ingestor's unit tests run on keeps the same contract as the folder and Azure stores.</summary>
public sealed class InMemoryBlobStoreTests : BlobStoreContract
{
    private readonly InMemoryBlobStore _store = new();

    protected override IBlobStore Store => _store;
}
