namespace ReportingPipeline.Hosting;

/// <summary>
/// Where the ingest handler asks for a mart build after an upload that changed what the marts show, so that it
/// reaches them within a couple of minutes rather than at the next timer. Each host debounces in its own way
/// (<c>pipeline host</c>: <see cref="LocalHost.PendingMartBuild"/> in process; the Functions app: a marker blob and a
/// delayed queue message), so that a burst of uploads causes one build; the timer stays as the safety net, which is
/// why an implementation logs and swallows its own failures rather than failing the upload.
/// </summary>
public interface IMartBuildRequests
{
    Task RequestBuildAsync(CancellationToken cancellationToken = default);
}
