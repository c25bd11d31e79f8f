using ReportingPipeline.Core.Contract;

namespace ReportingPipeline.Core.Tests.Contract;

public sealed class SubmissionFieldsTests
{
    private static readonly Submission Sample = new(
        new StationSheet("440103001", new Period(2022, 6), "陈嘉欣", 40, 30, null, 131.5m),
        [new VisitRecord("440103001001", 50, 20, 1, null)],
        [new ServiceRecord("440103001001", "elderly", 2, 1, 5, 180)],
        [],
        [new FundRecord("province", 120000m, 99999.50m, 0m)]);

    [Fact]
    public void RowsOf_EverySection_AlignsValuesWithTheContractsFields()
    {
        foreach (var section in SubmissionContract.Sections)
        {
            Assert.All(SubmissionFields.RowsOf(Sample, section), row => Assert.Equal(section.Fields.Count, row.Count));
        }
    }

    [Fact]
    public void RowsOf_Station_IsOneRowWithTypedValuesAndNullForMissing()
    {
        var row = Assert.Single(SubmissionFields.RowsOf(Sample, SubmissionContract.Station));
        var byKey = SubmissionContract.Station.Fields.Select((f, i) => (f.Key, Value: row[i])).ToDictionary(x => x.Key, x => x.Value);

        Assert.Equal("440103001", byKey["station_code"]);
        Assert.Equal("2022-06", byKey["period"]);
        Assert.Equal(40L, byKey["social_workers"]);
        Assert.Null(byKey["volunteers"]);
        Assert.Equal(131.5m, byKey["volunteer_hours"]);
    }

    [Fact]
    public void Create_FromEachRowsValuesByKey_GivesBackTheSameRecords()
    {
        StationSheet station = Sample.Station;
        var values = SubmissionFields.RowsByKey(Sample, SubmissionContract.Station).Single();

        // The period travels as a cell holds it once parsed (a Period), every other value as it is.
        var created = RecordFields<StationSheet>.Create(key => key == "period" ? station.Period : values[key]);
        var visit = RecordFields<VisitRecord>.Create(SubmissionFields.RowsByKey(Sample, SubmissionContract.Visits).Single().GetValueOrDefault);
        var fund = RecordFields<FundRecord>.Create(SubmissionFields.RowsByKey(Sample, SubmissionContract.Funds).Single().GetValueOrDefault);

        Assert.Equal(station, created);
        Assert.Equal(Sample.Visits.Single(), visit);
        Assert.Equal(Sample.Funds.Single(), fund);
    }

    [Fact]
    public void Get_EveryFieldOfEveryRecord_GivesThePropertysValueAsAskedFor()
    {
        // Every record type of the contract, one with a null in a count and one without, read field by field as the
        // marts and writers read them: as a cell (object), as its own type, and a count as an amount.
        AssertGetters(Sample.Station);
        AssertGetters(Sample.Visits.Single());
        AssertGetters(Sample.Services.Single());
        AssertGetters(new HotlineRecord("12345", 31, 120, 80, 70, 9, 14, null, 3));
        AssertGetters(Sample.Funds.Single());

        static void AssertGetters<TRecord>(TRecord record)
            where TRecord : class
        {
            foreach (var property in typeof(TRecord).GetProperties().Where(p => p.Name != "EqualityContract"))
            {
                var key = RecordFields<TRecord>.KeyOf(property.Name);
                var value = property.GetValue(record);
                Assert.Equal(value, RecordFields<TRecord>.Get<object?>(key)(record));
                if (property.PropertyType == typeof(long?))
                {
                    Assert.Equal((long?)value, RecordFields<TRecord>.Get<long?>(key)(record));
                    Assert.Equal((decimal?)(long?)value, RecordFields<TRecord>.Get<decimal?>(key)(record));
                }
                else if (property.PropertyType == typeof(decimal?))
                {
                    Assert.Equal((decimal?)value, RecordFields<TRecord>.Get<decimal?>(key)(record));
                }
                else if (property.PropertyType == typeof(string))
                {
                    Assert.Equal((string?)value, RecordFields<TRecord>.Get<string?>(key)(record));
                }
                else
                {
                    Assert.Equal(typeof(Period), property.PropertyType);
                    Assert.Equal((Period)value!, RecordFields<TRecord>.Get<Period>(key)(record));
                }
            }
        }
    }

    [Fact]
    public void Get_ValueAsATypeItDoesNotConvertTo_NamesTheField()
    {
        var error = Assert.Throws<NotSupportedException>(() => RecordFields<FundRecord>.Get<long?>("received"));

        Assert.Contains("Received", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_ValueOfAnotherType_NamesTheField()
    {
        var error = Assert.Throws<InvalidCastException>(() => RecordFields<VisitRecord>.Create(key => key == "client_visits" ? 2.5m : null));

        Assert.Contains("client_visits", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RowsOf_EmptySection_HasNoRows() => Assert.Empty(SubmissionFields.RowsOf(Sample, SubmissionContract.Hotline));

    [Theory]
    [InlineData(null, "")]
    [InlineData("沙面", "沙面")]
    [InlineData(1234567L, "1234567")]
    [InlineData(99999.5, "99999.5")]
    public void FormatInvariant_WritesMachineText(object? value, string expected) =>
        Assert.Equal(expected, SubmissionFields.FormatInvariant(value is double d ? (decimal)d : value));
}
