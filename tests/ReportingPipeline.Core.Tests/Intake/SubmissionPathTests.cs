using ReportingPipeline.Core.Intake;

namespace ReportingPipeline.Core.Tests.Intake;

public sealed class SubmissionPathTests
{
    [Theory]
    [InlineData("2026-03/440103001/月报.xlsx")]
    [InlineData("2026-03/440103001/..report.json")]
    [InlineData("2026-03//440103001/a.json")]
    [InlineData("x.json")]
    public void IsAddressable_NamesWithoutDotSegments_True(string name) => Assert.True(SubmissionPath.IsAddressable(name));

    [Theory]
    [InlineData("../../etc/passwd.json")]
    [InlineData("2026-03/440103001/../../../x.json")]
    [InlineData("2026-03/./440103001/a.json")]
    [InlineData(@"..\..\x.json")]
    [InlineData("2026-03/440103001/a\u0000.json")]
    [InlineData("")]
    public void IsAddressable_DotSegmentsBackslashesControls_False(string name) => Assert.False(SubmissionPath.IsAddressable(name));

    [Fact]
    public void ReportBaseName_UnaddressableName_StaysInsideReports()
    {
        var name = SubmissionIngestor.ReportBaseName("2026-03/../../submissions/2026-03/440103001/a.json");

        Assert.StartsWith("_unaddressable/", name, StringComparison.Ordinal);
        Assert.True(SubmissionPath.IsAddressable(name));
        Assert.Equal("2026-03/440103001/a.json", SubmissionIngestor.ReportBaseName("2026-03/440103001/a.json"));
    }
}
