using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ReportingPipeline.Hosting.Storage;

namespace ReportingPipeline.Hosting.PowerBi;

public static class PowerBiServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Power BI refresh after mart builds (section <c>PowerBi</c>): a typed <see cref="PowerBiRefreshClient"/>
    /// with a bearer token from the registered <c>TokenCredential</c> and the standard resilience handler (retries with
    /// back-off on 408, 429 and 5xx, honouring Retry-After). Does nothing unless <c>PowerBi:Enabled</c> is true.
    /// </summary>
    public static IServiceCollection AddPowerBiRefresh(this IServiceCollection services)
    {
        services.AddOptions<PowerBiOptions>()
            .BindConfiguration(PowerBiOptions.SectionName)
            .Validate(o => !o.Enabled || (!string.IsNullOrWhiteSpace(o.WorkspaceId) && !string.IsNullOrWhiteSpace(o.DatasetId)),
                "PowerBi:Enabled needs PowerBi:WorkspaceId and PowerBi:DatasetId.")
            .Validate(o => o.ApiBaseUri.IsAbsoluteUri && o.ApiBaseUri.AbsolutePath.EndsWith('/'),
                "PowerBi:ApiBaseUri must be absolute and end with '/'.");
        services.AddAzureCredential();
        services.AddTransient<PowerBiAuthorizationHandler>();
        services.AddHttpClient<PowerBiRefreshClient>((sp, http) => http.BaseAddress = sp.GetRequiredService<IOptions<PowerBiOptions>>().Value.ApiBaseUri)
            .AddHttpMessageHandler<PowerBiAuthorizationHandler>()
            .AddStandardResilienceHandler();
        services.AddSingleton<IMartsPublishedListener, PowerBiRefreshListener>();
        return services;
    }
}
