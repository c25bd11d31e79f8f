using System.Text.Json;

namespace ReportingPipeline.Presentation.Tests.PowerBi;

/// <summary>The committed PBIR report against the committed TMDL model.</summary>
public sealed class PowerBiReportTests
{
    [Fact]
    public void Visuals_EveryField_IsAColumnOrMeasureOfTheModel()
    {
        var model = PowerBiFolder.Model();
        var fields = model.Tables
            .SelectMany(t => t.Columns.Select(c => (t.Name, c.Name, false)).Concat(t.Measures.Select(m => (t.Name, m.Name, true))))
            .ToHashSet();
        var visuals = Directory.EnumerateFiles(PowerBiFolder.ReportDefinition, "visual.json", SearchOption.AllDirectories).ToList();

        Assert.NotEmpty(visuals);
        foreach (var file in visuals)
        {
            var used = new List<(string, string, bool)>();
            Collect(JsonDocument.Parse(File.ReadAllText(file)).RootElement, used);
            Assert.NotEmpty(used);
            Assert.All(used, f => Assert.True(fields.Contains(f), $"{Path.GetRelativePath(PowerBiFolder.Root, file)} uses {f}, which the model does not have"));
        }
    }

    [Fact]
    public void Pages_PageOrder_NamesEveryPageFolderOnce()
    {
        var pagesFolder = Path.Combine(PowerBiFolder.ReportDefinition, "pages");
        using var pages = JsonDocument.Parse(File.ReadAllText(Path.Combine(pagesFolder, "pages.json")));
        var order = pages.RootElement.GetProperty("pageOrder").EnumerateArray().Select(p => p.GetString()!).ToList();

        Assert.Equal(Directory.EnumerateDirectories(pagesFolder).Select(Path.GetFileName).Order(StringComparer.Ordinal), order.Order(StringComparer.Ordinal));
        Assert.Contains(pages.RootElement.GetProperty("activePageName").GetString(), order);
        Assert.Equal(5, order.Count); // who has not reported, a district's stations (drill-through), services, hotline, funds
        foreach (var page in order)
        {
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(pagesFolder, page, "page.json")));
            Assert.Equal(page, json.RootElement.GetProperty("name").GetString());
        }
    }

    // A field is {"Column"|"Measure": {"Expression": {"SourceRef": {"Entity": table}}, "Property": name}}.
    private static void Collect(JsonElement element, List<(string, string, bool)> fields)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (property.Name is "Column" or "Measure"
                    && property.Value.TryGetProperty("Expression", out var expression)
                    && expression.TryGetProperty("SourceRef", out var source)
                    && source.TryGetProperty("Entity", out var entity))
                {
                    fields.Add((entity.GetString()!, property.Value.GetProperty("Property").GetString()!, property.Name == "Measure"));
                }

                Collect(property.Value, fields);
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                Collect(item, fields);
            }
        }
    }
}
