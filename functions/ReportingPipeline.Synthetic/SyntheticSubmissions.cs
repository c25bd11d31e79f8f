using System.Globalization;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Reference;

namespace ReportingPipeline.Synthetic;

/// <summary>
/// Deterministic station submissions for a reference: typed <see cref="Submission"/>s with magnitudes drawn
/// from the seeds (Guangzhou: ~40 social workers and ~11,000 people-times served per station-month, hotlines
/// from April 2022, 120,000 yuan per social worker per year), and a plan of what goes wrong.
/// </summary>
/// <remarks>
/// Every station-month draws from its own seed (run seed, station, month), so a month or a station can be
/// regenerated alone, in any order or in parallel, with the same result; and the values of a clean
/// submission do not change when <see cref="SubmissionMix"/> does.
/// </remarks>
public sealed class SyntheticSubmissions(ReferenceData reference, int seed, SubmissionMix? mix = null)
{
    /// <summary>Guangzhou's "红棉守护" hotlines started in April 2022; the generator starts every hotline then.</summary>
    public static readonly Period HotlinesFrom = new(2022, 4);

    private const string GuangzhouCityCode = "4401";

    private static readonly (string Key, double Weight)[] TargetGroups =
        SubmissionContract.TargetGroups.Values.Select(v => (v.Key, v.Key switch
        {
            "elderly" => 1.6,
            "children" => 1.2,
            "hardship" => 1.0,
            "women" => 0.7,
            "disabled" => 0.6,
            _ => 0.5,
        })).ToArray();

    /// <summary>Shares of a month's funding by source; social (charity) money is small and irregular.</summary>
    private static readonly (string Key, double Share)[] FundShares =
        SubmissionContract.FundSources.Values.Select(v => (v.Key, v.Key switch
        {
            "province" => 0.30,
            "city" => 0.30,
            "district" => 0.25,
            "town" => 0.10,
            _ => 0.05,
        })).ToArray();

    private readonly SubmissionMix _mix = mix ?? SubmissionMix.Realistic;

    public ReferenceData Reference => reference;

    /// <summary>
    /// Every expected station-month from <paramref name="first"/> to <paramref name="last"/>, month by month, lazily; only
    /// those of <paramref name="stations"/> when given (each the same plan as among every station's: a plan depends only on
    /// seed, station and month).
    /// </summary>
    public IEnumerable<StationMonthPlan> Plan(Period first, Period last, IReadOnlySet<string>? stations = null)
    {
        foreach (var period in Period.Range(first, last))
        {
            foreach (var station in reference.StationsOpenIn(period))
            {
                if (stations is null || stations.Contains(station.StationCode))
                {
                    yield return PlanFor(station, period);
                }
            }
        }
    }

    /// <summary>What <paramref name="station"/> uploads for <paramref name="period"/>, and when.</summary>
    public StationMonthPlan PlanFor(Station station, Period period)
    {
        var outcome = SeededRandom.For(seed, 2, Number(station.StationCode), period.Key);
        if (outcome.NextDouble() < _mix.Missing)
        {
            return new StationMonthPlan(station, period, []);
        }

        var clean = CleanSubmission(station, period);
        var uploads = new List<PlannedUpload>();
        var late = outcome.NextDouble() < _mix.Late;
        var firstAt = late ? LateTime(outcome, period) : OnTimeTime(outcome, period);
        var kindRoll = outcome.NextDouble();
        PlannedUpload first;
        if (kindRoll < _mix.Rejected)
        {
            var defect = outcome.Pick([PlannedDefect.CertifiedOverWorkers, PlannedDefect.VillageOfAnotherTown, PlannedDefect.ResolvedOverServed]);
            first = Upload(1, UploadKind.Rejected, clean, defect, outcome, firstAt, period);
        }
        else if (kindRoll < _mix.Rejected + _mix.WithWarnings)
        {
            var defect = outcome.Pick([PlannedDefect.VillageMissingFromVisits, PlannedDefect.SpentOverReceived, PlannedDefect.SupportKindsMismatch, PlannedDefect.CertifiedShareLow]);
            first = Upload(1, UploadKind.WithWarnings, clean, defect, outcome, firstAt, period);
        }
        else
        {
            first = Upload(1, UploadKind.Clean, clean, PlannedDefect.None, outcome, firstAt, period);
        }

        uploads.Add(first);
        // Only an accepted file makes a duplicate: the same bytes as the current accepted version.
        if (outcome.NextDouble() < _mix.Duplicated && first.Kind != UploadKind.Rejected)
        {
            var at = Stamp(first.ReceivedAt.AddMinutes(outcome.Next(5, 2 * 24 * 60)));
            uploads.Add(first with { Attempt = 2, Kind = UploadKind.Duplicate, ReceivedAt = at, OnTime = DeadlinePolicy.Default.IsOnTime(period, at) });
        }

        var fixRoll = outcome.NextDouble();
        if (first.Kind == UploadKind.Rejected ? fixRoll < _mix.RejectedFixed : fixRoll < _mix.Corrected)
        {
            var days = first.Kind == UploadKind.Rejected ? outcome.Between(0.1, 5) : outcome.Between(2, 20);
            var corrected = first.Kind == UploadKind.Rejected ? clean : Corrected(clean, outcome);
            var at = Stamp(uploads[^1].ReceivedAt.AddDays(days));
            uploads.Add(new PlannedUpload(uploads.Count + 1, UploadKind.Correction, PlannedDefect.None, at, DeadlinePolicy.Default.IsOnTime(period, at), corrected));
        }

        return new StationMonthPlan(station, period, uploads);
    }

    /// <summary>The month as a station that gets everything right would report it.</summary>
    public Submission CleanSubmission(Station station, Period period)
    {
        var profile = ProfileOf(station);
        var random = SeededRandom.For(seed, 1, Number(station.StationCode), period.Key);
        var monthsOpen = Math.Max(0, period.MonthsSince(Period.Of(station.OpenedOn)));
        // New stations build up over their first half year; Spring Festival (Jan/Feb) is quiet.
        var activity = Math.Min(1.0, 0.6 + (0.07 * monthsOpen)) * period.Month switch { 1 => 0.9, 2 => 0.75, 12 => 1.05, _ => 1.0 };

        var workers = Math.Max(2, profile.Workers + random.Next(-2, 3));
        var minimumShare = station.YearOfOperation(period) >= 3 ? 2.0 / 3 : 0.5;
        var share = Math.Min(0.95, minimumShare + profile.CertifiedMargin + random.Between(0, 0.05));
        var certified = Math.Min(workers, Math.Max((long)Math.Ceiling(workers * minimumShare), (long)Math.Round(workers * share)));
        var volunteers = (long)Math.Round(workers * random.Between(2, 5));
        var sheet = new StationSheet(
            station.StationCode,
            period,
            profile.PreparedBy,
            workers,
            certified,
            volunteers,
            Math.Round((decimal)(volunteers * random.Between(3, 9)), 1));

        var villages = profile.Villages;
        var visits = new List<VisitRecord>(villages.Count);
        var services = new List<ServiceRecord>();
        var peoplePerRow = workers * profile.PeoplePerWorker * activity / Math.Max(1, villages.Sum(v => v.Groups.Length));
        foreach (var village in villages)
        {
            var resident = Math.Max(1, (long)Math.Round(workers * 22.0 / villages.Count * village.Size * activity * random.Between(0.8, 1.2)));
            visits.Add(new VisitRecord(
                village.Code,
                resident,
                (long)Math.Round(resident * random.Between(0.25, 0.45)),
                random.Next(0, 4),
                random.NextDouble() < 0.7 ? 0 : random.Next(1, 3)));
            foreach (var group in village.Groups)
            {
                var people = (long)Math.Round(peoplePerRow * village.Size * TargetGroups[group].Weight * random.Between(0.7, 1.3));
                services.Add(new ServiceRecord(
                    village.Code,
                    TargetGroups[group].Key,
                    random.Next(0, 5),
                    random.Next(0, 3),
                    (long)Math.Round(people / random.Between(25, 60)),
                    people));
            }
        }

        var hotline = new List<HotlineRecord>();
        if (period >= HotlinesFrom)
        {
            for (var line = 1; line <= profile.HotlineLines; line++)
            {
                // Guangzhou since April 2022: 20,000 shifts, 150,000 people-times, 30,000 problems resolved over 236 lines.
                var people = (long)Math.Round(random.Between(50, 160) * activity);
                var psychological = (long)Math.Round(people * random.Between(0.15, 0.3));
                var emotional = (long)Math.Round(people * random.Between(0.25, 0.4));
                var basicNeeds = (long)Math.Round(people * random.Between(0.1, 0.25));
                hotline.Add(new HotlineRecord(
                    $"{station.StationCode}-{line:D2}",
                    random.Next(8, 22),
                    (long)Math.Round(people * random.Between(1.0, 1.3)),
                    people,
                    (long)Math.Round(people * random.Between(0.15, 0.3)),
                    psychological,
                    emotional,
                    basicNeeds,
                    people - psychological - emotional - basicNeeds));
            }
        }

        var funds = new List<FundRecord>();
        var monthlyFunding = workers * profile.YuanPerWorkerYear / 12.0;
        foreach (var (key, fundShare) in FundShares)
        {
            if (key == "social" && random.NextDouble() < 0.3)
            {
                continue;
            }

            // Government money arrives in round hundreds; charity money and goods do not.
            var received = key == "social"
                ? Math.Round((decimal)(monthlyFunding * fundShare * random.Between(0.3, 1.7)), 2)
                : Math.Round((decimal)(monthlyFunding * fundShare * random.Between(0.9, 1.1) / 100)) * 100;
            var spent = Math.Round(received * (decimal)random.Between(0.75, 1.0), 2);
            var inKind = key is "social" or "town" ? Math.Round((decimal)random.Between(0, 5000), 2) : 0m;
            funds.Add(new FundRecord(key, received, spent, inKind));
        }

        return new Submission(sheet, visits, services, hotline, funds);
    }

    private PlannedUpload Upload(int attempt, UploadKind kind, Submission clean, PlannedDefect defect, Random random, DateTimeOffset at, Period period)
    {
        var (submission, planted) = Plant(clean, defect, random);
        // A defect that the month cannot carry (no hotline, a single village) falls back to one it can,
        // so a planned warning is always a warning and a planned rejection always a rejection.
        if (planted == PlannedDefect.None && defect != PlannedDefect.None)
        {
            var fallback = kind == UploadKind.Rejected ? PlannedDefect.CertifiedOverWorkers : PlannedDefect.CertifiedShareLow;
            (submission, planted) = Plant(clean, fallback, random);
        }

        return new PlannedUpload(attempt, kind, planted, at, DeadlinePolicy.Default.IsOnTime(period, at), submission);
    }

    private (Submission Submission, PlannedDefect Planted) Plant(Submission clean, PlannedDefect defect, Random random)
    {
        var sheet = clean.Station;
        switch (defect)
        {
            case PlannedDefect.VillageMissingFromVisits when clean.Visits.Count >= 2:
            {
                var drop = Math.Min(clean.Visits.Count - 1, random.Next(1, 3));
                var dropped = Enumerable.Range(0, clean.Visits.Count).OrderBy(_ => random.Next()).Take(drop).ToHashSet();
                var keep = clean.Visits.Where((_, i) => !dropped.Contains(i)).ToList();
                return (clean with { Visits = keep }, defect);
            }

            case PlannedDefect.SpentOverReceived when clean.Funds.Count > 0:
            {
                var funds = clean.Funds.ToList();
                var fund = funds[0];
                funds[0] = fund with { Spent = Math.Round((fund.Received ?? 0) * 1.15m, 2) + 100 };
                return (clean with { Funds = funds }, defect);
            }

            case PlannedDefect.SupportKindsMismatch when clean.Hotline.Count > 0:
            {
                var lines = clean.Hotline.ToList();
                lines[0] = lines[0] with { OtherSupport = lines[0].OtherSupport + random.Next(3, 20) };
                return (clean with { Hotline = lines }, defect);
            }

            case PlannedDefect.CertifiedShareLow when sheet.SocialWorkers >= 4:
                return (clean with { Station = sheet with { CertifiedWorkers = (long)Math.Floor(sheet.SocialWorkers.Value * 0.35) } }, defect);

            case PlannedDefect.CertifiedOverWorkers:
                return (clean with { Station = sheet with { CertifiedWorkers = sheet.SocialWorkers + random.Next(1, 6) } }, defect);

            case PlannedDefect.VillageOfAnotherTown when clean.Visits.Count > 0:
            {
                var visits = clean.Visits.ToList();
                visits[0] = visits[0] with { VillageCode = VillageOfAnotherTown(sheet.StationCode) };
                return (clean with { Visits = visits }, defect);
            }

            case PlannedDefect.ResolvedOverServed when clean.Hotline.Count > 0:
            {
                var lines = clean.Hotline.ToList();
                lines[0] = lines[0] with { Resolved = lines[0].PeopleServed + random.Next(1, 30) };
                return (clean with { Hotline = lines }, defect);
            }

            default:
                return (clean, PlannedDefect.None);
        }
    }

    /// <summary>A station's later version: a few visit counts revised and a note of who revised it.</summary>
    private static Submission Corrected(Submission clean, Random random)
    {
        var visits = clean.Visits.Select(v => random.NextDouble() < 0.3 ? v with { ResidentVisits = v.ResidentVisits + random.Next(1, 20) } : v).ToList();
        if (visits.Count > 0)
        {
            visits[0] = visits[0] with { ResidentVisits = visits[0].ResidentVisits + 1 };
        }

        return clean with { Visits = visits };
    }

    /// <summary>A village of a neighbouring town in the same district (a copy-paste from another station's file).</summary>
    private string VillageOfAnotherTown(string townCode)
    {
        var town = reference.FindRegion(townCode);
        var neighbours = town?.ParentCode is { } district ? reference.ChildrenOf(district) : [];
        foreach (var neighbour in neighbours)
        {
            if (neighbour.Code != townCode && reference.VillagesOf(neighbour.Code) is [var village, ..])
            {
                return village.Code;
            }
        }

        return townCode + "999";
    }

    /// <summary>Uploads cluster towards the deadline: day 1 to day 10 of the following month, office hours, Shanghai time.</summary>
    private static DateTimeOffset OnTimeTime(Random random, Period period)
    {
        var deadline = DeadlinePolicy.Default.DeadlineOf(period);
        var start = new DateTimeOffset(period.Next.FirstDay, new TimeOnly(8, 30), deadline.Offset);
        var day = (int)Math.Floor((deadline.Date - start.Date).TotalDays * Math.Sqrt(random.NextDouble()));
        var at = start.AddDays(day).AddMinutes(random.Next(0, 13 * 60)).AddSeconds(random.Next(60));
        return Stamp(at > deadline ? deadline.AddMinutes(-random.Next(1, 120)) : at);
    }

    private static DateTimeOffset LateTime(Random random, Period period) =>
        Stamp(DeadlinePolicy.Default.DeadlineOf(period).AddHours(random.Between(1, 20 * 24)));

    /// <summary>Whole seconds in UTC: what a blob's creation time looks like in <c>_uploads.csv</c>.</summary>
    private static DateTimeOffset Stamp(DateTimeOffset at) =>
        new DateTimeOffset(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    private sealed record VillageProfile(string Code, double Size, int[] Groups);

    private sealed record StationProfile(int Workers, double CertifiedMargin, string PreparedBy, int HotlineLines, double PeoplePerWorker, double YuanPerWorkerYear, IReadOnlyList<VillageProfile> Villages);

    private StationProfile ProfileOf(Station station)
    {
        var random = SeededRandom.For(seed, 3, Number(station.StationCode));
        var guangzhou = station.StationCode.StartsWith(GuangzhouCityCode, StringComparison.Ordinal);
        var villages = reference.VillagesOf(station.StationCode)
            .Select(v => new VillageProfile(
                v.Code,
                random.Between(0.5, 1.6),
                // Every village serves the elderly; most serve children; the other groups vary.
                [.. Enumerable.Range(0, TargetGroups.Length).Where(g => g == 0 || random.NextDouble() < (g == 1 ? 0.85 : 0.55))]))
            .ToList();
        return new StationProfile(
            // Guangzhou: 7,000+ social workers over 176 stations; elsewhere far fewer (Yunfu: 96 across its stations).
            Workers: guangzhou ? random.Next(20, 61) : random.Next(6, 31),
            CertifiedMargin: random.Between(0, 0.2),
            PreparedBy: ChineseNames.Person(random),
            // 236 hotlines over 176 Guangzhou stations; a quarter of stations elsewhere run one.
            HotlineLines: guangzhou ? (random.NextDouble() < 0.34 ? 2 : 1) : (random.NextDouble() < 0.25 ? 1 : 0),
            // Guangzhou served 12 million people-times in H1 2022 over 176 stations: ~11,000 a station-month.
            PeoplePerWorker: guangzhou ? 280 : 200,
            // Guangzhou buys services at 120,000 yuan per social worker per year.
            YuanPerWorkerYear: guangzhou ? 120_000 : 80_000,
            villages);
    }

    private static long Number(string code) => long.TryParse(code, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : SeededRandom.Of(code);
}
