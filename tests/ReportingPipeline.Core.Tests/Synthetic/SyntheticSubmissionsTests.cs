using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Reference;
using ReportingPipeline.Synthetic;

namespace ReportingPipeline.Core.Tests.Synthetic;

public sealed class SyntheticSubmissionsTests
{
    private static readonly ReferenceData Guangzhou = SyntheticReference.Generate(Scale.Guangzhou, 11).Load();

    private static readonly Period First = new(2022, 1);

    private static readonly Period Last = new(2022, 12);

    [Fact]
    public void PlanFor_SameSeed_SameUploads_OtherSeed_OtherFigures()
    {
        var station = Guangzhou.Stations[5];
        var one = new SyntheticSubmissions(Guangzhou, 5).PlanFor(station, new Period(2022, 6));
        var two = new SyntheticSubmissions(Guangzhou, 5).PlanFor(station, new Period(2022, 6));
        var other = new SyntheticSubmissions(Guangzhou, 6).CleanSubmission(station, new Period(2022, 6));

        Assert.Equal(Json(one.Uploads.Select(u => u.Submission)), Json(two.Uploads.Select(u => u.Submission)));
        Assert.Equal(one.Uploads.Select(u => (u.Kind, u.Defect, u.ReceivedAt)), two.Uploads.Select(u => (u.Kind, u.Defect, u.ReceivedAt)));
        Assert.NotEqual(Json([new SyntheticSubmissions(Guangzhou, 5).CleanSubmission(station, new Period(2022, 6))]), Json([other]));
    }

    [Fact]
    public void Plan_CoversExactlyTheStationsOpenEachMonth()
    {
        var plans = new SyntheticSubmissions(Guangzhou, 1).Plan(First, Last).ToList();

        foreach (var period in Period.Range(First, Last))
        {
            Assert.Equal(
                Guangzhou.StationsOpenIn(period).Select(s => s.StationCode),
                plans.Where(p => p.Period == period).Select(p => p.Station.StationCode));
        }
    }

    [Fact]
    public void CleanSubmission_KeepsEveryRuleOfTheContract()
    {
        var generator = new SyntheticSubmissions(Guangzhou, 2);
        foreach (var station in Guangzhou.StationsOpenIn(new Period(2022, 6)).Take(60))
        {
            foreach (var period in new[] { new Period(2022, 6), new Period(2024, 6) })
            {
                var submission = generator.CleanSubmission(station, period);
                var sheet = submission.Station;
                Assert.Equal(station.StationCode, sheet.StationCode);
                Assert.Equal(period, sheet.Period);
                Assert.InRange(sheet.CertifiedWorkers!.Value, 0, sheet.SocialWorkers!.Value);
                var minimumShare = station.YearOfOperation(period) >= 3 ? 2.0 / 3 : 0.5;
                Assert.True(sheet.CertifiedWorkers.Value >= sheet.SocialWorkers.Value * minimumShare, $"{station.StationCode} {period}: certified share");
                Assert.Equal(Guangzhou.VillagesOf(station.StationCode).Select(v => v.Code), submission.Visits.Select(v => v.VillageCode));
                Assert.All(submission.Services, s => Assert.NotNull(SubmissionContract.TargetGroups.Find(s.TargetGroup)));
                Assert.Equal(submission.Services.Count, submission.Services.Select(s => (s.VillageCode, s.TargetGroup)).Distinct().Count());
                Assert.All(submission.Hotline, h =>
                {
                    Assert.True(h.Resolved <= h.PeopleServed);
                    Assert.Equal(h.PeopleServed, h.Psychological + h.Emotional + h.BasicNeeds + h.OtherSupport);
                });
                Assert.All(submission.Funds, f =>
                {
                    Assert.True(f.Spent <= f.Received);
                    Assert.Equal(f.Received, Math.Round(f.Received!.Value, 2));
                });
            }
        }
    }

    [Fact]
    public void CleanSubmission_Guangzhou_HasTheSeedsMagnitudes()
    {
        var generator = new SyntheticSubmissions(Guangzhou, 3);
        var june = new Period(2022, 6);
        var submissions = Guangzhou.StationsOpenIn(june).Select(s => generator.CleanSubmission(s, june)).ToList();

        // 7,000+ social workers over 176 stations; 12 million people-times in H1 2022 (~11,000 per station-month);
        // 236 hotlines; 120,000 yuan per social worker per year.
        Assert.InRange(submissions.Sum(s => s.Station.SocialWorkers!.Value), 6_000, 8_000);
        Assert.InRange(submissions.Average(s => s.Services.Sum(x => x.PeopleServed!.Value)), 8_000, 15_000);
        Assert.InRange(submissions.Sum(s => s.Hotline.Count), 215, 260);
        var workers = submissions.Sum(s => s.Station.SocialWorkers!.Value);
        var received = submissions.Sum(s => s.Funds.Sum(f => f.Received!.Value));
        Assert.InRange(received / workers, 9_000m, 11_500m);
    }

    [Fact]
    public void CleanSubmission_BeforeApril2022_HasNoHotline()
    {
        var generator = new SyntheticSubmissions(Guangzhou, 3);

        Assert.All(Guangzhou.StationsOpenIn(new Period(2022, 3)), s => Assert.Empty(generator.CleanSubmission(s, new Period(2022, 3)).Hotline));
    }

    [Fact]
    public void Plan_RealisticMix_HasTheTargetShares()
    {
        var plans = new SyntheticSubmissions(Guangzhou, 4).Plan(First, Last).ToList();
        var reported = plans.Where(p => !p.IsMissing).ToList();

        Assert.InRange(Share(plans, p => p.IsMissing), 0.015, 0.05);
        Assert.InRange(Share(reported, p => !p.Uploads[0].OnTime), 0.05, 0.11);
        Assert.InRange(Share(reported, p => p.Uploads[0].Kind == UploadKind.WithWarnings), 0.12, 0.18);
        Assert.InRange(Share(reported, p => p.Uploads[0].Kind == UploadKind.Rejected), 0.015, 0.045);
        Assert.InRange(Share(reported, p => p.Uploads.Any(u => u.Kind == UploadKind.Correction)), 0.025, 0.06);
    }

    [Fact]
    public void Plan_EveryPlantedDefect_IsInTheFile()
    {
        var plans = new SyntheticSubmissions(Guangzhou, 5).Plan(First, Last).ToList();
        var uploads = plans.SelectMany(p => p.Uploads.Select(u => (Plan: p, Upload: u))).ToList();

        // A duplicate is the first upload's bytes again, so it carries that upload's defect.
        Assert.All(uploads.Where(x => x.Upload.Kind != UploadKind.Duplicate), x =>
            Assert.Equal(x.Upload.Kind is UploadKind.Clean or UploadKind.Correction, x.Upload.Defect == PlannedDefect.None));
        foreach (var (plan, upload) in uploads)
        {
            var s = upload.Submission;
            var villages = Guangzhou.VillagesOf(plan.Station.StationCode).Select(v => v.Code).ToHashSet();
            var holds = upload.Defect switch
            {
                PlannedDefect.None => true,
                PlannedDefect.VillageMissingFromVisits => s.Visits.Count < villages.Count,
                PlannedDefect.SpentOverReceived => s.Funds.Any(f => f.Spent > f.Received),
                PlannedDefect.SupportKindsMismatch => s.Hotline.Any(h => h.Psychological + h.Emotional + h.BasicNeeds + h.OtherSupport != h.PeopleServed),
                PlannedDefect.CertifiedShareLow => s.Station.CertifiedWorkers < s.Station.SocialWorkers * 0.5,
                PlannedDefect.CertifiedOverWorkers => s.Station.CertifiedWorkers > s.Station.SocialWorkers,
                PlannedDefect.VillageOfAnotherTown => s.Visits.Any(v => !villages.Contains(v.VillageCode)),
                PlannedDefect.ResolvedOverServed => s.Hotline.Any(h => h.Resolved > h.PeopleServed),
                _ => false,
            };
            Assert.True(holds, $"{plan.Station.StationCode} {plan.Period}: {upload.Defect}");
        }

        Assert.Equal(7, uploads.Select(x => x.Upload.Defect).Where(d => d != PlannedDefect.None).Distinct().Count());
    }

    [Fact]
    public void Plan_UploadsAreInTimeOrderAndOnTimeMeansByTheDeadline()
    {
        var plans = new SyntheticSubmissions(Guangzhou, 6).Plan(First, Last).ToList();

        Assert.All(plans, plan =>
        {
            Assert.Equal(plan.Uploads.OrderBy(u => u.ReceivedAt), plan.Uploads);
            Assert.All(plan.Uploads, u =>
            {
                Assert.Equal(TimeSpan.Zero, u.ReceivedAt.Offset);
                Assert.True(u.ReceivedAt > new DateTimeOffset(plan.Period.Next.FirstDay, TimeOnly.MinValue, TimeSpan.FromHours(8)));
                Assert.Equal(DeadlinePolicy.Default.IsOnTime(plan.Period, u.ReceivedAt), u.OnTime);
            });
        });
    }

    [Fact]
    public void Plan_AllClean_IsOneCleanOnTimeUploadPerStationMonth()
    {
        var plans = new SyntheticSubmissions(Guangzhou, 7, SubmissionMix.AllClean).Plan(First, First.Add(2)).ToList();

        Assert.All(plans, p => Assert.Equal((UploadKind.Clean, true), (Assert.Single(p.Uploads).Kind, p.Uploads[0].OnTime)));
    }

    private static double Share(List<StationMonthPlan> items, Func<StationMonthPlan, bool> predicate) => items.Count(predicate) / (double)items.Count;

    private static string Json(IEnumerable<Submission> submissions) =>
        string.Join('\n', submissions.Select(s =>
        {
            using var stream = new MemoryStream();
            SubmissionJsonWriter.Write(stream, s);
            return System.Text.Encoding.UTF8.GetString(stream.ToArray());
        }));
}
