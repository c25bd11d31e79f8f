using ReportingPipeline.Presentation.PowerBi;

namespace ReportingPipeline.Presentation.Tests.PowerBi;

public sealed class PowerBiProjectTests
{
    private const string Regenerate = "regenerate with `dotnet run --project functions/ReportingPipeline.Cli -- powerbi -o powerbi`";

    [Fact]
    public void Files_CommittedPowerBiFolder_IsExactlyWhatTheGeneratorWrites()
    {
        var generated = PowerBiProject.Files();

        Assert.Equal(generated.Keys, PowerBiFolder.Files());
        foreach (var (name, text) in generated)
        {
            Assert.True(text == PowerBiFolder.Read(Path.Combine(PowerBiFolder.Root, name)), $"powerbi/{name} differs from the generator's output: {Regenerate}.");
        }
    }

    [Fact]
    public void Files_EveryTableOfTheMarts_HasAQueryAndAModelTable()
    {
        var files = PowerBiProject.Files();

        Assert.DoesNotContain($"queries/{Core.Marts.MartTables.AggRegionMonth.Name}.pq", files.Keys);
        foreach (var table in PowerBiModel.Tables)
        {
            Assert.Contains($"queries/{table.Name}.pq", files.Keys);
            Assert.Contains($"{PowerBiProject.SemanticModelFolder}/definition/tables/{table.Name}.tmdl", files.Keys);
        }
    }

    [Fact]
    public void Files_GeneratedTwice_AreIdentical() =>
        Assert.Equal(PowerBiProject.Files(), PowerBiProject.Files());

    [Fact]
    public void Files_GeneratedFolders_HoldOnlyGeneratedFiles()
    {
        var files = PowerBiProject.Files();

        foreach (var folder in PowerBiProject.GeneratedFolders)
        {
            Assert.Contains(files.Keys, f => f.StartsWith(folder, StringComparison.Ordinal));
        }

        Assert.All(files.Keys, f => Assert.DoesNotContain('\\', f));
        Assert.All(files.Values, t => Assert.DoesNotContain('\r', t));
    }

    [Fact]
    public void Pbip_ReportAndModel_PointAtTheFoldersThatExist()
    {
        var pbip = System.Text.Json.JsonDocument.Parse(PowerBiFolder.Read(Path.Combine(PowerBiFolder.Root, PowerBiProject.Name + ".pbip")));
        var report = pbip.RootElement.GetProperty("artifacts")[0].GetProperty("report").GetProperty("path").GetString()!;
        var pbir = System.Text.Json.JsonDocument.Parse(PowerBiFolder.Read(Path.Combine(PowerBiFolder.Root, report, "definition.pbir")));
        var model = pbir.RootElement.GetProperty("datasetReference").GetProperty("byPath").GetProperty("path").GetString()!;

        Assert.True(File.Exists(Path.Combine(PowerBiFolder.Root, report, model, "definition.pbism")), model);
        Assert.True(Directory.Exists(Path.Combine(PowerBiFolder.Root, report, model, "definition", "tables")), model);
    }
}
