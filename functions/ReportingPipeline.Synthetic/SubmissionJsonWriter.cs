using System.Text.Json;
using ReportingPipeline.Core.Contract;

namespace ReportingPipeline.Synthetic;

/// <summary>
/// Writes a submission as a station system would upload it: <c>{"schema":"shuangbai-monthly/v1","station":{...},
/// "visits":[...],...}</c>, keys and order from <see cref="SubmissionContract"/>.
/// </summary>
public static class SubmissionJsonWriter
{
    public static void Write(Stream destination, Submission submission)
    {
        using var json = new Utf8JsonWriter(destination, new JsonWriterOptions { Indented = false, Encoder = PipelineJson.Options.Encoder });
        json.WriteStartObject();
        json.WriteString("schema", SubmissionContract.SchemaId);
        foreach (var section in SubmissionContract.Sections)
        {
            var rows = SubmissionFields.RowsOf(submission, section);
            if (section.Shape == SectionShape.KeyValue)
            {
                json.WritePropertyName(section.Key);
                WriteObject(json, section, rows.Single());
                continue;
            }

            json.WriteStartArray(section.Key);
            foreach (var row in rows)
            {
                WriteObject(json, section, row);
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    private static void WriteObject(Utf8JsonWriter json, SectionDefinition section, IReadOnlyList<object?> values)
    {
        json.WriteStartObject();
        for (var i = 0; i < section.Fields.Count; i++)
        {
            json.WritePropertyName(section.Fields[i].Key);
            switch (values[i])
            {
                case null:
                    json.WriteNullValue();
                    break;
                case long number:
                    json.WriteNumberValue(number);
                    break;
                case decimal number:
                    json.WriteNumberValue(number);
                    break;
                default:
                    json.WriteStringValue(SubmissionFields.FormatInvariant(values[i]));
                    break;
            }
        }

        json.WriteEndObject();
    }
}
