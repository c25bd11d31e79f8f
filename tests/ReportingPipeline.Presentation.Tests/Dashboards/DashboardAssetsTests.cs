using System.Text.Json;
using ReportingPipeline.Presentation.Dashboards;

namespace ReportingPipeline.Presentation.Tests.Dashboards;

public sealed class DashboardAssetsTests
{
    private static readonly string RepositoryRoot = FindRepositoryRoot();

    private static string VendoredFile => Path.Combine(RepositoryRoot, "functions", "ReportingPipeline.Presentation", "Dashboards", "vendor", "echarts.min.js");

    [Fact]
    public void ECharts_Vendored_IsTheVersionPackageJsonPins()
    {
        using var package = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(RepositoryRoot, "package.json")));
        var pinned = package.RootElement.GetProperty("devDependencies").GetProperty("echarts").GetString();

        Assert.Equal(DashboardAssets.EChartsVersion, pinned);
        Assert.Contains($".version=\"{pinned}\"", DashboardAssets.ECharts, StringComparison.Ordinal);
    }

    [Fact]
    public void ECharts_Embedded_IsTheCommittedFile()
    {
        Assert.Equal(File.ReadAllBytes(VendoredFile), DashboardAssets.EChartsBytes());
    }

    [Fact]
    public void ECharts_Vendored_IsByteIdenticalToTheInstalledPackage()
    {
        // Upgrading is `npm install` then copying the file; this catches a forgotten copy. Without node_modules
        // (a clone where npm never ran) there is nothing to compare; scripts/test.sh installs it.
        var installed = Path.Combine(RepositoryRoot, "node_modules", "echarts", "dist", "echarts.min.js");
        if (!File.Exists(installed))
        {
            return;
        }

        Assert.True(File.ReadAllBytes(installed).AsSpan().SequenceEqual(File.ReadAllBytes(VendoredFile)),
            $"{VendoredFile} differs from {installed}: copy it (see Dashboards/vendor/README.md).");
    }

    [Fact]
    public void ECharts_Vendored_StaysUnderFiveMegabytes()
    {
        Assert.InRange(new FileInfo(VendoredFile).Length, 100_000, 5 * 1024 * 1024);
    }

    [Fact]
    public void Scripts_Embedded_CanBeInlinedInAScriptElement()
    {
        foreach (var script in (string[])[DashboardAssets.ECharts, DashboardAssets.Script])
        {
            Assert.DoesNotContain("</script", script, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<!--", script, StringComparison.Ordinal);
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "package.json")) && File.Exists(Path.Combine(folder.FullName, "Directory.Packages.props")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No repository root above {AppContext.BaseDirectory}.");
    }
}
