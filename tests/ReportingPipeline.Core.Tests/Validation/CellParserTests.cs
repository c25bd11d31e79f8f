using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Validation;

namespace ReportingPipeline.Core.Tests.Validation;

public sealed class CellParserTests
{
    private static readonly FieldDefinition CountField = SubmissionContract.Visits["resident_visits"];
    private static readonly FieldDefinition HoursField = SubmissionContract.Station["volunteer_hours"];
    private static readonly FieldDefinition MoneyField = SubmissionContract.Funds["received"];
    private static readonly FieldDefinition CodeField = SubmissionContract.Visits["village_code"];
    private static readonly FieldDefinition EnumField = SubmissionContract.Services["target_group"];
    private static readonly FieldDefinition PeriodField = SubmissionContract.Station["period"];

    [Theory]
    [InlineData("12", 12)]
    [InlineData(" 12 ", 12)]
    [InlineData("１２３", 123)]
    [InlineData("1,234", 1234)]
    [InlineData("1，234", 1234)]
    [InlineData("１，２３４", 1234)]
    [InlineData("12.0", 12)]
    [InlineData("0", 0)]
    [InlineData("\u3000７\u3000", 7)]
    [InlineData("1,234,567", 1234567)]
    [InlineData("1.2E+3", 1200)]
    public void Read_CountWrittenAsStationsDo_ReadsNumber(string text, long expected)
    {
        var reading = CellParser.Read(CountField, text);
        Assert.Equal(CellStatus.Valid, reading.Status);
        Assert.Equal(expected, reading.Value);
    }

    [Theory]
    [InlineData("12.5")]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("12,34")]
    [InlineData("1,2345")]
    [InlineData("12人")]
    [InlineData("1e400")]
    [InlineData("99999999999999999999999")]
    public void Read_NotACount_IsInvalid(string text) =>
        Assert.Equal(CellStatus.Invalid, CellParser.Read(CountField, text).Status);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\u3000")]
    public void Read_Blank_IsMissingNotZero(string? text)
    {
        var reading = CellParser.Read(CountField, text);
        Assert.Equal(CellStatus.Blank, reading.Status);
        Assert.Null(reading.Value);
    }

    [Theory]
    [InlineData("12.5", "12.5")]
    [InlineData("12.50", "12.5")]
    [InlineData("１２．５", "12.5")]
    [InlineData("1,000.5", "1000.5")]
    public void Read_Hours_AtMostOneDecimal(string text, string expected)
    {
        var reading = CellParser.Read(HoursField, text);
        Assert.Equal(CellStatus.Valid, reading.Status);
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), reading.Value);
    }

    [Theory]
    [InlineData("12.25")]
    [InlineData("-3")]
    public void Read_BadHours_IsInvalid(string text) =>
        Assert.Equal(CellStatus.Invalid, CellParser.Read(HoursField, text).Status);

    [Theory]
    [InlineData("12000.50", "12000.50")]
    [InlineData("1,234.56", "1234.56")]
    [InlineData("0.30000000000000004", "0.3")]
    public void Read_Money_AtMostTwoDecimals(string text, string expected) =>
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), CellParser.Read(MoneyField, text).Value);

    [Theory]
    [InlineData("100.005")]
    [InlineData("-0.01")]
    [InlineData("1.2万")]
    [InlineData("¥100")]
    public void Read_BadMoney_IsInvalid(string text) =>
        Assert.Equal(CellStatus.Invalid, CellParser.Read(MoneyField, text).Status);

    [Theory]
    [InlineData("440103001001", "440103001001")]
    [InlineData(" 440103001001 ", "440103001001")]
    [InlineData("4.40103001001E+11", "440103001001")]
    [InlineData("4.40103001001e11", "440103001001")]
    [InlineData("440103001001.0", "440103001001")]
    [InlineData("４４０１０３００１００１", "440103001001")]
    [InlineData("0012", "0012")]
    [InlineData("HL-01", "HL-01")]
    public void Read_Code_ComesBackAsExactDigits(string text, string expected) =>
        Assert.Equal(expected, CellParser.Read(CodeField, text).Value);

    [Fact]
    public void Read_CodeLongerThanLimit_IsTooLong() =>
        Assert.Equal(CellStatus.TooLong, CellParser.Read(CodeField, new string('1', CellParser.MaxCodeLength + 1)).Status);

    [Theory]
    [InlineData("elderly", "elderly")]
    [InlineData("Elderly", "elderly")]
    [InlineData("老年人", "elderly")]
    [InlineData(" 儿童 ", "children")]
    public void Read_EnumByKeyOrLabel_GivesKey(string text, string key) =>
        Assert.Equal(key, CellParser.Read(EnumField, text).Value);

    [Fact]
    public void Read_UnknownEnum_IsInvalid() => Assert.Equal(CellStatus.Invalid, CellParser.Read(EnumField, "老人").Status);

    [Theory]
    [InlineData("2026-09")]
    [InlineData("2026/9")]
    [InlineData("2026年9月")]
    [InlineData("２０２６－０９")]
    [InlineData("2026-09-01")]
    [InlineData("2026-09-01T00:00:00")]
    public void Read_PeriodForms_ReadTheMonth(string text) =>
        Assert.Equal(new Period(2026, 9), CellParser.Read(PeriodField, text).Value);

    [Theory]
    [InlineData("2026-13")]
    [InlineData("2026-02-30")]
    [InlineData("九月")]
    [InlineData("46266")]
    public void Read_MalformedPeriod_IsInvalid(string text) =>
        Assert.Equal(CellStatus.Invalid, CellParser.Read(PeriodField, text).Status);
}
