using Azure.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Storage;
using ReportingPipeline.Storage.Portal;

namespace ReportingPipeline.Hosting.Portal;

public static class PortalServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <see cref="StationPortal"/> and its storage (users table, upload addresses) from the same
    /// <c>Storage</c> section as the pipeline; call after <c>AddReportingPipeline</c>. Nothing is opened until used.
    /// </summary>
    public static IServiceCollection AddStationPortal(this IServiceCollection services)
    {
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            var credential = options.BlobServiceUri is not null ? sp.GetRequiredService<TokenCredential>() : null;
            return PortalStorageFactory.Create(options, sp.GetRequiredService<TimeProvider>(), credential);
        });
        services.TryAddSingleton(sp => sp.GetRequiredService<PortalStorage>().Users);
        services.TryAddSingleton(sp => sp.GetRequiredService<PortalStorage>().Uploads
            ?? throw new InvalidOperationException("The station portal needs Azure Storage or Azurite (Storage:ConnectionString or service URIs): a browser cannot upload to a local folder."));
        services.TryAddSingleton<StationPortal>();
        return services;
    }
}
