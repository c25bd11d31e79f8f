using System.Text.Json;
using System.Text.Json.Nodes;
using ReportingPipeline.Core.Contract;

namespace ReportingPipeline.Core.Validation;

/// <summary>
/// Moves values between the contract's declarations and the typed <see cref="Submission"/>. Building one goes
/// through the canonical JSON (it has exactly the contract's shape: a property per section key, one per field key);
/// reading one back goes through <see cref="SubmissionFields"/>, like every other reader of a typed submission.
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

    /// <summary>The total of every count field over a submission; a field no row filled in has no total.</summary>
    public static IReadOnlyDictionary<(string Section, string Field), long> CountTotals(Submission submission)
    {
        var totals = new Dictionary<(string, string), long>();
        foreach (var section in SubmissionContract.Sections)
        {
            foreach (var row in SubmissionFields.RowsOf(submission, section))
            {
                for (var i = 0; i < section.Fields.Count; i++)
                {
                    if (section.Fields[i].Kind == FieldKind.Count && row[i] is long value)
                    {
                        var key = (section.Key, section.Fields[i].Key);
                        totals[key] = totals.GetValueOrDefault(key) + value;
                    }
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
