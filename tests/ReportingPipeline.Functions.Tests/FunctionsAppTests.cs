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
            [
                "BuildMarts", "BuildMartsRequested", "CloseReportingPeriod", "IngestSubmission",
                "PortalHome", "PortalIssueUpload", "PortalMe", "PortalPeriods", "PortalTemplate", "PortalUploadReport", "PortalUploads",
                "ReferenceDataChanged", "SubmissionSetAside",
            ],
            FunctionsAppHost.FunctionClasses.Select(t => t.Name));
        Assert.IsType<PipelineHandlers>(host.Services.GetRequiredService<IPipelineHandlers>());
    }

    [Fact]
    public async Task PortalMe_WithoutThePlatformsPrincipal_Is401AndWithItListsNoStationForAStranger()
    {
        using var host = FunctionsAppHost.Build(DeployedApp.AppSettingsOn(azurite));
        using var invocation = host.Services.CreateScope();
        var me = FunctionsAppHost.Create<Portal.PortalMe>(invocation);

        var anonymous = new Microsoft.AspNetCore.Http.DefaultHttpContext().Request;
        Assert.Equal(401, Assert.IsType<Portal.PortalResult>(await me.RunAsync(anonymous, CancellationToken.None)).Response.Status);

        // The name alone is what any client can send: without the platform's principal beside it, it is anonymous.
        var forged = new Microsoft.AspNetCore.Http.DefaultHttpContext().Request;
        forged.Headers[ReportingPipeline.Hosting.Portal.PortalHttp.PrincipalNameHeader] = "stranger@example.cn";
        Assert.Equal(401, Assert.IsType<Portal.PortalResult>(await me.RunAsync(forged, CancellationToken.None)).Response.Status);

        var signedIn = new Microsoft.AspNetCore.Http.DefaultHttpContext().Request;
        signedIn.Headers[ReportingPipeline.Hosting.Portal.PortalHttp.PrincipalNameHeader] = "stranger@example.cn";
        signedIn.Headers[ReportingPipeline.Hosting.Portal.PortalHttp.PrincipalHeader] = Convert.ToBase64String(
            System.Text.Encoding.UTF8.GetBytes("""{"auth_typ":"aad","claims":[{"typ":"name","val":"stranger@example.cn"}],"name_typ":"name","role_typ":"roles"}"""));
        var answer = Assert.IsType<Portal.PortalResult>(await me.RunAsync(signedIn, CancellationToken.None)).Response;
        Assert.Equal(200, answer.Status);
        Assert.Contains("\"stations\":[]", System.Text.Encoding.UTF8.GetString(answer.Body.Span), StringComparison.Ordinal);
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
