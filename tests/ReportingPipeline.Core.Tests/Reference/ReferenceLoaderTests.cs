using System.Text;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Reference;

namespace ReportingPipeline.Core.Tests.Reference;

public sealed class ReferenceLoaderTests
{
    private const string GoodRegions = """
        code,name,level,parent_code
        44,广东省,province,
        4401,广州市,city,44
        440103,荔湾区,district,4401
        440103001,沙面街道,town,440103
        440103001001,沙面社区,village,440103001
        440103001002,"翠洲社区, 东",village,440103001
        440103002,岭南街道,town,440103
        440103002001,岭南社区,village,440103002
        """;

    private const string GoodStations = """
        station_code,name,operator,opened_on,closed_on
        440103001,沙面街道社工站,广州市荔湾区启创社会工作服务中心,2021-03-15,
        440103002,岭南街道社工站,"广州市""岭南""社工服务中心",2021-01-01,2022-06-30
        """;

    [Fact]
    public void Load_GoodFiles_BuildsReference()
    {
        var result = Load(GoodRegions, GoodStations);

        Assert.Empty(result.Errors);
        Assert.True(result.IsValid);
        var reference = result.Reference!;
        Assert.Equal(8, reference.Regions.Count);
        Assert.Equal("翠洲社区, 东", reference.FindRegion("440103001002")!.Name);
        Assert.Equal(RegionLevel.Village, reference.FindRegion("440103001002")!.Level);
        Assert.Equal(["440103001001", "440103001002"], reference.VillagesOf("440103001").Select(v => v.Code));
        var station = reference.FindStation("440103002")!;
        Assert.Equal("广州市\"岭南\"社工服务中心", station.Operator);
        Assert.Equal(new DateOnly(2022, 6, 30), station.ClosedOn);
        Assert.Null(reference.FindStation("440103001")!.ClosedOn);
    }

    [Fact]
    public void Load_BomAndCrLf_AreAccepted()
    {
        var regions = "\uFEFF" + GoodRegions.Replace("\n", "\r\n", StringComparison.Ordinal) + "\r\n\r\n";
        var result = Load(regions, GoodStations);

        Assert.Empty(result.Errors);
        Assert.Equal("44", result.Reference!.Regions[0].Code);
    }

    [Fact]
    public void Load_ColumnsInOtherOrderAndSpacesAroundCodes_AreAccepted()
    {
        const string regions = """
            level,code,parent_code,name
            province,44 ,,广东省
            city, 4401,44,广州市
            district,440103,4401,荔湾区
            town,440103001,440103,沙面街道
            """;
        const string stations = """
            station_code,name,operator,opened_on,closed_on
            440103001 ,沙面街道社工站,启创,2021/3/5,
            """;
        var result = Load(regions, stations);

        Assert.Empty(result.Errors);
        Assert.Equal(new DateOnly(2021, 3, 5), result.Reference!.FindStation("440103001")!.OpenedOn);
    }

    [Fact]
    public void Load_Lineage_RunsFromVillageToProvince()
    {
        var reference = Load(GoodRegions, GoodStations).Reference!;

        Assert.Equal(
            ["440103001002", "440103001", "440103", "4401", "44"],
            reference.Lineage("440103001002").Select(r => r.Code));
        Assert.Empty(reference.Lineage("999999"));
    }

    [Fact]
    public void Load_SameBytes_SameFingerprint_ChangedByte_OtherFingerprint()
    {
        var first = Load(GoodRegions, GoodStations).Reference!.Fingerprint;
        var again = Load(GoodRegions, GoodStations).Reference!.Fingerprint;
        var changed = Load(GoodRegions, GoodStations.Replace("2021-03-15", "2021-03-16", StringComparison.Ordinal)).Reference!.Fingerprint;

        Assert.Matches("^[0-9a-f]{64}$", first);
        Assert.Equal(first, again);
        Assert.NotEqual(first, changed);
    }

    [Theory]
    [InlineData("440103001,沙面社区,village,440103001", "regions.csv line 6: code '440103001' must be 12 digits for a village.")]
    [InlineData("44010300100A,沙面社区,village,440103001", "regions.csv line 6: code '44010300100A' must be 12 digits for a village.")]
    [InlineData("440103001,重复街道,town,440103", "regions.csv line 6: code 440103001 is already defined on line 5.")]
    [InlineData("440104001001,错位社区,village,440103001", "regions.csv line 6: code 440104001001 does not start with its parent's code 440103001.")]
    [InlineData("440103009001,孤儿社区,village,440103009", "regions.csv line 6: parent 440103009 of village 440103009001 is not in regions.csv.")]
    [InlineData("440103001777,越级社区,village,440103", "regions.csv line 6: the parent of village 440103001777 must be a town, but 440103 (line 3) is a district.")]
    [InlineData("440103001777,无父社区,village,", "regions.csv line 6: village 440103001777 has no parent_code.")]
    [InlineData("440103001777,社区,hamlet,440103001", "regions.csv line 6: level 'hamlet' is not one of province, city, district, town, village.")]
    [InlineData("45,广西壮族自治区,province,", "regions.csv line 6: a second province 45 (province 44 is on line 2); a reference holds exactly one province.")]
    [InlineData("440103001777,,village,440103001", "regions.csv line 6: village 440103001777 has no name.")]
    [InlineData("440103001777,多列社区,village,440103001,extra", "regions.csv line 6: 5 fields where the header has 4.")]
    public void Load_BrokenRegionLine_NamesFileAndLine(string line, string expected)
    {
        // Line 6 of the file: header on line 1, then four good rows (a child before its parent is fine).
        var regions = $"""
            code,name,level,parent_code
            44,广东省,province,
            440103,荔湾区,district,4401
            4401,广州市,city,44
            440103001,沙面街道,town,440103
            {line}
            440103001001,沙面社区,village,440103001
            """;
        var result = Load(regions, "station_code,name,operator,opened_on,closed_on\n");

        Assert.False(result.IsValid);
        Assert.Null(result.Reference);
        Assert.Contains(expected, result.Errors);
    }

    [Fact]
    public void Load_NoProvince_IsRejected()
    {
        const string regions = """
            code,name,level,parent_code
            4401,广州市,city,44
            """;
        var result = Load(regions, "station_code,name,operator,opened_on,closed_on\n");

        Assert.Contains("regions.csv: there is no province; a reference holds exactly one province.", result.Errors);
    }

    [Fact]
    public void Load_WrongHeader_NamesMissingColumns()
    {
        var result = Load(GoodRegions.Replace("parent_code", "parent", StringComparison.Ordinal), GoodStations);

        Assert.Contains("regions.csv line 1: the header lacks parent_code; expected code,name,level,parent_code.", result.Errors);
    }

    [Fact]
    public void Load_DuplicateHeaderColumn_IsRejected()
    {
        var result = Load(GoodRegions, GoodStations.Replace("opened_on,closed_on", "opened_on,opened_on", StringComparison.Ordinal));

        Assert.Contains("stations.csv line 1: column opened_on appears twice in the header.", result.Errors);
    }

    [Fact]
    public void Load_TextAfterClosingQuote_NamesTheLine()
    {
        var result = Load(GoodRegions + "\n440103002002,\"岭南\"社区,village,440103002\n", GoodStations);

        Assert.Contains("regions.csv line 10: text after a closing quote.", result.Errors);
    }

    [Fact]
    public void Load_QuoteInsideUnquotedField_NamesTheLine()
    {
        var result = Load(GoodRegions + "\n440103002002,岭南\"二\"社区,village,440103002\n", GoodStations);

        Assert.Contains("regions.csv line 10: a quote inside an unquoted field (quote the whole field and double the inner quotes).", result.Errors);
    }

    [Fact]
    public void Load_QuotedFieldOverTwoLinesAndBlankLines_LaterLinesKeepTheirNumbers()
    {
        // Line 10 holds a name quoted over two lines; a blank and a whitespace-only line (both skipped); line 14 is broken.
        var regions = GoodRegions + "\n440103002002,\"岭南\n二社区\",village,440103002\n\n   \n440103002003,岭南三社区,hamlet,440103002\n";
        var result = Load(regions, GoodStations);

        Assert.Equal(["regions.csv line 14: level 'hamlet' is not one of province, city, district, town, village."], result.Errors);
    }

        [Fact]
    public void Load_UnclosedQuote_NamesTheLine()
    {
        var result = Load(GoodRegions + "\n440103002002,\"未闭合,village,440103002\n", GoodStations);

        Assert.Contains("regions.csv line 10: a quoted field is never closed.", result.Errors);
    }

    [Fact]
    public void Load_NotUtf8_NamesTheLine()
    {
        var gb18030 = new byte[] { 0xB9, 0xE3, 0xD6, 0xDD }; // 广州 in GB18030
        var bytes = Encoding.UTF8.GetBytes("code,name,level,parent_code\n44,").Concat(gb18030).Concat(Encoding.UTF8.GetBytes(",province,\n")).ToArray();
        var result = ReferenceLoader.Load(new MemoryStream(bytes), Stream(GoodStations));

        Assert.Contains("regions.csv line 2: the file is not UTF-8 (save it as \"CSV UTF-8\").", result.Errors);
    }

    [Theory]
    [InlineData("440103009,不存在街道社工站,机构,2021-01-01,", "stations.csv line 4: station 440103009 has no town: 440103009 is not in regions.csv (station_code is the town's 9-digit code).")]
    [InlineData("440103,荔湾区社工站,机构,2021-01-01,", "stations.csv line 4: station 440103 has no town: 440103 is a district in regions.csv (line 4), not a town.")]
    [InlineData("440103001,沙面街道社工站,机构,2021-01-01,", "stations.csv line 4: station 440103001 is already listed on line 2.")]
    [InlineData("440103003,华林街道社工站,机构,2021-02-30,", "stations.csv line 4: opened_on '2021-02-30' is not a date (YYYY-MM-DD).")]
    [InlineData("440103003,华林街道社工站,机构,,", "stations.csv line 4: opened_on is blank.")]
    [InlineData("440103003,华林街道社工站,机构,2021-01-01,soon", "stations.csv line 4: closed_on 'soon' is not a date (YYYY-MM-DD).")]
    [InlineData("440103003,华林街道社工站,机构,2021-05-01,2021-04-30", "stations.csv line 4: closed_on 2021-04-30 is before opened_on 2021-05-01.")]
    [InlineData("440103003,,机构,2021-05-01,", "stations.csv line 4: station 440103003 has no name.")]
    public void Load_BrokenStationLine_NamesFileAndLine(string line, string expected)
    {
        var regions = GoodRegions + "\n440103003,华林街道,town,440103\n";
        var stations = $"""
            station_code,name,operator,opened_on,closed_on
            440103001,沙面街道社工站,机构,2021-01-01,
            440103002,岭南街道社工站,机构,2021-01-01,
            {line}
            """;
        var result = Load(regions, stations);

        Assert.False(result.IsValid);
        Assert.Contains(expected, result.Errors);
    }

    [Fact]
    public void Load_ManyBrokenLines_ListsAHundredAndCountsTheRest()
    {
        var stations = new StringBuilder("station_code,name,operator,opened_on,closed_on\n");
        for (var i = 0; i < 150; i++)
        {
            stations.Append("440103001,沙面街道社工站,机构,bad,\n".Replace("440103001", $"44010{i:D4}", StringComparison.Ordinal));
        }

        var result = Load(GoodRegions, stations.ToString());

        Assert.Equal(101, result.Errors.Count);
        Assert.Equal("... and 200 more problems.", result.Errors[^1]);
    }

    [Theory]
    [InlineData("2021-03-15", null, 2021, 2, false)]
    [InlineData("2021-03-15", null, 2021, 3, true)]
    [InlineData("2021-03-15", "2022-06-01", 2022, 6, true)]
    [InlineData("2021-03-15", "2022-05-31", 2022, 6, false)]
    [InlineData("2021-03-31", null, 2021, 3, true)]
    public void IsOpenIn_OpenForAnyDayOfTheMonth(string openedOn, string? closedOn, int year, int month, bool open)
    {
        var station = new Station("440103001", "站", "机构", DateOnly.Parse(openedOn, System.Globalization.CultureInfo.InvariantCulture),
            closedOn is null ? null : DateOnly.Parse(closedOn, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(open, station.IsOpenIn(new Period(year, month)));
    }

    [Theory]
    [InlineData(2021, 2, 0)]
    [InlineData(2021, 3, 1)]
    [InlineData(2022, 2, 1)]
    [InlineData(2022, 3, 2)]
    [InlineData(2024, 3, 4)]
    public void YearOfOperation_CountsTwelveMonthYearsFromOpening(int year, int month, int expected)
    {
        var station = new Station("440103001", "站", "机构", new DateOnly(2021, 3, 15), null);

        Assert.Equal(expected, station.YearOfOperation(new Period(year, month)));
    }

    [Fact]
    public void StationsOpenIn_LeavesOutClosedAndNotYetOpen()
    {
        var reference = Load(GoodRegions, GoodStations).Reference!;

        Assert.Equal(["440103001", "440103002"], reference.StationsOpenIn(new Period(2022, 6)).Select(s => s.StationCode));
        Assert.Equal(["440103001"], reference.StationsOpenIn(new Period(2022, 7)).Select(s => s.StationCode));
        Assert.Equal(["440103002"], reference.StationsOpenIn(new Period(2021, 2)).Select(s => s.StationCode));
    }

    [Fact]
    public void Load_CellsTrimmedAsStringTrimDoes_QuotesUndoubled_LastLineWithoutEnd()
    {
        // An ideographic space (U+3000) and a no-break space around a name, a tab before a code, whitespace after a
        // closing quote, doubled quotes, a bare CR line end, and a last line without a line end.
        var regions = "code,name,level,parent_code\n44,\u3000广东省\u00A0,province,\r"
            + "\t4401,\"广州\"\"市\"\"\"  ,city,44\n"
            + "440103,\"荔湾区\",district, 4401";
        var result = Load(regions, "station_code,name,operator,opened_on,closed_on");

        Assert.Empty(result.Errors);
        Assert.Equal(["44", "4401", "440103"], result.Reference!.Regions.Select(r => r.Code));
        Assert.Equal(["广东省", "广州\"市\"", "荔湾区"], result.Reference.Regions.Select(r => r.Name));
        Assert.Equal("4401", result.Reference.FindRegion("440103")!.ParentCode);
    }

    [Fact]
    public void Load_StationLineEndingInComma_HasAnEmptyLastCell()
    {
        var result = Load(GoodRegions, "station_code,name,operator,opened_on,closed_on\n440103001,沙面街道社工站,机构,2021-03-15,");

        Assert.Empty(result.Errors);
        Assert.Null(result.Reference!.FindStation("440103001")!.ClosedOn);
    }

    [Fact]
    public void Load_BrokenFormatLate_ReportsOnlyThatProblem()
    {
        // Line 3 would be a problem of its own; the broken quote on line 4 makes the file unreadable, and only that is said.
        var regions = "code,name,level,parent_code\n44,广东省,province,\n4401,广州市,hamlet,44\n4402,韶关\"市,city,44\n";
        var result = Load(regions, "station_code,name,operator,opened_on,closed_on\n");

        Assert.Equal(["regions.csv line 4: a quote inside an unquoted field (quote the whole field and double the inner quotes)."], result.Errors);
    }

    [Theory]
    [InlineData("2021-3-5")]
    [InlineData("2021/3/5")]
    [InlineData("2021-03-05")]
    public void Load_OpenedOn_ReadInEveryAcceptedForm(string openedOn)
    {
        var result = Load(GoodRegions, $"station_code,name,operator,opened_on,closed_on\n440103001,沙面街道社工站,机构,{openedOn},\n");

        Assert.Equal(new DateOnly(2021, 3, 5), result.Reference!.FindStation("440103001")!.OpenedOn);
    }

    [Theory]
    [InlineData("2021-02-29")]
    [InlineData("2021-13-01")]
    [InlineData("0000-01-01")]
    [InlineData("2021-1a-01")]
    [InlineData("+021-01-01")]
    public void Load_OpenedOn_NotADate_IsRejected(string openedOn)
    {
        var result = Load(GoodRegions, $"station_code,name,operator,opened_on,closed_on\n440103001,沙面街道社工站,机构,{openedOn},\n");

        Assert.Equal([$"stations.csv line 2: opened_on '{openedOn}' is not a date (YYYY-MM-DD)."], result.Errors);
    }

    [Fact]
    public void Load_IndexesAgreeWithAReferenceBuiltFromTheSameRegions()
    {
        // Children before their parents, and villages of two towns interleaved: the loader's parent indexes are found
        // while it checks the tree, the constructor's by looking each parent up.
        const string regions = """
            code,name,level,parent_code
            440103001001,沙面社区,village,440103001
            440103002001,岭南社区,village,440103002
            440103001002,翠洲社区,village,440103001
            440103001,沙面街道,town,440103
            440103002,岭南街道,town,440103
            440103,荔湾区,district,4401
            4401,广州市,city,44
            44,广东省,province,
            """;
        var loaded = Load(regions, "station_code,name,operator,opened_on,closed_on\n").Reference!;
        var built = new ReferenceData(loaded.Regions, loaded.Stations, loaded.Fingerprint);

        for (var i = 0; i < loaded.Regions.Count; i++)
        {
            var region = loaded.Regions[i];
            Assert.Equal(i, loaded.IndexOfRegion(region.Code));
            Assert.Equal(i, built.IndexOfRegion(region.Code));
            var parent = loaded.ParentIndexOf(i);
            Assert.Equal(built.ParentIndexOf(i), parent);
            Assert.Equal(region.ParentCode, parent < 0 ? null : loaded.Regions[parent].Code);
        }

        Assert.Equal(-1, loaded.IndexOfRegion("440103003"));
        Assert.Equal(["440103001001", "440103001002"], loaded.VillagesOf("440103001").Select(v => v.Code));
        Assert.Equal(["440103002001"], loaded.VillagesOf("440103002").Select(v => v.Code));
    }

    private static ReferenceLoadResult Load(string regions, string stations) => ReferenceLoader.Load(Stream(regions), Stream(stations));

    private static MemoryStream Stream(string text) => new(Encoding.UTF8.GetBytes(text));
}
