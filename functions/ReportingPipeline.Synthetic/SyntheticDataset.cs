using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Reference;

namespace ReportingPipeline.Synthetic;

/// <summary>What <see cref="SyntheticDataset"/> writes besides the reference and the plan of what goes wrong.</summary>
public sealed record SyntheticDatasetOptions
{
    public SubmissionMix Mix { get; init; } = SubmissionMix.Realistic;

    /// <summary>
    /// Writes a submission as the station's Excel workbook (the template writer). Given, about 40% of the files
    /// are <c>.xlsx</c>; without it, files are <c>.json</c> and <c>.zip</c> only. Called from several threads at
    /// once; the dataset stays byte-for-byte reproducible only if the writer is (no timestamps in the package).
    /// </summary>
    public Action<Stream, Submission>? XlsxWriter { get; init; }

    /// <summary>Files are independent; writing them on every core is safe and keeps the output identical.</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Given, only the first uploads by upload time are written, this many (ties at the last one's time included):
    /// a burst taken from the start of a dataset too large to write whole (a national month is 38,000 station-months).
    /// Every file written is the upload the whole dataset has (byte for byte where <see cref="XlsxWriter"/> is reproducible);
    /// <c>plan.csv</c> then lists the uploads written and no missing station-months, since what a station-month comes to
    /// is not known from its first uploads.
    /// </summary>
    public int? FirstUploads { get; init; }
}

/// <summary>The shares of station-months written as <c>.xlsx</c> and <c>.json</c>; the rest are CSV zips.</summary>
public readonly record struct FormatShares(double Xlsx, double Json)
{
    /// <summary>What the generator writes unless told otherwise: 40 % workbooks, 30 % JSON, 30 % zips.</summary>
    public static readonly FormatShares Default = new(0.4, 0.3);
}

/// <summary>Counts of what was written.</summary>
public sealed record SyntheticDatasetSummary(
    int Stations,
    int StationMonths,
    int Missing,
    int Files,
    long Bytes,
    IReadOnlyDictionary<string, int> FilesByFormat,
    IReadOnlyDictionary<UploadKind, int> FilesByKind,
    int LateFiles);

/// <summary>
/// Writes a synthetic dataset laid out like the storage containers, for <c>pipeline run --input DIR</c>:
/// <code>
/// reference/regions.csv, reference/stations.csv
/// submissions/{period}/{station}/{file}     .xlsx / .json / .zip, as planned by <see cref="SyntheticSubmissions"/>
/// submissions/_uploads.csv                  blob_name,received_at: each file's simulated upload time (UTC)
/// plan.csv                                  what each station-month should come to (missing, kind, planted defect)
/// </code>
/// </summary>
public static class SyntheticDataset
{
    public const string UploadsFileName = "_uploads.csv";

    public const string PlanFileName = "plan.csv";

    private static readonly Encoding Utf8NoBom = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    public static async Task<SyntheticDatasetSummary> WriteAsync(
        string outDir,
        Scale scale,
        Period firstPeriod,
        int months,
        int seed,
        SyntheticDatasetOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var files = SyntheticReference.Generate(scale, seed);
        var referenceDir = Path.Combine(outDir, "reference");
        Directory.CreateDirectory(referenceDir);
        await File.WriteAllTextAsync(Path.Combine(referenceDir, ReferenceLoader.RegionsFileName), files.RegionsCsv, Utf8NoBom, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(referenceDir, ReferenceLoader.StationsFileName), files.StationsCsv, Utf8NoBom, cancellationToken);
        return await WriteSubmissionsAsync(outDir, files.Load(), firstPeriod, months, seed, options, cancellationToken);
    }

    /// <summary>
    /// Writes <c>submissions/</c> and <c>plan.csv</c> under <paramref name="outDir"/> for an existing reference
    /// (the committed sample, say), for <paramref name="months"/> months from <paramref name="firstPeriod"/>.
    /// </summary>
    public static async Task<SyntheticDatasetSummary> WriteSubmissionsAsync(
        string outDir,
        ReferenceData reference,
        Period firstPeriod,
        int months,
        int seed,
        SyntheticDatasetOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(months, 1);
        options ??= new SyntheticDatasetOptions();
        var submissionsDir = Path.Combine(outDir, "submissions");
        Directory.CreateDirectory(submissionsDir);
        var generator = new SyntheticSubmissions(reference, seed, options.Mix);
        // Only what each file was is kept, not its bytes: a national run writes hundreds of thousands of files.
        var written = new ConcurrentBag<UploadRecord>();
        var missing = new ConcurrentBag<StationMonthPlan>();
        var stationMonths = 0;
        var lastPeriod = firstPeriod.Add(months - 1);
        IEnumerable<StationMonthPlan> plans = generator.Plan(firstPeriod, lastPeriod);
        var cutoff = DateTimeOffset.MaxValue;
        if (options.FirstUploads is { } first)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(first, 1);
            (plans, cutoff) = FirstUploads(generator, firstPeriod, lastPeriod, first, options.MaxDegreeOfParallelism, cancellationToken);
        }

        await Parallel.ForEachAsync(
            plans,
            new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism, CancellationToken = cancellationToken },
            async (plan, ct) =>
            {
                Interlocked.Increment(ref stationMonths);
                if (plan.IsMissing)
                {
                    missing.Add(plan);
                    return;
                }

                foreach (var file in Render(plan, seed, options.XlsxWriter).Where(f => f.Upload.ReceivedAt <= cutoff))
                {
                    var path = Path.Combine(submissionsDir, plan.Period.ToString(), plan.Station.StationCode, file.FileName);
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    await File.WriteAllBytesAsync(path, file.Content, ct);
                    written.Add(new UploadRecord(
                        plan.Period, plan.Station.StationCode, file.BlobName, file.Upload.Attempt, file.Upload.Kind, file.Upload.Defect,
                        file.Upload.ReceivedAt, file.Upload.OnTime, file.Format, file.Content.Length));
                }
            });

        var ordered = written.OrderBy(f => f.ReceivedAt).ThenBy(f => f.BlobName, StringComparer.Ordinal).ToList();
        var uploads = new StringBuilder();
        CsvText.AppendRecord(uploads, "blob_name", "received_at");
        foreach (var file in ordered)
        {
            CsvText.AppendRecord(uploads, file.BlobName, Iso(file.ReceivedAt));
        }

        await File.WriteAllTextAsync(Path.Combine(submissionsDir, UploadsFileName), uploads.ToString(), Utf8NoBom, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(outDir, PlanFileName), PlanCsv(ordered, missing), Utf8NoBom, cancellationToken);

        return new SyntheticDatasetSummary(
            reference.Stations.Count,
            stationMonths,
            missing.Count,
            ordered.Count,
            ordered.Sum(f => (long)f.Bytes),
            ordered.GroupBy(f => f.Format).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
            ordered.GroupBy(f => f.Kind).ToDictionary(g => g.Key, g => g.Count()),
            ordered.Count(f => !f.OnTime));
    }

    /// <summary>
    /// The station-months with an upload among the first <paramref name="count"/> by upload time, and the time of the
    /// last of those. Every station-month is planned once to learn its upload times (in parallel, keeping only the
    /// times) and again, alone, to be written: a plan depends only on the seed, the station and the month.
    /// </summary>
    private static (IEnumerable<StationMonthPlan> Plans, DateTimeOffset Cutoff) FirstUploads(
        SyntheticSubmissions generator, Period first, Period last, int count, int parallelism, CancellationToken cancellationToken)
    {
        var expected = Period.Range(first, last).SelectMany(p => generator.Reference.StationsOpenIn(p).Select(s => (Station: s, Period: p))).ToList();
        var times = new DateTimeOffset[expected.Count][];
        Parallel.For(0, expected.Count, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, i =>
            times[i] = [.. generator.PlanFor(expected[i].Station, expected[i].Period).Uploads.Select(u => u.ReceivedAt)]);

        var all = times.SelectMany(t => t).Order().ToList();
        if (all.Count == 0)
        {
            return ([], DateTimeOffset.MinValue);
        }

        // A missing station-month has no upload, so none is chosen: plan.csv names no missing station-month.
        var cutoff = all[Math.Min(count, all.Count) - 1];
        var chosen = expected.Where((_, i) => times[i].Length > 0 && times[i].Min() <= cutoff).ToList();
        return (chosen.Select(c => generator.PlanFor(c.Station, c.Period)), cutoff);
    }

    private sealed record UploadRecord(
        Period Period, string StationCode, string BlobName, int Attempt, UploadKind Kind, PlannedDefect Defect, DateTimeOffset ReceivedAt, bool OnTime, string Format, int Bytes);

    /// <summary>One upload as a file: its name in the station's folder, its bytes, and what it is.</summary>
    public sealed record WrittenFile(StationMonthPlan Plan, PlannedUpload Upload, string FileName, string Format, byte[] Content)
    {
        /// <summary>The blob name inside the <c>submissions</c> container: <c>{period}/{station}/{file}</c>.</summary>
        public string BlobName => $"{Plan.Period}/{Plan.Station.StationCode}/{FileName}";
    }

    /// <summary>
    /// The files of one station-month, deterministic in the seed: a format per station-month (stations tend
    /// to resubmit in the format they first used), file names as people write them, zips in UTF-8 or GB18030.
    /// </summary>
    /// <param name="formats">The shares of station-months in <c>.xlsx</c> and <c>.json</c> when <paramref name="xlsxWriter"/> is given (the rest <c>.zip</c>); <see cref="FormatShares.Default"/> unless given.</param>
    public static IReadOnlyList<WrittenFile> Render(StationMonthPlan plan, int seed, Action<Stream, Submission>? xlsxWriter = null, FormatShares? formats = null)
    {
        var shares = formats ?? FormatShares.Default;
        var random = SeededRandom.For(seed, 4, long.Parse(plan.Station.StationCode, CultureInfo.InvariantCulture), plan.Period.Key);
        var chineseName = random.NextDouble() < 0.3;
        var baseName = chineseName
            ? $"{plan.Station.Name}{plan.Period.Year}年{plan.Period.Month}月报表"
            : $"{plan.Station.StationCode}_{plan.Period}";
        var format = PickFormat(random, xlsxWriter is not null, shares);
        var files = new List<WrittenFile>();
        foreach (var upload in plan.Uploads)
        {
            if (upload.Kind == UploadKind.Duplicate)
            {
                var original = files[^1];
                files.Add(original with { Upload = upload, FileName = Path.GetFileNameWithoutExtension(original.FileName) + "(1)" + Path.GetExtension(original.FileName) });
                continue;
            }

            if (upload.Kind == UploadKind.Correction && random.NextDouble() < 0.2)
            {
                format = PickFormat(random, xlsxWriter is not null, shares);
            }

            var suffix = upload.Attempt == 1 ? string.Empty : chineseName ? $"（修改{upload.Attempt - 1}）" : $"_v{upload.Attempt}";
            using var content = new MemoryStream();
            switch (format)
            {
                case "xlsx":
                    xlsxWriter!(content, upload.Submission);
                    break;
                case "json":
                    SubmissionJsonWriter.Write(content, upload.Submission);
                    break;
                default:
                    var (encoding, headers) = random.NextDouble() switch
                    {
                        < 0.35 => (SubmissionCsvZipWriter.Gb18030, CsvHeaderStyle.Labels),
                        < 0.70 => (SubmissionCsvZipWriter.Utf8WithBom, random.Pick([CsvHeaderStyle.Keys, CsvHeaderStyle.Labels, CsvHeaderStyle.Template])),
                        _ => (Utf8NoBom, CsvHeaderStyle.Keys),
                    };
                    SubmissionCsvZipWriter.Write(content, upload.Submission, encoding, headers);
                    break;
            }

            files.Add(new WrittenFile(plan, upload, $"{baseName}{suffix}.{format}", format, content.ToArray()));
        }

        return files;
    }

    private static string PickFormat(Random random, bool xlsx, FormatShares shares) => (xlsx, random.NextDouble()) switch
    {
        (true, var roll) when roll < shares.Xlsx => "xlsx",
        (true, var roll) when roll < shares.Xlsx + shares.Json => "json",
        (false, < 0.5) => "json",
        _ => "zip",
    };

    private static string PlanCsv(List<UploadRecord> files, IEnumerable<StationMonthPlan> missing)
    {
        var csv = new StringBuilder();
        CsvText.AppendRecord(csv, "period", "station_code", "blob_name", "attempt", "kind", "defect", "received_at", "on_time", "format");
        var rows = files
            .Select(f => (f.Period, f.StationCode, Fields: new[]
            {
                f.Period.ToString(), f.StationCode, f.BlobName, f.Attempt.ToString(CultureInfo.InvariantCulture),
                Snake(f.Kind.ToString()), Snake(f.Defect.ToString()), Iso(f.ReceivedAt), f.OnTime ? "true" : "false", f.Format,
            }))
            .Concat(missing.Select(m => (m.Period, m.Station.StationCode, Fields: new[]
            {
                m.Period.ToString(), m.Station.StationCode, string.Empty, "0", "missing", "none", string.Empty, string.Empty, string.Empty,
            })))
            .OrderBy(r => r.Period).ThenBy(r => r.StationCode, StringComparer.Ordinal).ThenBy(r => r.Fields[3], StringComparer.Ordinal);
        foreach (var row in rows)
        {
            CsvText.AppendRecord(csv, row.Fields);
        }

        return csv.ToString();
    }

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Snake(string pascal)
    {
        var builder = new StringBuilder();
        foreach (var c in pascal)
        {
            if (char.IsUpper(c) && builder.Length > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }
}
