namespace ReportingPipeline.Infra.Tests;

/// <summary>Every Bicep and parameter file compiles and lints with no error and no warning.</summary>
public sealed class BicepFilesTests
{
    [Fact]
    public void BicepFiles_Build_HaveNoDiagnostics()
    {
        Assert.True(CompiledTemplates.TemplateBuild.IsClean, CompiledTemplates.TemplateBuild.Describe());
        Assert.All(InfraFiles.BicepFiles.Select(InfraFiles.Relative), file => CompiledTemplates.Template(file));
    }

    [Fact]
    public void ParameterFiles_BuildParams_HaveNoDiagnostics()
    {
        Assert.True(CompiledTemplates.ParameterBuild.IsClean, CompiledTemplates.ParameterBuild.Describe());
        Assert.NotEmpty(CompiledTemplates.ParameterValues("dev"));
        Assert.NotEmpty(CompiledTemplates.ParameterValues("prod"));
    }

    [Theory]
    [InlineData("./**/*.bicep")]
    [InlineData("./**/*.bicepparam")]
    public void Files_Lint_HaveNoDiagnostics(string pattern)
    {
        var run = BicepCli.RunIn(InfraFiles.BicepDirectory, "lint", "--pattern", pattern);
        Assert.True(run.IsClean, run.Describe());
    }

    [Fact]
    public void BicepFiles_IncludeEveryModule() =>
        Assert.Contains(Path.Combine("modules", "station-access.bicep"), InfraFiles.BicepFiles.Select(InfraFiles.Relative));

    [Fact]
    public void Lint_WithProjectConfig_FailsOnAnUnusedParameter()
    {
        // The lint tests above must be able to fail: the project's bicepconfig.json turns rules into errors.
        var directory = Directory.CreateTempSubdirectory("bicep-lint-");
        try
        {
            File.Copy(Path.Combine(InfraFiles.BicepDirectory, "bicepconfig.json"), Path.Combine(directory.FullName, "bicepconfig.json"));
            var file = Path.Combine(directory.FullName, "sloppy.bicep");
            File.WriteAllText(file, "param unused string\n");
            var run = BicepCli.Run("lint", file);
            Assert.NotEqual(0, run.ExitCode);
            Assert.Contains(run.Diagnostics, line => line.Contains("Error no-unused-params", StringComparison.Ordinal));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
