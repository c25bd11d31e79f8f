using System.IO.Compression;
using System.Text;
using ReportingPipeline.Core.Contract;

namespace ReportingPipeline.Synthetic;

/// <summary>How a CSV submission names its columns (and, for labels, its enum values).</summary>
public enum CsvHeaderStyle
{
    /// <summary>English keys: <c>resident_visits</c>, enum values <c>elderly</c>.</summary>
    Keys,

    /// <summary>Chinese labels, as a person exporting from Chinese Excel writes them: <c>走访居民人次</c>, <c>老年人</c>.</summary>
    Labels,

    /// <summary>The template's <c>走访居民人次 (resident_visits)</c>; enum values as keys.</summary>
    Template,
}

/// <summary>
/// Writes a submission as a <c>.zip</c> holding one CSV per section (<c>station.csv</c>, <c>visits.csv</c>, ...),
/// headers and rows from <see cref="SubmissionContract"/> and <see cref="SubmissionFields"/>.
/// </summary>
public static class SubmissionCsvZipWriter
{
    /// <summary>Zip entries carry a time; a fixed one keeps the same submission the same bytes.</summary>
    private static readonly DateTimeOffset EntryTime = new(2020, 11, 1, 0, 0, 0, TimeSpan.Zero);

    static SubmissionCsvZipWriter() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>GB18030, what Chinese Excel writes for "CSV (逗号分隔)".</summary>
    public static Encoding Gb18030 => Encoding.GetEncoding("GB18030");

    /// <summary>UTF-8 with a byte-order mark, what Excel writes for "CSV UTF-8".</summary>
    public static Encoding Utf8WithBom { get; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true);

    /// <summary>
    /// Writes the zip to <paramref name="destination"/>. The encoding's preamble (a UTF-8 BOM, for
    /// <see cref="Utf8WithBom"/>) starts each CSV.
    /// </summary>
    /// <param name="entryName">The name of a section's entry; <see cref="SectionDefinition.CsvFileName"/> unless given (the sample's zip-slip case).</param>
    public static void Write(Stream destination, Submission submission, Encoding encoding, CsvHeaderStyle headers = CsvHeaderStyle.Keys, Func<SectionDefinition, string>? entryName = null)
    {
        using var zip = new ZipArchive(destination, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var section in SubmissionContract.Sections)
        {
            var entry = zip.CreateEntry(entryName?.Invoke(section) ?? section.CsvFileName, CompressionLevel.Optimal);
            entry.LastWriteTime = EntryTime;
            using var stream = entry.Open();
            var preamble = encoding.GetPreamble();
            stream.Write(preamble);
            stream.Write(encoding.GetBytes(SectionCsv(submission, section, headers)));
        }
    }

    /// <summary>One section as CSV text (also what a station pasting a single sheet would send).</summary>
    public static string SectionCsv(Submission submission, SectionDefinition section, CsvHeaderStyle headers)
    {
        var csv = new StringBuilder();
        var rows = SubmissionFields.RowsOf(submission, section);
        if (section.Shape == SectionShape.KeyValue)
        {
            CsvText.AppendRecord(csv, Header(SubmissionContract.KeyValueFieldColumn, headers), Header(SubmissionContract.KeyValueValueColumn, headers));
            var values = rows.Single();
            for (var i = 0; i < section.Fields.Count; i++)
            {
                CsvText.AppendRecord(csv, Header(section.Fields[i], headers), Cell(section.Fields[i], values[i], headers));
            }

            return csv.ToString();
        }

        CsvText.AppendRecord(csv, section.Fields.Select(f => Header(f, headers)));
        foreach (var row in rows)
        {
            CsvText.AppendRecord(csv, section.Fields.Select((f, i) => Cell(f, row[i], headers)));
        }

        return csv.ToString();
    }

    private static string Header(FieldDefinition field, CsvHeaderStyle headers) => headers switch
    {
        CsvHeaderStyle.Labels => field.Label,
        CsvHeaderStyle.Template => field.TemplateHeader,
        _ => field.Key,
    };

    private static string Cell(FieldDefinition field, object? value, CsvHeaderStyle headers)
    {
        var text = SubmissionFields.FormatInvariant(value);
        return headers == CsvHeaderStyle.Labels && field.Enum?.Find(text) is { } enumValue ? enumValue.Label : text;
    }
}
