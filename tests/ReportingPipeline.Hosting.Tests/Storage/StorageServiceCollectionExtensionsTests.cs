using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Hosting.LocalHost;
using ReportingPipeline.Storage.Azure;
using ReportingPipeline.Storage.LocalFolder;
using ReportingPipeline.Testing;

namespace ReportingPipeline.Hosting.Tests.Storage;

[Collection(AzuriteFixture.Collection)]
public sealed class StorageServiceCollectionExtensionsTests(AzuriteFixture azurite)
{
    [Fact]
    public void AddReportingPipeline_ConnectionString_ComposesLocalHostOverAzureStorage()
    {
        using var host = Build(new() { ["Storage:ConnectionString"] = azurite.ConnectionString });

        Assert.IsType<AzureBlobStore>(host.Services.GetRequiredService<IBlobStore>());
        Assert.IsType<TableSubmissionLedger>(host.Services.GetRequiredService<ISubmissionLedger>());
        Assert.NotNull(host.Services.GetRequiredService<IPipelineHandlers>());
        Assert.Contains(host.Services.GetServices<IHostedService>(), s => s is BlobWatcher);
    }

    [Fact]
    public void AddReportingPipeline_LocalFolderRoot_UsesFolderStoreAndLedger()
    {
        var root = Directory.CreateTempSubdirectory("store-");
        try
        {
            using var host = Build(new() { ["Storage:LocalFolderRoot"] = root.FullName });

            Assert.IsType<LocalFolderBlobStore>(host.Services.GetRequiredService<IBlobStore>());
            Assert.IsType<FolderLedger>(host.Services.GetRequiredService<ISubmissionLedger>());
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public void AddReportingPipeline_ServiceUrisWithMartsAccount_SignsInToBothAccounts()
    {
        // As the Bicep deploys it: data and marts in accounts of their own, no key anywhere. Nothing is opened yet.
        using var host = Build(new()
        {
            ["Storage:BlobServiceUri"] = "https://strpproddata.blob.core.windows.net",
            ["Storage:TableServiceUri"] = "https://strpproddata.table.core.windows.net",
            ["Storage:MartsBlobServiceUri"] = "https://strpprodmarts.blob.core.windows.net",
        });

        var storage = host.Services.GetRequiredService<ReportingPipeline.Storage.PipelineStorage>();

        Assert.IsType<AzureBlobStore>(storage.Blobs);
        Assert.Contains("marts in https://strpprodmarts.blob.core.windows.net", storage.Description, StringComparison.Ordinal);
        Assert.Contains("(Entra ID)", storage.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void AddReportingPipeline_NoStorageConfigured_FailsNamingTheSettings()
    {
        using var host = Build([]);

        var error = Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<IBlobStore>());

        Assert.Contains("Storage:ConnectionString", error.Message, StringComparison.Ordinal);
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging();
        builder.AddReportingPipeline();
        builder.Services.AddPipelineLocalHost();
        return builder.Build();
    }
}
