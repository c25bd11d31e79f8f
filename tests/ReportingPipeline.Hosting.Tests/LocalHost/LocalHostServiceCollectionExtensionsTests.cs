using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ReportingPipeline.Hosting.LocalHost;

namespace ReportingPipeline.Hosting.Tests.LocalHost;

public sealed class LocalHostServiceCollectionExtensionsTests
{
    [Fact]
    public void AddPipelineLocalHost_FunctionsScheduleKeys_OverridePipelineSection()
    {
        using var services = Build(new()
        {
            ["Pipeline:BuildMartsSchedule"] = "0 0 * * * *",
            ["Pipeline:CloseReportingPeriodSchedule"] = "0 0 1 * * *",
            ["BuildMartsSchedule"] = "*/30 * * * * *",
        });

        var options = services.GetRequiredService<IOptions<PipelineOptions>>().Value;

        Assert.Equal("*/30 * * * * *", options.BuildMartsSchedule);
        Assert.Equal("0 0 1 * * *", options.CloseReportingPeriodSchedule);
    }

    [Fact]
    public void AddPipelineLocalHost_LocalHostSection_BindsPollIntervalAndAttempts()
    {
        using var services = Build(new() { ["LocalHost:PollInterval"] = "00:00:02", ["LocalHost:MaxAttempts"] = "7" });

        var options = services.GetRequiredService<IOptions<LocalHostOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(2), options.PollInterval);
        Assert.Equal(7, options.MaxAttempts);
    }

    [Fact]
    public void AddPipelineLocalHost_Always_RegistersWatcherDebouncerAndScheduler()
    {
        var services = new ServiceCollection();

        services.AddPipelineLocalHost();

        var hosted = services.Where(d => d.ServiceType == typeof(IHostedService)).Select(d => d.ImplementationType).ToList();
        Assert.Equal([typeof(BlobWatcher), typeof(MartBuildDebouncer), typeof(CronScheduler)], hosted);
    }

    [Fact]
    public void AddPipelineLocalHost_Always_IntakeBuildRequestsGoToTheDebouncersWindow()
    {
        using var services = Build(new() { ["Pipeline:MartBuildQuietPeriod"] = "00:00:03", ["Pipeline:MartBuildMaxDelay"] = "00:01:00" });

        Assert.Same(services.GetRequiredService<PendingMartBuild>(), Assert.Single(services.GetServices<IMartBuildRequests>()));
        var options = services.GetRequiredService<IOptions<PipelineOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(3), options.MartBuildQuietPeriod);
        Assert.Equal(TimeSpan.FromMinutes(1), options.MartBuildMaxDelay);
    }

    [Fact]
    public void AddPipelineLocalHost_NegativeQuietPeriod_FailsValidation()
    {
        using var services = Build(new() { ["Pipeline:MartBuildQuietPeriod"] = "-00:00:01" });

        Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<PipelineOptions>>().Value);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddOptions<PipelineOptions>().BindConfiguration("Pipeline");
        services.AddSingleton<IPipelineHandlers, RecordingHandlers>();
        services.AddPipelineLocalHost();
        return services.BuildServiceProvider();
    }
}
