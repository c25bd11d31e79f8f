namespace ReportingPipeline.Hosting.PowerBi;

/// <summary>The Power BI dataset refreshed after each mart build (configuration section <c>PowerBi</c>); off unless <see cref="Enabled"/>.</summary>
public sealed class PowerBiOptions
{
    public const string SectionName = "PowerBi";

    /// <summary>The scope of a token for the Power BI REST API.</summary>
    public const string Scope = "https://analysis.windows.net/powerbi/api/.default";

    public bool Enabled { get; set; }

    /// <summary>The workspace (group) id that holds the dataset.</summary>
    public string? WorkspaceId { get; set; }

    public string? DatasetId { get; set; }

    /// <summary>The REST API root; ends with '/' so relative paths append to it.</summary>
    public Uri ApiBaseUri { get; set; } = new("https://api.powerbi.com/v1.0/myorg/");
}
