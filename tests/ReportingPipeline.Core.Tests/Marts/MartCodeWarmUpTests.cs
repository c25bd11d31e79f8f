using ReportingPipeline.Core.Marts;

namespace ReportingPipeline.Core.Tests.Marts;

public sealed class MartCodeWarmUpTests
{
    [Fact]
    public async Task RoundTrip_EveryTableOfTheDeclaration_WrittenAndReadBack_NullWhereAColumnAllowsIt()
    {
        // The warm-up swallows its failures (the build then compiles the code itself), so a table whose written
        // columns its reader cannot read back would go unnoticed but for this.
        var read = await MartCodeWarmUp.RoundTripAsync(CancellationToken.None);

        Assert.Equal(MartTables.All.Select(t => t.Name), read.Select(r => r.Table.Name));
        Assert.All(read, r =>
        {
            Assert.Equal(1, r.Rows);
            Assert.Equal(r.Table.Columns.Count(c => c.Nullable), r.NullColumns);
        });
    }
}
