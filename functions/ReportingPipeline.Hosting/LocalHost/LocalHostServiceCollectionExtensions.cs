using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ReportingPipeline.Hosting.LocalHost;

public static class LocalHostServiceCollectionExtensions
{
    /// <summary>
    /// Registers what `pipeline host` runs in place of the Functions runtime: the <see cref="BlobWatcher"/> (section
    /// <c>LocalHost</c>), the <see cref="MartBuildDebouncer"/> that builds after new uploads (<c>Pipeline:MartBuildQuietPeriod</c>,
    /// <c>Pipeline:MartBuildMaxDelay</c>) and the <see cref="CronScheduler"/>. The schedules are <c>Pipeline:BuildMartsSchedule</c> and
    /// <c>Pipeline:CloseReportingPeriodSchedule</c>, overridden by the top-level <c>BuildMartsSchedule</c> and
    /// <c>CloseReportingPeriodSchedule</c> that the Functions app reads, so one settings file serves both hosts.
    /// </summary>
    public static IServiceCollection AddPipelineLocalHost(this IServiceCollection services)
    {
        services.AddOptions<LocalHostOptions>()
            .BindConfiguration(LocalHostOptions.SectionName)
            .Validate(o => o.PollInterval > TimeSpan.Zero, "LocalHost:PollInterval must be positive.")
            .Validate(o => o.MaxAttempts >= 1, "LocalHost:MaxAttempts must be at least 1.");
        services.AddOptions<PipelineOptions>().PostConfigure<IConfiguration>((options, configuration) =>
        {
            if (configuration[nameof(PipelineOptions.BuildMartsSchedule)] is { } marts)
            {
                options.BuildMartsSchedule = marts;
            }

            if (configuration[nameof(PipelineOptions.CloseReportingPeriodSchedule)] is { } close)
            {
                options.CloseReportingPeriodSchedule = close;
            }
        });
        services.AddOptions<PipelineOptions>()
            .Validate(o => o.MartBuildQuietPeriod >= TimeSpan.Zero && o.MartBuildMaxDelay >= TimeSpan.Zero,
                "Pipeline:MartBuildQuietPeriod and Pipeline:MartBuildMaxDelay must not be negative.");
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PendingMartBuild>();
        services.AddSingleton<IMartBuildRequests>(sp => sp.GetRequiredService<PendingMartBuild>());
        services.AddHostedService<BlobWatcher>();
        services.AddHostedService<MartBuildDebouncer>();
        services.AddHostedService<CronScheduler>();
        return services;
    }
}
