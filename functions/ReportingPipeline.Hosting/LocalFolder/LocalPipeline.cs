using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Storage;
using ReportingPipeline.Storage.LocalFolder;

namespace ReportingPipeline.Hosting.LocalFolder;

/// <summary>
/// The embedded default: the pipeline over a store folder (containers as sub-folders, the ledger in
/// <c>ledger/</c>), no Azure account needed. `pipeline run`, `validate` and `dashboard` build their services
/// here, through the same hosting extension (<see cref="PipelineServiceCollectionExtensions.AddReportingPipeline"/>)
/// and configuration (<c>Pipeline</c> section, environment) as the Functions app and `pipeline host`, with
/// <c>Storage:LocalFolderRoot</c> set to the store folder.
/// </summary>
public static class LocalPipeline
{
    public const string LedgerFolder = StorageFactory.LocalLedgerFolder;

    /// <summary>The host of a command over <paramref name="storeRoot"/>; storage is opened only when first asked for.</summary>
    public static IHost CreateHost(string storeRoot, TimeProvider time, Action<ILoggingBuilder> logging)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = Directory.GetCurrentDirectory() });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{StorageOptions.SectionName}:{nameof(StorageOptions.LocalFolderRoot)}"] = storeRoot,
            [$"{StorageOptions.SectionName}:{nameof(StorageOptions.ConnectionString)}"] = null,
            [$"{StorageOptions.SectionName}:{nameof(StorageOptions.BlobServiceUri)}"] = null,
            [$"{StorageOptions.SectionName}:{nameof(StorageOptions.TableServiceUri)}"] = null,
            [$"{StorageOptions.SectionName}:{nameof(StorageOptions.MartsBlobServiceUri)}"] = null,
        });
        builder.Logging.ClearProviders();
        logging(builder.Logging);
        builder.Services.AddSingleton(time);
        builder.AddReportingPipeline();
        builder.Services.AddSingleton(sp => (LocalFolderBlobStore)sp.GetRequiredService<IBlobStore>());
        return builder.Build();
    }
}
