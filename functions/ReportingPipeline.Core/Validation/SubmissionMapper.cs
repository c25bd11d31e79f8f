using System.Text.Json;
using System.Text.Json.Nodes;
using ReportingPipeline.Core.Contract;

namespace ReportingPipeline.Core.Validation;

/// <summary>
/// Moves values between the contract's declarations and the typed <see cref="Submission"/>. The canonical
/// model written in <see cref="PipelineJson"/> has exactly the contract's shape (a property per section key,
/// one per field key), so the mapping goes through that JSON and no field list is written out twice.
/// </summary>
internal static class SubmissionMapper
{
    /// <summary>Builds the typed submission from sections that read without errors.</summary>
    public static Submission Build(IReadOnlyDictionary<SectionDefinition, ParsedSection> sections)
    {
        var root = new JsonObject();
        foreach (var section in SubmissionContract.Sections)
        {
            var rows = sections[section].Rows.Select(ToJson).ToList();
            root[section.Key] = section.Shape == SectionShape.KeyValue
                ? rows.Single()
                : new JsonArray([.. rows]);
        }

        return root.Deserialize<Submission>(PipelineJson.Options)
            ?? throw new InvalidOperationException("The canonical submission did not deserialize.");
    }

    /// <summary>Each section's rows as field key → JSON value, read back from a typed submission.</summary>
    public static IEnumerable<(SectionDefinition Section, JsonElement Row)> Rows(Submission submission)
    {
        var root = JsonSerializer.SerializeToElement(submission, PipelineJson.Options);
        foreach (var section in SubmissionContract.Sections)
        {
            if (!root.TryGetProperty(section.Key, out var element))
            {
                continue;
            }

            if (element.ValueKind == JsonValueKind.Object)
            {
                yield return (section, element);
            }
            else if (element.ValueKind == JsonValueKind.Array)
            {
                foreach (var row in element.EnumerateArray())
                {
                    yield return (section, row);
                }
            }
        }
    }

    /// <summary>The total of every count field over a submission; a field no row filled in has no total.</summary>
    public static IReadOnlyDictionary<(string Section, string Field), long> CountTotals(Submission submission)
    {
        var totals = new Dictionary<(string, string), long>();
        foreach (var (section, row) in Rows(submission))
        {
            foreach (var field in section.Fields.Where(f => f.Kind == FieldKind.Count))
            {
                if (row.TryGetProperty(field.Key, out var value) && value.ValueKind == JsonValueKind.Number)
                {
                    totals[(section.Key, field.Key)] = totals.GetValueOrDefault((section.Key, field.Key)) + value.GetInt64();
                }
            }
        }

        return totals;
    }

    private static JsonObject ToJson(ParsedRow row)
    {
        var json = new JsonObject();
        foreach (var (key, cell) in row.Cells)
        {
            json[key] = cell.Value switch
            {
                long count => JsonValue.Create(count),
                decimal amount => JsonValue.Create(amount),
                Period period => JsonValue.Create(period.ToString()),
                string text => JsonValue.Create(text),
                _ => null,
            };
        }

        return json;
    }
}
