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
        // Nothing is extracted here, but the raw upload is kept and someone may unzip it later (zip slip).
        if (archive.Entries.Select(e => UnsafeEntryName(e.FullName)).FirstOrDefault(u => u is not null) is { } unsafeName)
        {
            return RawSubmission.Unreadable(SubmissionFormat.ZipCsv, unsafeName);
        }

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

    /// <summary>
    /// The <see cref="RuleCatalogue.UnsafeEntryName"/> issue of an entry name that an unzip tool could write outside
    /// its target folder (absolute, a drive letter, a <c>..</c> segment) or that tools split differently (a backslash).
    /// </summary>
    internal static ValidationIssue? UnsafeEntryName(string name)
    {
        (string? Zh, string? En) reason = name switch
        {
            _ when name.StartsWith('/') || name.StartsWith('\\') => ("绝对路径", "an absolute path"),
            [var letter, ':', ..] when char.IsAsciiLetter(letter) => ("含盘符", "a drive letter"),
            _ when name.Split('/', '\\').Any(segment => segment == "..") => ("含“..”上级目录", "a '..' segment"),
            _ when name.Contains('\\', StringComparison.Ordinal) => ("含反斜杠", "a backslash"),
            _ => (null, null),
        };
        return reason.Zh is null
            ? null
            : RuleCatalogue.UnsafeEntryName.Issue(SourceLocation.File, value: name, args: ReadIssues.Reason(reason.Zh, reason.En!));
    }
}
