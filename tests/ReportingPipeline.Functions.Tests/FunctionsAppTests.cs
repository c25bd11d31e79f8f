using Microsoft.ApplicationInsights.Channel;
using Microsoft.ApplicationInsights.DataContracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReportingPipeline.Hosting;
using ReportingPipeline.Testing;

namespace ReportingPipeline.Functions.Tests;

/// <summary>The worker's host, built as Program.cs builds it with the settings the Bicep deploys.</summary>
[Collection(AzuriteFixture.Collection)]
public sealed class FunctionsAppTests(AzuriteFixture azurite)
{
    [Fact]
    public void Host_DeployedSettings_BuildsWithValidationAndCreatesEveryFunction()
    {
        using var host = FunctionsAppHost.Build(DeployedApp.AppSettingsOn(azurite));
        using var invocation = host.Services.CreateScope();

        foreach (var type in FunctionsAppHost.FunctionClasses)
        {
            Assert.NotNull(ActivatorUtilities.CreateInstance(invocation.ServiceProvider, type));
        }

        Assert.Equal(
            ["BuildMarts", "CloseReportingPeriod", "IngestSubmission", "ReferenceDataChanged", "SubmissionSetAside"],
            FunctionsAppHost.FunctionClasses.Select(t => t.Name));
        Assert.IsType<PipelineHandlers>(host.Services.GetRequiredService<IPipelineHandlers>());
    }

    [Fact]
    public void Host_ApplicationInsights_DropsNoInformationLogs()
    {
        var telemetry = new TestTelemetry();
        using var host = FunctionsAppHost.Build(DeployedApp.AppSettingsOn(azurite),
            services => services.Replace(ServiceDescriptor.Singleton<ITelemetryChannel>(telemetry)));

        var filters = host.Services.GetRequiredService<IOptions<LoggerFilterOptions>>().Value;
        Assert.DoesNotContain(filters.Rules, r => r.ProviderName == FunctionsAppBuilderExtensions.ApplicationInsightsLoggerProvider && r.LogLevel > LogLevel.Information);

        // What a function and the library log at Information reaches Application Insights as a trace.
        host.Services.GetRequiredService<ILogger<IngestSubmission>>().LogInformation("Ingested {BlobName}: {Status}", "2026-10/440103001/a.xlsx", "Accepted");
        host.Services.GetRequiredService<ILogger<PipelineHandlers>>().LogInformation("Mart build {BuildId}", "b-1");

        var traces = telemetry.Sent.OfType<TraceTelemetry>().ToList();
        Assert.Contains(traces, t => t.SeverityLevel == SeverityLevel.Information && t.Message == "Ingested 2026-10/440103001/a.xlsx: Accepted");
        Assert.Contains(traces, t => t.SeverityLevel == SeverityLevel.Information && t.Message == "Mart build b-1");
        var structured = traces.First(t => t.Message.StartsWith("Ingested", StringComparison.Ordinal));
        Assert.Equal("2026-10/440103001/a.xlsx", structured.Properties["BlobName"]);
    }
}
