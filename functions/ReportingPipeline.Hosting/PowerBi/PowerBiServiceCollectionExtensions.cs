using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using ReportingPipeline.Hosting.Storage;

namespace ReportingPipeline.Hosting.PowerBi;

public static class PowerBiServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Power BI refresh after mart builds (section <c>PowerBi</c>): a typed <see cref="PowerBiRefreshClient"/>
    /// with a bearer token from the registered <c>TokenCredential</c>. Does nothing unless <c>PowerBi:Enabled</c> is true.
    /// </summary>
    /// <remarks>
    /// A refresh request is not safe to repeat blindly: one the service received but did not answer in time is queued
    /// anyway, and every duplicate spends one of the dataset's daily refreshes (8 on Pro). So it is repeated only when
    /// the service itself says "try later" (429 or 503 with Retry-After), after the time it asks for; a timeout, a
    /// dropped connection or any other status is reported, and the next mart build asks again.
    /// </remarks>
    public static IServiceCollection AddPowerBiRefresh(this IServiceCollection services)
    {
        services.AddOptions<PowerBiOptions>()
            .BindConfiguration(PowerBiOptions.SectionName)
            .Validate(o => !o.Enabled || (!string.IsNullOrWhiteSpace(o.WorkspaceId) && !string.IsNullOrWhiteSpace(o.DatasetId)),
                "PowerBi:Enabled needs PowerBi:WorkspaceId and PowerBi:DatasetId.")
            .Validate(o => o.ApiBaseUri.IsAbsoluteUri && o.ApiBaseUri.AbsolutePath.EndsWith('/'),
                "PowerBi:ApiBaseUri must be absolute and end with '/'.")
            .Validate(o => Uri.TryCreate(o.Scope, UriKind.Absolute, out _), "PowerBi:Scope must be an absolute URI (…/.default).")
            .Validate(o => o.MaxAttempts >= 1 && o.AttemptTimeout > TimeSpan.Zero, "PowerBi:MaxAttempts must be at least 1 and PowerBi:AttemptTimeout positive.");
        services.AddAzureCredential();
        services.AddTransient<PowerBiAuthorizationHandler>();
        services.AddHttpClient<PowerBiRefreshClient>((sp, http) =>
            {
                http.BaseAddress = sp.GetRequiredService<IOptions<PowerBiOptions>>().Value.ApiBaseUri;
                // The attempts' own timeouts bound each call; HttpClient's 100 s default would only cut across them.
                http.Timeout = Timeout.InfiniteTimeSpan;
            })
            .AddHttpMessageHandler<PowerBiAuthorizationHandler>()
            .AddResilienceHandler("power-bi-refresh", (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<PowerBiOptions>>().Value;
                pipeline
                    .AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = options.MaxAttempts - 1,
                        ShouldHandle = args => ValueTask.FromResult(IsTryLater(args.Outcome.Result)),
                        ShouldRetryAfterHeader = true,
                        BackoffType = DelayBackoffType.Exponential,
                        Delay = TimeSpan.FromSeconds(2),
                    })
                    .AddTimeout(options.AttemptTimeout);
            });
        services.AddSingleton<IMartsPublishedListener, PowerBiRefreshListener>();
        return services;
    }

    /// <summary>The service refused for now and said when to come back: the request was not taken, so asking again is safe.</summary>
    internal static bool IsTryLater(HttpResponseMessage? response) =>
        response is { StatusCode: HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable, Headers.RetryAfter: not null };
}
