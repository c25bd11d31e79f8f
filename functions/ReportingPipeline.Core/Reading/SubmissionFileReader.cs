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
    /// <summary>The format a file name's extension says (<see cref="SubmissionFormat.Unsupported"/> for any other).</summary>
    public static SubmissionFormat FormatOf(string fileName) => Path.GetExtension(fileName).ToLowerInvariant() switch
    {
        ".xlsx" or ".xlsm" => SubmissionFormat.Xlsx,
        ".json" => SubmissionFormat.Json,
        ".zip" => SubmissionFormat.ZipCsv,
        _ => SubmissionFormat.Unsupported,
    };

    /// <summary>
    /// The outcome of a file over <see cref="ReadLimits.MaxFileBytes"/>, for callers that learn its size without
    /// handing over its content (an oversized blob is never read into memory).
    /// </summary>
    /// <param name="bytes">The file's size, when known.</param>
    public static RawSubmission TooLarge(string fileName, long? bytes, ReadLimits limits) =>
        RawSubmission.Unreadable(FormatOf(fileName), RuleCatalogue.TooLarge.Issue(
            SourceLocation.File, value: bytes is { } size ? ReadIssues.Bytes(size) : $"> {ReadIssues.Bytes(limits.MaxFileBytes)}",
            args: new Dictionary<string, string>(StringComparer.Ordinal) { ["limit"] = ReadIssues.Bytes(limits.MaxFileBytes) }));

    public static RawSubmission Read(Stream content, string fileName, ReadLimits limits)
    {
        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        var format = FormatOf(fileName);
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
            return TooLarge(fileName, content.CanSeek ? content.Length : null, limits);
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
