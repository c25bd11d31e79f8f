namespace ReportingPipeline.Hosting.PowerBi;

/// <summary>
/// The Power BI dataset refreshed after each mart build (configuration section <c>PowerBi</c>); off unless
/// <see cref="Enabled"/>. The defaults are the public cloud's; a national cloud sets <see cref="ApiBaseUri"/> and
/// <see cref="Scope"/> (Azure operated by 21Vianet: <c>https://api.powerbi.cn/v1.0/myorg/</c> and
/// <c>https://analysis.chinacloudapi.cn/powerbi/api/.default</c>), and the sign-in authority through
/// Azure.Identity's <c>AZURE_AUTHORITY_HOST</c> (<c>https://login.chinacloudapi.cn/</c>), which the app's one
/// credential reads for storage and Power BI alike.
/// </summary>
public sealed class PowerBiOptions
{
    public const string SectionName = "PowerBi";

    /// <summary>The public cloud's scope of a token for the Power BI REST API.</summary>
    public const string PublicCloudScope = "https://analysis.windows.net/powerbi/api/.default";

    public bool Enabled { get; set; }

    /// <summary>The workspace (group) id that holds the dataset.</summary>
    public string? WorkspaceId { get; set; }

    public string? DatasetId { get; set; }

    /// <summary>The REST API root; ends with '/' so relative paths append to it.</summary>
    public Uri ApiBaseUri { get; set; } = new("https://api.powerbi.com/v1.0/myorg/");

    /// <summary>The scope the app's token is requested for.</summary>
    public string Scope { get; set; } = PublicCloudScope;

    /// <summary>Most attempts of one refresh request, counting the first; only refusals that say "try later" are repeated.</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>How long one attempt may take before it is abandoned (and not repeated: the service may have queued it).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
