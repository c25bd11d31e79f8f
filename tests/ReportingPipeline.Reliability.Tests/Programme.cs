using System.Text;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Reference;
using ReportingPipeline.Synthetic;

namespace ReportingPipeline.Reliability.Tests;

/// <summary>
/// The world the reliability tests run in: the committed sample reference (Guangzhou and Yunfu, 240 stations) or one
/// district of it, and clean JSON submissions drawn from the synthetic generator, as stations' systems would send them.
/// </summary>
public sealed class Programme
{
    private static readonly Lazy<Programme> SampleLazy = new(() => new Programme(SyntheticReference.Generate(Scale.Sample, SyntheticReference.SampleSeed)));
    private static readonly Lazy<Programme> DistrictLazy = new(() => SampleLazy.Value.OneDistrict());

    private readonly SyntheticSubmissions _synthetic;

    private Programme(SyntheticReferenceFiles files)
    {
        Files = files;
        Reference = files.Load();
        _synthetic = new SyntheticSubmissions(Reference, seed: 7, SubmissionMix.AllClean);
    }

    /// <summary>All 240 stations of the sample: for load.</summary>
    public static Programme Sample => SampleLazy.Value;

    /// <summary>One district of the sample (a handful of stations): small enough for many short trials.</summary>
    public static Programme District => DistrictLazy.Value;

    public SyntheticReferenceFiles Files { get; }

    public ReferenceData Reference { get; }

    /// <summary>Stations open in every month of 2026 up to October, in code order.</summary>
    public IReadOnlyList<Station> Stations => [.. Reference.Stations.Where(s => s.IsOpenIn(new Period(2026, 1)) && s.IsOpenIn(new Period(2026, 10))).OrderBy(s => s.StationCode, StringComparer.Ordinal)];

    /// <summary>
    /// A clean month as JSON. <paramref name="variant"/> changes the volunteer count (a corrected re-upload: new
    /// content, same station and month); the same variant always gives the same bytes.
    /// </summary>
    public byte[] Json(string stationCode, Period period, int variant = 0)
    {
        var station = Reference.FindStation(stationCode) ?? throw new ArgumentException($"No station {stationCode}.", nameof(stationCode));
        var submission = _synthetic.CleanSubmission(station, period);
        if (variant != 0)
        {
            submission = submission with { Station = submission.Station with { Volunteers = submission.Station.Volunteers + variant } };
        }

        using var output = new MemoryStream();
        SubmissionJsonWriter.Write(output, submission);
        return output.ToArray();
    }

    /// <summary>A JSON month that the validator rejects: certified workers above social workers.</summary>
    public byte[] RejectedJson(string stationCode, Period period)
    {
        var station = Reference.FindStation(stationCode)!;
        var submission = _synthetic.CleanSubmission(station, period);
        submission = submission with { Station = submission.Station with { CertifiedWorkers = (submission.Station.SocialWorkers ?? 0) + 5 } };
        using var output = new MemoryStream();
        SubmissionJsonWriter.Write(output, submission);
        return output.ToArray();
    }

    public static string BlobName(string stationCode, Period period, string fileName) => $"{period}/{stationCode}/{fileName}";

    private Programme OneDistrict()
    {
        // The district of the first station that is open all year, with its towns, villages and stations.
        var district = Reference.FindRegion(Stations[0].StationCode)!.ParentCode!;
        var city = Reference.FindRegion(district)!.ParentCode!;
        var regions = new StringBuilder();
        var lines = Files.RegionsCsv.Split('\n');
        regions.Append(lines[0].TrimEnd('\r')).Append('\n');
        foreach (var line in lines.Skip(1).Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0))
        {
            var code = line[..line.IndexOf(',', StringComparison.Ordinal)];
            if (code == city[..2] || code == city || code.StartsWith(district, StringComparison.Ordinal))
            {
                regions.Append(line).Append('\n');
            }
        }

        var stations = new StringBuilder();
        var stationLines = Files.StationsCsv.Split('\n');
        stations.Append(stationLines[0].TrimEnd('\r')).Append('\n');
        foreach (var line in stationLines.Skip(1).Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith(district, StringComparison.Ordinal)))
        {
            // Every station opened in November 2025 and still open: the marts then cover months from 2025-11 only,
            // which keeps each mart build (and there are many) small.
            var fields = line.Split(',');
            fields[3] = "2025-11-01";
            fields[4] = string.Empty;
            stations.Append(string.Join(',', fields)).Append('\n');
        }

        return new Programme(new SyntheticReferenceFiles(regions.ToString(), stations.ToString()));
    }
}
