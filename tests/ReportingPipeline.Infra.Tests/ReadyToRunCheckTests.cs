using System.Diagnostics;
using ReportingPipeline.Core.Reference;
using ReportingPipeline.Testing;

namespace ReportingPipeline.Infra.Tests;

/// <summary>
/// scripts/check-readytorun.mjs, which scripts/publish-functions.sh (CI) runs over the published app's assemblies: it
/// must refuse what a deployment should not carry. That it accepts the published images is CI's publish step itself;
/// these are the refusals, on images at hand without publishing.
/// </summary>
public sealed class ReadyToRunCheckTests
{
    [Fact]
    public void Check_RefusesAnAssemblyCompiledToIlOnly()
    {
        // The tests' own build of the core is portable IL, as `dotnet build` leaves it.
        var (exitCode, output) = Check(typeof(ReferenceData).Assembly.Location);

        Assert.Equal(1, exitCode);
        Assert.Contains("ReportingPipeline.Core.dll: IL only, not ReadyToRun", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_RefusesAReadyToRunImageWithoutOtherAssembliesGenerics()
    {
        // The shared framework is ReadyToRun, compiled without --non-local-generics-module.
        var framework = Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "System.Collections.dll");

        var (exitCode, output) = Check(framework);

        Assert.Equal(1, exitCode);
        Assert.Contains("System.Collections.dll: ReadyToRun without other assemblies' generics over its types", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_RefusesToPassOnNothing()
    {
        var (exitCode, output) = Check();

        Assert.Equal(1, exitCode);
        Assert.Contains("No assemblies given.", output, StringComparison.Ordinal);
    }

    private static (int ExitCode, string Output) Check(params string[] assemblies)
    {
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(InfraFiles.FromRoot("scripts/check-readytorun.mjs"));
        foreach (var assembly in assemblies)
        {
            start.ArgumentList.Add(assembly);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var standardError = process.StandardError.ReadToEndAsync();
        var standardOutput = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)), "the check did not finish");
        return (process.ExitCode, standardOutput + standardError.Result);
    }
}
