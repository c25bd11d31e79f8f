namespace ReportingPipeline.Hosting.LocalHost;

/// <summary>How <c>pipeline host</c> watches storage (configuration section <c>LocalHost</c>).</summary>
public sealed class LocalHostOptions
{
    public const string SectionName = "LocalHost";

    /// <summary>How often <c>submissions</c> and <c>reference</c> are listed for new blobs.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Attempts at one blob version before it is quarantined; 5, like the Functions poison-blob threshold.</summary>
    public int MaxAttempts { get; set; } = 5;
}
