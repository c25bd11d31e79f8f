using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Storage.LocalFolder;

namespace ReportingPipeline.Hosting.LocalFolder;

/// <summary>
/// The embedded default: the pipeline over a store folder (containers as sub-folders, the ledger in
/// <c>ledger/</c>), no Azure account needed. What `pipeline run` and `pipeline validate` use.
/// </summary>
public static class LocalPipeline
{
    public const string LedgerFolder = "ledger";

    public static ServiceProvider Create(string storeRoot, TimeProvider time, Action<ILoggingBuilder> logging, PipelineOptions? options = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging);
        services.AddSingleton(time);
        services.AddSingleton(new LocalFolderBlobStore(storeRoot));
        services.AddSingleton<IBlobStore>(sp => sp.GetRequiredService<LocalFolderBlobStore>());
        services.AddSingleton<ISubmissionLedger>(new FolderLedger(Path.Combine(storeRoot, LedgerFolder)));
        if (options is not null)
        {
            services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options));
        }

        services.AddReportingPipelineCore();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
