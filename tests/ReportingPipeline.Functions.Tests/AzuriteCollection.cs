using ReportingPipeline.Testing;

namespace ReportingPipeline.Functions.Tests;

/// <summary>The test classes that share one Azurite instance (xunit wants the definition in the test assembly).</summary>
[CollectionDefinition(AzuriteFixture.Collection)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>;
