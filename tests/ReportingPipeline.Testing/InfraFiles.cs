namespace ReportingPipeline.Testing;

/// <summary>Where the Bicep sources are, found from the test's working directory upwards.</summary>
public static class InfraFiles
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "infra", "bicep");
            if (File.Exists(Path.Combine(candidate, "main.bicep")))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException("infra/bicep/main.bicep not found above " + AppContext.BaseDirectory);
    });

    public static string BicepDirectory => Root.Value;

    public static string MainTemplate => Path.Combine(BicepDirectory, "main.bicep");

    public static string Module(string name) => Path.Combine(BicepDirectory, "modules", name);

    public static string ParameterFile(string environment) => Path.Combine(BicepDirectory, $"{environment}.bicepparam");

    public static IEnumerable<string> BicepFiles =>
        Directory.EnumerateFiles(BicepDirectory, "*.bicep", SearchOption.AllDirectories).Order(StringComparer.Ordinal);

    public static IEnumerable<string> ParameterFiles =>
        Directory.EnumerateFiles(BicepDirectory, "*.bicepparam", SearchOption.AllDirectories).Order(StringComparer.Ordinal);

    public static string Relative(string path) => Path.GetRelativePath(BicepDirectory, path);

    /// <summary>The repository root (infra/bicep's grandparent).</summary>
    public static string RepositoryRoot => Path.GetFullPath(Path.Combine(BicepDirectory, "..", ".."));

    /// <summary>A file by its path relative to the repository root.</summary>
    public static string FromRoot(string relativePath) => Path.Combine(RepositoryRoot, relativePath);
}
