namespace ReportingPipeline.Hosting;

/// <summary>Placeholder until the handlers land.</summary>
internal static class PipelineOptionsPlaceholder;
