namespace ReportingPipeline.Presentation.Tests.PowerBi;

/// <summary>The committed <c>powerbi/</c> folder, found from the test's working directory upwards.</summary>
internal static class PowerBiFolder
{
    private static readonly Lazy<string> RootFolder = new(() =>
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "global.json")) && Directory.Exists(Path.Combine(directory.FullName, "functions")))
            {
                return Path.Combine(directory.FullName, "powerbi");
            }
        }

        throw new DirectoryNotFoundException("No repository root (global.json and functions/) above " + AppContext.BaseDirectory);
    });

    public static string Root => RootFolder.Value;

    public static string ModelDefinition => Path.Combine(Root, "ReportingPipeline.SemanticModel", "definition");

    public static string ReportDefinition => Path.Combine(Root, "ReportingPipeline.Report", "definition");

    /// <summary>A committed file's text, with line ends as the generator writes them (a Windows checkout may turn them into CRLF).</summary>
    public static string Read(string path) => File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);

    /// <summary>Every committed file by '/'-separated relative path, leaving out Power BI Desktop's local state (.pbi/).</summary>
    public static IReadOnlyList<string> Files() =>
        [.. Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Root, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(f => !f.Split('/').Contains(".pbi"))
            .Order(StringComparer.Ordinal)];

    /// <summary>The model as the TMDL files say it, read from disk (not from the generator).</summary>
    public static TmdlModel Model() => TmdlModel.Load(ModelDefinition);
}
