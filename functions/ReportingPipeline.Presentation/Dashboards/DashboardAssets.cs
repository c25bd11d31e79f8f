using System.Security.Cryptography;
using System.Text;

namespace ReportingPipeline.Presentation.Dashboards;

/// <summary>
/// What the dashboard inlines, embedded in this assembly so that no npm is needed at run time: the vendored
/// ECharts build (<c>Dashboards/vendor/echarts.min.js</c>, a byte-for-byte copy of the npm package pinned in
/// <c>package.json</c>), the page's own script and its styles.
/// </summary>
public static class DashboardAssets
{
    /// <summary>The ECharts version vendored; package.json pins the same one (a test keeps them equal).</summary>
    public const string EChartsVersion = "6.1.0";

    private static readonly Lazy<string> LazyECharts = new(() => Inline(Load("echarts.min.js"), "echarts.min.js"));
    private static readonly Lazy<string> LazyScript = new(() => Inline(Load("dashboard.js"), "dashboard.js"));
    private static readonly Lazy<string> LazyStyles = new(() => Load("dashboard.css"));

    /// <summary>The minified ECharts build.</summary>
    public static string ECharts => LazyECharts.Value;

    /// <summary>The page's script: reads the embedded JSON and draws the charts.</summary>
    public static string Script => LazyScript.Value;

    public static string Styles => LazyStyles.Value;

    /// <summary>The raw bytes of the vendored ECharts build, as committed.</summary>
    public static byte[] EChartsBytes()
    {
        using var stream = Open("echarts.min.js");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>The CSP source allowing exactly this inline script (<c>'sha256-...'</c>).</summary>
    public static string CspHash(string script) =>
        "'sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(script))) + "'";

    private static string Load(string name)
    {
        using var stream = Open(name);
        using var reader = new StreamReader(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true));
        return reader.ReadToEnd();
    }

    private static Stream Open(string name) =>
        typeof(DashboardAssets).Assembly.GetManifestResourceStream("ReportingPipeline.Presentation.Dashboards." + name)
            ?? throw new InvalidOperationException($"The dashboard asset {name} is not embedded in {typeof(DashboardAssets).Assembly.GetName().Name}.");

    /// <summary>A script is inlined verbatim; text that would end the script element early must never be in it.</summary>
    private static string Inline(string script, string name) =>
        script.Contains("</script", StringComparison.OrdinalIgnoreCase) || script.Contains("<!--", StringComparison.Ordinal)
            ? throw new InvalidOperationException($"{name} contains '</script' or '<!--' and cannot be inlined.")
            : script;
}
