using ReportingPipeline.Core.Validation;

namespace ReportingPipeline.Core.Reading;

/// <summary>Reads an uploaded file of any accepted type into a <see cref="RawSubmission"/>.</summary>
public static class SubmissionFileReader
{
    /// <summary>
    /// Reads <paramref name="content"/> (picking the reader by the extension of <paramref name="fileName"/>).
    /// Never throws for bad input: a corrupt, hostile or unsupported file comes back as a file-level issue.
    /// Only a failure of <paramref name="content"/> itself (an infrastructure fault) propagates.
    /// </summary>
    public static RawSubmission Read(Stream content, string fileName, ReadLimits limits)
    {
        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        var format = extension switch
        {
            ".xlsx" or ".xlsm" => SubmissionFormat.Xlsx,
            ".json" => SubmissionFormat.Json,
            ".zip" => SubmissionFormat.ZipCsv,
            _ => SubmissionFormat.Unsupported,
        };
        if (format == SubmissionFormat.Unsupported)
        {
            return RawSubmission.Unreadable(format, RuleCatalogue.UnsupportedType.Issue(
                SourceLocation.File, value: extension.Length == 0 ? fileName : extension));
        }

        if (extension == ".xlsm")
        {
            return RawSubmission.Unreadable(format, RuleCatalogue.MacroEnabled.Issue(SourceLocation.File));
        }

        var bytes = CopyWithin(content, limits);
        if (bytes is null)
        {
            var seen = content.CanSeek ? ReadIssues.Bytes(content.Length) : $"> {ReadIssues.Bytes(limits.MaxFileBytes)}";
            return RawSubmission.Unreadable(format, RuleCatalogue.TooLarge.Issue(
                SourceLocation.File, value: seen,
                args: new Dictionary<string, string>(StringComparer.Ordinal) { ["limit"] = ReadIssues.Bytes(limits.MaxFileBytes) }));
        }

        try
        {
            return format switch
            {
                SubmissionFormat.Xlsx => XlsxSubmissionReader.Read(bytes, limits),
                SubmissionFormat.Json => JsonSubmissionReader.Read(bytes, Path.GetFileName(fileName), limits),
                _ => ZipCsvSubmissionReader.Read(bytes, limits),
            };
        }
        catch (SubmissionReadException ex)
        {
            return RawSubmission.Unreadable(format, ex.Issue);
        }
        catch (Exception ex)
        {
            // The bytes are already in memory, so whatever goes wrong now comes from the file's content; the
            // exception's type stays in the English reason so that a reader bug is still visible in reports.
            return RawSubmission.Unreadable(format, ReadIssues.Unreadable(
                "文件已损坏或格式不正确", $"the file is damaged or not in the expected format ({ex.GetType().Name}: {ex.Message})"));
        }
    }

    /// <summary>Copies the upload into memory, stopping as soon as it passes the size limit; the stream's Length is never trusted.</summary>
    private static byte[]? CopyWithin(Stream content, ReadLimits limits)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = content.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + n > limits.MaxFileBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, n);
        }

        return buffer.ToArray();
    }
}
