using ReportingPipeline.Testing;

namespace ReportingPipeline.Reliability.Tests;

/// <summary>The in-process tests share one Azurite (xunit wants the definition in the test assembly).</summary>
[CollectionDefinition(AzuriteFixture.Collection)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>;

/// <summary>
/// The crash trials get an Azurite of their own (collection fixtures are per collection), so they run beside the
/// in-process tests instead of after them: they spend most of their time waiting for child processes.
/// </summary>
[CollectionDefinition(Name)]
public sealed class CrashCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite (host crashes)";
}
