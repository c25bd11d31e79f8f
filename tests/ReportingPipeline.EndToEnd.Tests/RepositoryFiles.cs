namespace ReportingPipeline.EndToEnd.Tests;

/// <summary>The repository's own files (sample data, README), found from the test's folder upwards.</summary>
public static class RepositoryFiles
{
    private static readonly Lazy<string> LazyRoot = new(() =>
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ReportingPipeline.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("ReportingPipeline.sln not found above " + AppContext.BaseDirectory);
    });

    public static string Root => LazyRoot.Value;

    public static string SampleData => Path.Combine(Root, "sample-data");
}
