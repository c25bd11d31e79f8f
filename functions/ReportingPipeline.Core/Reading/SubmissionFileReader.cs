using ReportingPipeline.Core.Validation;

namespace ReportingPipeline.Core.Reading;

/// <summary>Reads an uploaded file of any accepted type into a <see cref="RawSubmission"/>.</summary>
public static class SubmissionFileReader
{
    /// <summary>
    /// Reads <paramref name="content"/> (picking the reader by the extension of <paramref name="fileName"/>).
    /// Never throws for bad input: a corrupt, hostile or unsupported file comes back as a file-level issue.
    /// </summary>
    public static RawSubmission Read(Stream content, string fileName, ReadLimits limits) =>
        throw new NotImplementedException("TODO(readers)");
}
