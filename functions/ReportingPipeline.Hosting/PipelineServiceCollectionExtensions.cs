using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ReportingPipeline.Core.Intake;
using ReportingPipeline.Core.Marts;
using ReportingPipeline.Hosting.PowerBi;
using ReportingPipeline.Hosting.Storage;

namespace ReportingPipeline.Hosting;

/// <summary>The one place every host wires the pipeline.</summary>
public static class PipelineServiceCollectionExtensions
{
    /// <summary>Registers the handlers and their services; storage comes from the <c>Storage</c> section.</summary>
    public static IHostApplicationBuilder AddReportingPipeline(this IHostApplicationBuilder builder)
    {
        builder.Services.AddReportingPipelineCore();
        builder.Services.AddOptions<PipelineOptions>().BindConfiguration("Pipeline");
        builder.Services.AddPipelineStorage();
        builder.Services.AddPowerBiRefresh();
        return builder;
    }

    /// <summary>The handlers over storage registered separately (IBlobStore, ISubmissionLedger).</summary>
    public static IServiceCollection AddReportingPipelineCore(this IServiceCollection services)
    {
        services.AddOptions<PipelineOptions>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<PipelineOptions>>().Value.ToIntakeOptions());
        services.TryAddSingleton<ReferenceStore>();
        services.TryAddSingleton<SubmissionIngestor>();
        services.TryAddSingleton<MartBuilder>();
        services.TryAddSingleton<IPipelineHandlers, PipelineHandlers>();
        return services;
    }
}
