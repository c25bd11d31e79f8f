namespace ReportingPipeline.Storage;

/// <summary>
/// Where the pipeline keeps its blobs and ledger, bound from the configuration section <c>Storage</c>.
/// Exactly one of three choices: a local folder, a connection string (Azurite, or a developer's account), or
/// service URIs reached with <c>DefaultAzureCredential</c> (Azure: no keys in configuration).
/// </summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>A folder on disk: containers become folders under it, the ledger lives in <c>ledger/</c>.</summary>
    public string? LocalFolderRoot { get; set; }

    /// <summary>A storage connection string, e.g. Azurite's <c>UseDevelopmentStorage=true</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>e.g. <c>https://account.blob.core.windows.net</c>; with <see cref="TableServiceUri"/>, signs in with <c>DefaultAzureCredential</c>.</summary>
    public Uri? BlobServiceUri { get; set; }

    /// <summary>e.g. <c>https://account.table.core.windows.net</c>.</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>
    /// The blob endpoint of the account that holds <c>marts</c>, when it is not <see cref="BlobServiceUri"/>'s: in
    /// Azure the marts live in an account with a hierarchical namespace (Power BI's Data Lake connector reads them),
    /// the raw uploads in one without (see infra/README.md).
    /// </summary>
    public Uri? MartsBlobServiceUri { get; set; }

    /// <summary>The user-assigned managed identity to sign in as, when the app has more than one.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>The table that holds the submission ledger (letters and digits only).</summary>
    public string LedgerTable { get; set; } = "SubmissionLedger";

    /// <summary>The station portal's table of who may act for which station (letters and digits only).</summary>
    public string StationUsersTable { get; set; } = Portal.TableStationUsers.DefaultTableName;
}
