using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Validation;

namespace ReportingPipeline.Core.Reading;

/// <summary>
/// Reads a zip of one CSV per section (<c>station.csv</c>, <c>visits.csv</c>, or Chinese-label names, in
/// any folder of the zip). Locations name the file inside the zip and the record number.
/// </summary>
internal static class ZipCsvSubmissionReader
{
    public static RawSubmission Read(byte[] bytes, ReadLimits limits)
    {
        if (bytes.Length == 0)
        {
            throw SubmissionReadException.Unreadable("文件是空的", "the file is empty");
        }

        using var archive = GuardedArchive.Open(bytes, limits);
        var issues = new List<ValidationIssue>();
        var sections = new List<RawSection>();
        var fileOf = new Dictionary<SectionDefinition, string>();
        foreach (var entry in archive.Files)
        {
            var name = GuardedArchive.NormalizeName(entry.FullName);
            var fileName = name[(name.LastIndexOf('/') + 1)..];

            // Left behind by the Mac's and Windows' zip tools; never a section.
            if (name.StartsWith("__MACOSX/", StringComparison.OrdinalIgnoreCase) || fileName.StartsWith('.')
                || fileName.Equals("Thumbs.db", StringComparison.OrdinalIgnoreCase) || fileName.Equals("desktop.ini", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var section = fileName.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? SubmissionContract.FindSection(fileName) : null;
            if (section is null)
            {
                issues.Add(ReadIssues.UnknownSection(name));
                continue;
            }

            if (fileOf.TryGetValue(section, out var first))
            {
                issues.Add(RuleCatalogue.DuplicateSection.Issue(
                    new SourceLocation(name, null, null), section: section.Key, value: name,
                    args: new Dictionary<string, string>(StringComparer.Ordinal) { ["first"] = first, ["label"] = section.Label }));
                continue;
            }

            fileOf[section] = name;
            var text = CsvText.Decode(archive.ReadAllBytes(entry));
            if (text is null)
            {
                return RawSubmission.Unreadable(SubmissionFormat.ZipCsv, ReadIssues.BadEncoding(name));
            }

            var builder = new RawSectionBuilder(section, name, limits, issues);
            CsvText.Split(text, limits, builder.Add);
            sections.Add(builder.Build());
        }

        return new RawSubmission(SubmissionFormat.ZipCsv, sections, issues);
    }
}
