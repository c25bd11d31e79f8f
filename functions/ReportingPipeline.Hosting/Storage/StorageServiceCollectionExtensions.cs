using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Storage;

namespace ReportingPipeline.Hosting.Storage;

/// <summary>Storage and Azure sign-in for every host, from the configuration section <c>Storage</c>.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IBlobStore"/> and <see cref="ISubmissionLedger"/> as chosen by <see cref="StorageOptions"/>
    /// (a local folder, a connection string, or service URIs signed in with the registered <see cref="TokenCredential"/>).
    /// Nothing is opened until a handler first asks for storage.
    /// </summary>
    public static IServiceCollection AddPipelineStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName);
        services.AddAzureCredential();
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            // Only the service-URI choice signs in; resolving the credential for the others would be wasted work.
            var credential = options.BlobServiceUri is not null ? sp.GetRequiredService<TokenCredential>() : null;
            var storage = StorageFactory.Create(options, credential);
            sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StorageServiceCollectionExtensions).FullName!)
                .LogInformation("Pipeline storage: {Storage}", storage.Description);
            return storage;
        });
        services.TryAddSingleton(sp => sp.GetRequiredService<PipelineStorage>().Blobs);
        services.TryAddSingleton(sp => sp.GetRequiredService<PipelineStorage>().Ledger);
        return services;
    }

    /// <summary>
    /// The identity the app signs in to Azure with (Storage, Power BI): <c>DefaultAzureCredential</c>, which is the
    /// managed identity in Azure and the developer's Azure CLI or IDE sign-in locally. Replace the registration to sign in otherwise.
    /// </summary>
    public static IServiceCollection AddAzureCredential(this IServiceCollection services)
    {
        services.TryAddSingleton<TokenCredential>(sp => new DefaultAzureCredential(new DefaultAzureCredentialOptions
        {
            ManagedIdentityClientId = sp.GetRequiredService<IOptions<StorageOptions>>().Value.ManagedIdentityClientId,
        }));
        return services;
    }
}
