using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReportingPipeline.Hosting;
using ReportingPipeline.Hosting.Portal;

namespace ReportingPipeline.Functions;

/// <summary>The Functions app's composition root: what <c>Program.cs</c> runs, and what the app's tests build.</summary>
public static class FunctionsAppBuilderExtensions
{
    /// <summary>The logger provider the Application Insights SDK restricts to warnings unless told otherwise.</summary>
    internal const string ApplicationInsightsLoggerProvider = "Microsoft.Extensions.Logging.ApplicationInsights.ApplicationInsightsLoggerProvider";

    /// <summary>
    /// Telemetry to Application Insights straight from the worker, with the pipeline's Information-level structured
    /// logs kept, and the pipeline's handlers (storage from the <c>Storage</c> section).
    /// </summary>
    /// <remarks>
    /// <c>ConfigureFunctionsWebApplication()</c> is the ASP.NET Core integration: the station portal's HTTP triggers
    /// take an <c>HttpRequest</c> and answer with what the same handlers answer under <c>pipeline host --portal</c>.
    /// </remarks>
    public static FunctionsApplicationBuilder AddReportingPipelineFunctions(this FunctionsApplicationBuilder builder)
    {
        builder.ConfigureFunctionsWebApplication();

        builder.Services
            .AddApplicationInsightsTelemetryWorkerService()
            .ConfigureFunctionsApplicationInsights();

        // The Application Insights SDK adds a filter rule that keeps only Warning and above for its provider, and
        // with ConfigureFunctionsApplicationInsights the host no longer forwards the worker's logs: left in place,
        // every LogInformation of the app and the pipeline would be lost in Azure. Remove it (as the worker's
        // samples do), so that host.json / configuration levels apply.
        builder.Services.Configure<LoggerFilterOptions>(options =>
        {
            var rule = options.Rules.FirstOrDefault(r => r.ProviderName == ApplicationInsightsLoggerProvider);
            if (rule is not null)
            {
                options.Rules.Remove(rule);
            }
        });

        builder.AddReportingPipeline();
        // Intake asks for a build through a marker blob and a delayed message on the host's queue (BuildMartsRequested).
        builder.Services.AddSingleton<MartBuildQueue>();
        builder.Services.AddSingleton<QueuedMartBuildRequests>();
        builder.Services.AddSingleton<IMartBuildRequests>(sp => sp.GetRequiredService<QueuedMartBuildRequests>());
        builder.Services.AddStationPortal();
        return builder;
    }
}
