using System.Text.Json;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Reading;
using ReportingPipeline.Core.Reference;
using ReportingPipeline.Core.Validation;
using ReportingPipeline.Testing;

namespace ReportingPipeline.Core.Tests.Validation;

public sealed class SubmissionValidatorTests
{
    private static readonly ReferenceData Reference = TestReference.Create();
    private static readonly DateTimeOffset Now = new(2026, 10, 5, 10, 0, 0, TimeSpan.FromHours(8));

    /// <summary>A rule's case: an edit of the valid month and, if needed, of the context.</summary>
    private sealed record Scenario(string RuleId, Func<RawSubmissionBuilder, RawSubmissionBuilder> Edit, Func<ValidationContext, ValidationContext>? Context = null);

    /// <summary>Rules that only readers raise (they arrive in <see cref="RawSubmission.Issues"/> and are passed through).</summary>
    private static readonly HashSet<string> ReaderRules =
    [
        .. RuleCatalogue.All.Where(r => r.Category == "file").Select(r => r.Id),
        RuleCatalogue.UnknownSection.Id,
        RuleCatalogue.TooManyRows.Id,
        RuleCatalogue.DuplicateSection.Id,
    ];

    private static readonly IReadOnlyList<MonthCountTotals> ThreeMonthsOfHistory =
        [.. new[] { "2026-06", "2026-07", "2026-08" }.Select(p => MonthCountTotals.Of(ValidMonth(p)))];

    private static readonly Dictionary<string, Scenario> Firing = new()
    {
        ["station missing"] = new("header.station_missing", b => b.Station("station_code", "\u3000")),
        ["station 8 digits"] = new("header.station_malformed", b => b.Station("station_code", "44010300")),
        ["station differs from path"] = new("header.station_mismatch", b => b, c => c with { PathStation = TestReference.OtherStationCode }),
        ["station not registered"] = new("header.unknown_station", b => b.Station("station_code", "440103009"), c => c with { PathStation = "440103009" }),
        ["month before opening"] = new("header.station_not_open", b => b.Station("period", "2021-02"), c => c with { PathPeriod = new Period(2021, 2) }),
        ["period blank"] = new("header.period_missing", b => b.Station("period", "")),
        ["period month 13"] = new("header.period_malformed", b => b.Station("period", "2026-13")),
        ["period differs from path"] = new("header.period_mismatch", b => b, c => c with { PathPeriod = new Period(2026, 8) }),
        ["period not started in Beijing"] = new("header.period_future", b => b, c => c with { Now = new DateTimeOffset(2026, 8, 31, 23, 59, 59, TimeSpan.FromHours(8)) }),
        ["period before programme"] = new("header.period_too_early", b => b.Station("period", "2020-10"), c => c with { PathPeriod = new Period(2020, 10) }),
        ["hotline sheet absent"] = new("structure.missing_section", b => b.Without("hotline")),
        ["village column absent"] = new("structure.missing_column", b => b.RemoveColumn("visits", "village_code")),
        ["case files column absent"] = new("structure.missing_optional_column", b => b.RemoveColumn("visits", "case_files")),
        ["visits column twice"] = new("structure.duplicate_column", b => b.AddColumn("visits", "resident_visits", "1")),
        ["remarks column"] = new("structure.unknown_column", b => b.AddColumn("visits", "备注", "x")),
        ["retyped label over the key"] = new("structure.header_label", b => b.Header("visits", "resident_visits", "入户走访人次 (resident_visits)")),
        ["another column's label over the key"] = new("structure.header_contradiction", b => b.Header("visits", "resident_visits", "探访民政对象人次 (resident_visits)")),
        ["another column's key over the key"] = new("structure.header_contradiction", b => b.Header("visits", "resident_visits", "client_visits (resident_visits)")),
        ["older station label over the key"] = new("structure.header_label", b => b.Station("prepared_by", "陈").KeyValue(SubmissionContract.Station, ("station_code", TestReference.StationCode), ("period", "2026-09"), ("填表人 (prepared_by)", "陈"), ("social_workers", "6"), ("certified_workers", "4"))),
        ["unknown station field"] = new("structure.unknown_column", b => b.Station("prepared_by", "陈").KeyValue(SubmissionContract.Station, ("station_code", TestReference.StationCode), ("period", "2026-09"), ("prepared_by", "陈"), ("social_workers", "6"), ("certified_workers", "4"), ("电话", "123"))),
        ["count 12.5"] = new("cell.not_count", b => b.Cell("visits", 0, "resident_visits", "12.5")),
        ["count negative"] = new("cell.not_count", b => b.Cell("services", 1, "people_served", "-3")),
        ["hours two decimals"] = new("cell.bad_hours", b => b.Station("volunteer_hours", "12.25")),
        ["money three decimals"] = new("cell.bad_money", b => b.Cell("funds", 0, "received", "100.005")),
        ["target group unknown"] = new("cell.unknown_enum", b => b.Cell("services", 0, "target_group", "老人")),
        ["preparer blank"] = new("cell.blank_required", b => b.Station("prepared_by", "  ")),
        ["village blank"] = new("cell.blank_required", b => b.Cell("visits", 1, "village_code", "")),
        ["preparer too long"] = new("cell.too_long", b => b.Station("prepared_by", new string('名', CellParser.MaxTextLength + 1))),
        ["village of another town"] = new("cell.village_not_in_town", b => b.Cell("visits", 0, "village_code", TestReference.OtherTownVillage)),
        ["visit row twice"] = new("cell.duplicate_key", b => b.CopyRow("visits", 0)),
        ["station field twice"] = new("cell.duplicate_key", b => b.KeyValue(SubmissionContract.Station, ("station_code", TestReference.StationCode), ("period", "2026-09"), ("prepared_by", "陈"), ("social_workers", "6"), ("certified_workers", "4"), ("social_workers", "7"))),
        ["certified 7 of 6"] = new("cross_field.certified_exceeds_workers", b => b.Station("certified_workers", "7")),
        ["resolved 41 of 40"] = new("cross_field.resolved_exceeds_served", b => b.Cell("hotline", 0, "resolved", "41")),
        ["support kinds 41 of 40"] = new("cross_field.support_sum_mismatch", b => b.Cell("hotline", 0, "other_support", "4")),
        ["spent a fen more"] = new("cross_field.spent_exceeds_received", b => b.Cell("funds", 0, "spent", "10000.01")),
        ["third village absent"] = new("coverage.villages_not_visited", b => b.RemoveRow("visits", 2)),
        ["all zero"] = new("coverage.no_activity", b => ZeroActivity(b)),
        ["3 of 6 in year 6"] = new("policy.certified_share_low", b => b.Station("certified_workers", "3")),
        ["visits tripled"] = new("outlier.far_above_history", b => b.Cell("visits", 0, "resident_visits", "400"), c => c with { History = ThreeMonthsOfHistory }),
    };

    private static readonly Dictionary<string, Scenario> Quiet = new()
    {
        ["station padded"] = new("header.station_missing", b => b.Station("station_code", " 440103001 ")),
        ["station full-width"] = new("header.station_malformed", b => b.Station("station_code", "４４０１０３００１")),
        ["no station in path"] = new("header.station_mismatch", b => b, c => c with { PathStation = null }),
        ["station registered"] = new("header.unknown_station", b => b),
        ["month of opening"] = new("header.station_not_open", b => b.Station("period", "2021-03"), c => c with { PathPeriod = new Period(2021, 3) }),
        ["period with slash"] = new("header.period_missing", b => b.Station("period", "2026/09")),
        ["period in Chinese"] = new("header.period_malformed", b => b.Station("period", "2026年9月")),
        ["period matches path"] = new("header.period_mismatch", b => b),
        ["period started in Beijing"] = new("header.period_future", b => b, c => c with { Now = new DateTimeOffset(2026, 8, 31, 16, 0, 0, TimeSpan.Zero) }),
        ["programme's first month"] = new("header.period_too_early", b => b.Station("period", "2020-11"), c => c with { PathPeriod = new Period(2020, 11) }),
        ["hotline sheet without rows"] = new("structure.missing_section", b => b.ClearRows("hotline")),
        ["village column by key"] = new("structure.missing_column", b => b.Header("visits", "village_code", "village_code")),
        ["case files column by label"] = new("structure.missing_optional_column", b => b.Header("visits", "case_files", "新建一人一档数")),
        ["header with full-width brackets"] = new("structure.duplicate_column", b => b.Header("visits", "resident_visits", "走访居民人次（resident_visits）")),
        ["blank header column"] = new("structure.unknown_column", b => b.AddColumn("visits", " ", null)),
        ["village name beside the code"] = new("structure.unknown_column", b => b.AddColumn("visits", "村居名称 (village_name)", "沙面社区")),
        ["template header"] = new("structure.header_label", b => b.Header("visits", "resident_visits", "走访居民人次 (resident_visits)")),
        ["retyped label of no other column"] = new("structure.header_contradiction", b => b.Header("visits", "resident_visits", "入户走访人次 (resident_visits)")),
        ["label alone"] = new("structure.header_label", b => b.Header("visits", "resident_visits", "走访居民人次")),
        ["count 12.0"] = new("cell.not_count", b => b.Cell("visits", 0, "resident_visits", "12.0")),
        ["hours 12.50"] = new("cell.bad_hours", b => b.Station("volunteer_hours", "12.50")),
        ["money with separators"] = new("cell.bad_money", b => b.Cell("funds", 0, "received", "1,234.56")),
        ["target group label"] = new("cell.unknown_enum", b => b.Cell("services", 0, "target_group", "老年人")),
        ["optional blank"] = new("cell.blank_required", b => b.Station("volunteers", "")),
        ["preparer at limit"] = new("cell.too_long", b => b.Station("prepared_by", new string('名', CellParser.MaxTextLength))),
        ["village as Excel number"] = new("cell.village_not_in_town", b => b.Cell("visits", 0, "village_code", "4.40103001001E+11")),
        ["same village other group"] = new("cell.duplicate_key", b => b.AddRow("services", TestReference.Villages[0], "children", "1", "0", "0", "5")),
        ["certified 6 of 6"] = new("cross_field.certified_exceeds_workers", b => b.Station("certified_workers", "6")),
        ["resolved 40 of 40"] = new("cross_field.resolved_exceeds_served", b => b.Cell("hotline", 0, "resolved", "40")),
        ["support kind blank"] = new("cross_field.support_sum_mismatch", b => b.Cell("hotline", 0, "other_support", "")),
        ["spent all"] = new("cross_field.spent_exceeds_received", b => b.Cell("funds", 0, "spent", "10000")),
        ["third village zero"] = new("coverage.villages_not_visited", b => b.Cell("visits", 2, "resident_visits", "0").Cell("visits", 2, "client_visits", "0")),
        ["one visit"] = new("coverage.no_activity", b => ZeroActivity(b).Cell("visits", 0, "resident_visits", "1")),
        ["3 of 6 in year 2"] = new("policy.certified_share_low", b => b.Station("certified_workers", "3").Station("period", "2022-09"), c => c with { PathPeriod = new Period(2022, 9) }),
        ["just under 3x"] = new("outlier.far_above_history", b => b.Cell("visits", 0, "resident_visits", "280"), c => c with { History = ThreeMonthsOfHistory }),
    };

    public static TheoryData<string> FiringNames => [.. Firing.Keys];

    public static TheoryData<string> QuietNames => [.. Quiet.Keys];

    [Theory]
    [MemberData(nameof(FiringNames))]
    public void Validate_RuleScenario_Fires(string name)
    {
        var scenario = Firing[name];
        var result = Run(scenario);
        var issue = Assert.Single(result.Issues, i => i.RuleId == scenario.RuleId);
        Assert.Equal(RuleCatalogue.ById(scenario.RuleId).Severity, issue.Severity);
        Assert.DoesNotContain("{", issue.MessageZh, StringComparison.Ordinal);
        Assert.DoesNotContain("{", issue.MessageEn, StringComparison.Ordinal);
        Assert.Equal(result.HasErrors, result.Submission is null);
    }

    [Theory]
    [MemberData(nameof(QuietNames))]
    public void Validate_RuleScenario_StaysQuiet(string name)
    {
        var scenario = Quiet[name];
        var result = Run(scenario);
        Assert.DoesNotContain(result.Issues, i => i.RuleId == scenario.RuleId);
    }

    [Fact]
    public void Scenarios_CoverEveryContentRuleBothWays()
    {
        var content = RuleCatalogue.All.Select(r => r.Id).Where(id => !ReaderRules.Contains(id)).ToHashSet();
        Assert.Equal(content.Order(), Firing.Values.Select(s => s.RuleId).Distinct().Order());
        Assert.Equal(content.Order(), Quiet.Values.Select(s => s.RuleId).Distinct().Order());
    }

    [Fact]
    public void Validate_RetypedLabelOverTheKey_ReadsTheColumnAndOnlyNotesIt()
    {
        var expected = SubmissionValidator.Validate(RawSubmissionBuilder.Valid().Build(), Context()).Submission!;
        var raw = RawSubmissionBuilder.Valid()
            .Header("visits", "resident_visits", "入户走访 (resident_visits)")
            .Header("funds", "spent", "Spent（spent）")
            .AddColumn("visits", "村居名称 (village_name)", "沙面社区")
            .Build();

        var result = SubmissionValidator.Validate(raw, Context());

        Assert.All(result.Issues, i => Assert.Equal(Severity.Info, i.Severity));
        Assert.Equal(["structure.header_label", "structure.header_label"], result.Issues.Select(i => i.RuleId));
        Assert.Equal(0, result.Warnings);
        Assert.Equal(expected.Visits, result.Submission!.Visits);
        Assert.Equal(expected.Funds, result.Submission.Funds);
        Assert.Equal("入户走访 (resident_visits)", result.Issues[0].Value);
        Assert.Equal("resident_visits", result.Issues[0].Field);
    }

    [Fact]
    public void Validate_ValidMonth_BuildsTypedSubmissionWithoutIssues()
    {
        var result = SubmissionValidator.Validate(RawSubmissionBuilder.Valid().Build(), Context());

        Assert.Empty(result.Issues);
        var submission = Assert.IsType<Submission>(result.Submission);
        Assert.Equal(TestReference.StationCode, submission.Station.StationCode);
        Assert.Equal(new Period(2026, 9), submission.Station.Period);
        Assert.Equal(120.5m, submission.Station.VolunteerHours);
        Assert.Equal(TestReference.Villages, submission.Visits.Select(v => v.VillageCode));
        Assert.Equal(40, submission.Visits[0].ResidentVisits);
        Assert.All(submission.Services, s => Assert.Equal("elderly", s.TargetGroup));
        Assert.Equal(40, submission.Hotline[0].PeopleServed);
        Assert.Equal(8000.50m, submission.Funds[0].Spent);
    }

    [Fact]
    public void Validate_ValidMonth_TypedSubmissionCarriesEveryContractField()
    {
        var submission = SubmissionValidator.Validate(RawSubmissionBuilder.Valid().Build(), Context()).Submission!;
        var json = JsonSerializer.SerializeToElement(submission, PipelineJson.Options);

        foreach (var section in SubmissionContract.Sections)
        {
            var element = json.GetProperty(section.Key);
            var row = element.ValueKind == JsonValueKind.Array ? element[0] : element;
            foreach (var field in section.Fields)
            {
                Assert.True(row.TryGetProperty(field.Key, out var value), $"{section.Key}.{field.Key}");
                Assert.NotEqual(JsonValueKind.Null, value.ValueKind);
            }
        }
    }

    [Fact]
    public void Validate_BlankCount_IsMissingNotZero()
    {
        var raw = RawSubmissionBuilder.Valid().Cell("visits", 0, "case_files", " ").Station("volunteers", null).Build();
        var submission = SubmissionValidator.Validate(raw, Context()).Submission!;

        Assert.Null(submission.Visits[0].CaseFiles);
        Assert.Null(submission.Station.Volunteers);
    }

    [Fact]
    public void Validate_WidthAndSeparators_ReadAsNumbers()
    {
        var raw = RawSubmissionBuilder.Valid()
            .Cell("visits", 0, "resident_visits", "１，２３４")
            .Cell("funds", 0, "received", "12,000.5")
            .Cell("visits", 1, "village_code", " 4.40103001002E+11 ")
            .Build();
        var submission = SubmissionValidator.Validate(raw, Context()).Submission!;

        Assert.Equal(1234, submission.Visits[0].ResidentVisits);
        Assert.Equal(12000.5m, submission.Funds[0].Received);
        Assert.Equal(TestReference.Villages[1], submission.Visits[1].VillageCode);
    }

    [Fact]
    public void Validate_BadCell_IssueLocatedAtOriginalCellWithRawText()
    {
        var raw = RawSubmissionBuilder.Valid().Cell("visits", 1, "client_visits", " 3.5 ").Build();
        var issue = Assert.Single(SubmissionValidator.Validate(raw, Context()).Issues);

        Assert.Equal("cell.not_count", issue.RuleId);
        Assert.Equal(new SourceLocation(SubmissionContract.Visits.TemplateSheetName, 3, "C"), issue.Location);
        Assert.Equal(" 3.5 ", issue.Value);
        Assert.Equal("visits", issue.Section);
        Assert.Equal("client_visits", issue.Field);
        Assert.Contains("探访民政对象人次", issue.MessageZh, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnknownEnum_ListsAllowedLabels()
    {
        var raw = RawSubmissionBuilder.Valid().Cell("funds", 1, "source", "市财政").Build();
        var issue = Assert.Single(SubmissionValidator.Validate(raw, Context()).Issues, i => i.RuleId == "cell.unknown_enum");

        Assert.Contains("省级、市级、区级、镇街、社会资金", issue.MessageZh, StringComparison.Ordinal);
        Assert.Contains("province", issue.MessageEn, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("resident_visits")]
    [InlineData("走访居民人次")]
    [InlineData("走访居民人次(resident_visits)")]
    [InlineData("RESIDENT_VISITS")]
    public void Validate_HeaderByKeyLabelOrTemplate_IsRecognised(string header)
    {
        var raw = RawSubmissionBuilder.Valid().Header("visits", "resident_visits", header).Build();
        var result = SubmissionValidator.Validate(raw, Context());

        Assert.Empty(result.Issues);
        Assert.Equal(40, result.Submission!.Visits[0].ResidentVisits);
    }

    [Fact]
    public void Validate_StationFieldsByKeyAndLabel_AreRecognised()
    {
        var raw = RawSubmissionBuilder.Valid().KeyValue(SubmissionContract.Station,
            ("社工站代码", TestReference.StationCode), ("period", "2026-09"), ("填报人", "陈"), ("social_workers", "6"), ("持证社工人数 (certified_workers)", "4"))
            .Build();
        var result = SubmissionValidator.Validate(raw, Context());

        Assert.Empty(result.Issues);
        Assert.Equal(4, result.Submission!.Station.CertifiedWorkers);
    }

    [Fact]
    public void Validate_RequiredStationFieldWithoutRow_IsBlankRequired()
    {
        var raw = RawSubmissionBuilder.Valid().WithoutStationField("social_workers").Build();
        var issue = Assert.Single(SubmissionValidator.Validate(raw, Context()).Issues);

        Assert.Equal("cell.blank_required", issue.RuleId);
        Assert.Equal("social_workers", issue.Field);
    }

    [Fact]
    public void Validate_Unreadable_PassesReaderIssueThroughWithoutSubmission()
    {
        var issue = RuleCatalogue.Encrypted.Issue(SourceLocation.File);
        var result = SubmissionValidator.Validate(RawSubmission.Unreadable(SubmissionFormat.Xlsx, issue), Context());

        Assert.Null(result.Submission);
        Assert.Equal([issue], result.Issues);
    }

    [Fact]
    public void Validate_ReaderWarning_PassedThroughAndStillAccepted()
    {
        var warning = RuleCatalogue.UnknownSection.Issue(new SourceLocation("Sheet3", null, null), value: "Sheet3");
        var result = SubmissionValidator.Validate(RawSubmissionBuilder.Valid().WithIssue(warning).Build(), Context());

        Assert.Equal([warning], result.Issues);
        Assert.NotNull(result.Submission);
    }

    [Fact]
    public void Validate_EveryIssue_NamesItsSheet()
    {
        var raw = RawSubmissionBuilder.Valid()
            .Cell("visits", 0, "resident_visits", "abc")
            .Cell("services", 0, "target_group", "x")
            .Station("certified_workers", "9")
            .AddColumn("funds", "备注", "?")
            .Build();
        var issues = SubmissionValidator.Validate(raw, Context()).Issues;

        Assert.True(issues.Count >= 4);
        Assert.All(issues.Where(i => i.Category is "cell" or "structure" or "cross_field"), i =>
        {
            Assert.NotNull(i.Location.Source);
            Assert.NotNull(i.Location.Row);
            Assert.NotNull(i.Location.Column);
        });
    }

    [Fact]
    public void Validate_ManyVillagesNotVisited_OneWarningWithCappedList()
    {
        var villages = Enumerable.Range(1, 15).Select(i => new Region($"440103001{i:D3}", $"村{i}", RegionLevel.Village, TestReference.StationCode)).ToList();
        var reference = new ReferenceData([.. TestReference.Create().Regions.Where(r => r.Level != RegionLevel.Village), .. villages], TestReference.Create().Stations, "big");
        var raw = RawSubmissionBuilder.Valid().Build();
        var result = SubmissionValidator.Validate(raw, Context() with { Reference = reference });

        var issue = Assert.Single(result.Issues, i => i.RuleId == "coverage.villages_not_visited");
        Assert.Contains("12", issue.MessageZh, StringComparison.Ordinal);
        Assert.Contains("村13", issue.MessageZh, StringComparison.Ordinal);
        Assert.DoesNotContain("村15", issue.MessageZh, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_OutlierWithTwoMonthsOfHistory_IsNotJudged()
    {
        var raw = RawSubmissionBuilder.Valid().Cell("visits", 0, "resident_visits", "4000").Build();
        var result = SubmissionValidator.Validate(raw, Context() with { History = ThreeMonthsOfHistory.Take(2).ToList() });

        Assert.DoesNotContain(result.Issues, i => i.RuleId == "outlier.far_above_history");
    }

    [Fact]
    public void Validate_OutlierBelowFloor_IsNotFlagged()
    {
        // History of 6 case files a month; 30 is five times more but under the floor of 50.
        var raw = RawSubmissionBuilder.Valid().Cell("visits", 0, "case_files", "26").Build();
        var result = SubmissionValidator.Validate(raw, Context() with { History = ThreeMonthsOfHistory });

        Assert.DoesNotContain(result.Issues, i => i.RuleId == "outlier.far_above_history");
    }

    [Fact]
    public void Validate_Outlier_NamesMeasureMedianAndColumn()
    {
        var raw = RawSubmissionBuilder.Valid().Cell("services", 0, "people_served", "900").Build();
        var issue = Assert.Single(SubmissionValidator.Validate(raw, Context() with { History = ThreeMonthsOfHistory }).Issues);

        Assert.Equal("outlier.far_above_history", issue.RuleId);
        Assert.Equal("services", issue.Section);
        Assert.Equal("people_served", issue.Field);
        Assert.Equal("1020", issue.Value);
        Assert.Equal("F", issue.Location.Column);
        Assert.Contains("180", issue.MessageEn, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_OutlierOnTheStationSheet_PointsAtTheFieldsRow()
    {
        var raw = RawSubmissionBuilder.Valid().Station("volunteers", "5000").Build();
        var issue = Assert.Single(SubmissionValidator.Validate(raw, Context() with { History = ThreeMonthsOfHistory }).Issues);

        Assert.Equal("outlier.far_above_history", issue.RuleId);
        Assert.Equal("volunteers", issue.Field);
        // One cell of the key-value sheet, not a column without a row.
        Assert.NotNull(issue.Location.Row);
        Assert.NotNull(issue.Location.Column);
    }

    private static ValidationResult Run(Scenario scenario)
    {
        var raw = scenario.Edit(RawSubmissionBuilder.Valid()).Build();
        var context = scenario.Context?.Invoke(Context()) ?? Context();
        return SubmissionValidator.Validate(raw, context);
    }

    private static ValidationContext Context() => new(Reference, TestReference.StationCode, new Period(2026, 9), Now, []);

    private static Submission ValidMonth(string period) =>
        SubmissionValidator.Validate(RawSubmissionBuilder.Valid(period: period).Build(), Context() with { PathPeriod = Period.Parse(period) }).Submission
        ?? throw new InvalidOperationException("The valid month did not validate.");

    private static RawSubmissionBuilder ZeroActivity(RawSubmissionBuilder builder)
    {
        foreach (var section in new[] { SubmissionContract.Visits, SubmissionContract.Services, SubmissionContract.Hotline })
        {
            foreach (var field in section.Fields.Where(f => f.Kind == FieldKind.Count))
            {
                builder.Column(section.Key, field.Key, "0");
            }
        }

        return builder;
    }
}
