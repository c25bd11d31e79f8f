using ReportingPipeline.Core.Reporting;

namespace ReportingPipeline.Core.Tests.Reporting;

public sealed class SafeTextTests
{
    [Theory]
    [InlineData("=HYPERLINK(\"http://evil\",\"x\")", "'=HYPERLINK(\"http://evil\",\"x\")")]
    [InlineData("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0")]
    [InlineData("+1+1", "'+1+1")]
    [InlineData("-3", "'-3")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("＝1+1", "'＝1+1")]
    [InlineData("＋cmd|' /C calc'!A0", "'＋cmd|' /C calc'!A0")]
    [InlineData("\t=1", "' =1")]
    [InlineData("\r=1", "' =1")]
    [InlineData("  =1", "'  =1")]
    public void Neutralize_FormulaStart_PrefixedWithApostrophe(string text, string expected) =>
        Assert.Equal(expected, SafeText.Neutralize(text));

    [Theory]
    [InlineData("12.5")]
    [InlineData("老人")]
    [InlineData("a=b")]
    [InlineData("'=already")]
    public void Neutralize_OrdinaryText_Unchanged(string text) => Assert.Equal(text, SafeText.Neutralize(text));

    [Fact]
    public void Neutralize_ControlAndBidiCharacters_Removed() =>
        Assert.Equal("abc d", SafeText.Neutralize("a\u0000b\u202Ec\u0007\nd\u200B"));

    [Fact]
    public void Neutralize_LoneSurrogate_Replaced() =>
        Assert.Equal("x\uFFFDy😀", SafeText.Neutralize("x\uD800y😀"));

    [Fact]
    public void Value_LongText_Cut()
    {
        var value = SafeText.Value(new string('x', 500))!;

        Assert.Equal(SafeText.MaxValueLength + 1, value.Length);
        Assert.EndsWith("…", value, StringComparison.Ordinal);
    }

    [Fact]
    public void Neutralize_Null_StaysNull() => Assert.Null(SafeText.Neutralize(null));
}
