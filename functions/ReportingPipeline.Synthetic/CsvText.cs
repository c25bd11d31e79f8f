using System.Text;

namespace ReportingPipeline.Synthetic;

/// <summary>RFC 4180 writing: a field is quoted when it holds a comma, a quote or a line break.</summary>
internal static class CsvText
{
    public static void AppendRecord(StringBuilder builder, IEnumerable<string> fields)
    {
        var first = true;
        foreach (var field in fields)
        {
            if (!first)
            {
                builder.Append(',');
            }

            first = false;
            if (field.AsSpan().IndexOfAny(",\"\r\n") >= 0)
            {
                builder.Append('"').Append(field.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            }
            else
            {
                builder.Append(field);
            }
        }

        builder.Append('\n');
    }

    public static void AppendRecord(StringBuilder builder, params string[] fields) => AppendRecord(builder, (IEnumerable<string>)fields);
}
