using System.Text.Json;
using ReportingPipeline.Core.Marts;

namespace ReportingPipeline.Core.Tests.Marts;

public sealed class MartFingerprintTests
{
    private static readonly ManifestInput[] Inputs =
    [
        new("440103001", 2, new string('a', 64), 3),
        new("440103002", 0, new string('b', 64), 1),
        // Not a code the reference allows, but the fingerprint must not care: non-ASCII, and longer than any buffer.
        new("站点" + new string('9', 300), int.MaxValue, "c", 0),
    ];

    [Fact]
    public void OfPeriod_IsTheHashOfTheInputsAsText_AndStaysTheSame()
    {
        // A month's fingerprint is stored in every deployment's manifest: computed differently, every month of every
        // deployment would be rebuilt once. This pins it to its definition and to its value.
        var closed = MartFingerprint.OfPeriod(closed: true, Inputs);
        var open = MartFingerprint.OfPeriod(closed: false, Inputs);

        Assert.Equal(MartFingerprint.Of(["closed", .. Inputs.Select(i => $"{i.StationCode}|{i.Version}|{i.Sha256}|{i.Uploads}")]), closed);
        Assert.Equal(MartFingerprint.Of(["open", .. Inputs.Select(i => $"{i.StationCode}|{i.Version}|{i.Sha256}|{i.Uploads}")]), open);
        Assert.Equal("54cb72ae9a38dd4f640c5adec53c769a52f5eb1ab2c7343600c207adb9262bc5", closed);
        Assert.Equal(MartFingerprint.Of("open"), MartFingerprint.OfPeriod(closed: false, []));
    }

    [Fact]
    public void Tables_IsTheHashOfTheDeclarationsAsSerializedJson_AndEveryTableAndColumnIsInIt()
    {
        // The tables' fingerprint is stored in every deployment's manifest: a different text would rebuild every file of
        // every deployment once. It was defined as the default serialization of these objects; the writer must match it.
        var serialized = JsonSerializer.Serialize(MartTables.All.Select(t => new
        {
            t.Name,
            Layout = t.IsPartitioned ? $"{t.Layout}:{MartTable.PartitionKey}=:part-{{region}}" : t.Layout.ToString(),
            Columns = t.Columns.Select(c => $"{c.Name}:{c.Type}:{c.Nullable}:{c.Field?.Key}"),
        }));

        Assert.Equal(serialized, MartFingerprint.TablesText());
        Assert.Equal(MartFingerprint.Of(serialized, MartFileWriter.Format), MartFingerprint.Tables);

        using var text = JsonDocument.Parse(MartFingerprint.TablesText());
        var tables = text.RootElement.EnumerateArray().ToList();
        Assert.Equal(MartTables.All.Select(t => t.Name), tables.Select(t => t.GetProperty("Name").GetString()));
        Assert.Equal(
            MartTables.All.Select(t => t.Columns.Count),
            tables.Select(t => t.GetProperty("Columns").GetArrayLength()));
        Assert.Contains(tables, t => t.GetProperty("Layout").GetString()!.EndsWith("=:part-{region}", StringComparison.Ordinal));
    }
}
