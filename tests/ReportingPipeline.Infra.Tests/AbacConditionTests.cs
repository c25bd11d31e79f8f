namespace ReportingPipeline.Infra.Tests;

public sealed class AbacConditionTests
{
    private const string ReadOnlyInUploads = """
        (
          (!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'}))
          OR
          (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals 'uploads')
        )
        """;

    [Fact]
    public void Allows_ActionNotTargeted_IsAllowed() =>
        Assert.True(AbacCondition.Allows(ReadOnlyInUploads, AbacRequest.WriteBlob("other", "a")));

    [Fact]
    public void Allows_TargetedActionFailingExpression_IsDenied() =>
        Assert.False(AbacCondition.Allows(ReadOnlyInUploads, AbacRequest.ReadBlob("other", "a")));

    [Theory]
    [InlineData("2024-05/440103001/a.xlsx", true)]
    [InlineData("2024-05/440103001/", true)]
    [InlineData("2024-5/440103001/a.xlsx", false)]
    [InlineData("2024-05/440103002/a.xlsx", false)]
    [InlineData("2024-05/4401030011/a.xlsx", false)]
    public void Allows_StringLikeWildcards_MatchWholeValue(string path, bool expected)
    {
        const string condition = "@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] StringLike '????-??/440103001/*'";
        Assert.Equal(expected, AbacCondition.Allows(condition, AbacRequest.ReadBlob("c", path)));
    }

    [Fact]
    public void Allows_AndOrWithoutParentheses_IsRejectedLikeAzure()
    {
        const string condition = "ActionMatches{'a'} AND ActionMatches{'b'} OR ActionMatches{'c'}";
        Assert.Throws<FormatException>(() => AbacCondition.Allows(condition, AbacRequest.ReadBlob("c", "p")));
    }
}
