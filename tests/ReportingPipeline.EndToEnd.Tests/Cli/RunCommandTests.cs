using System.Security.Cryptography;
using System.Text.Json;

namespace ReportingPipeline.EndToEnd.Tests.Cli;

public sealed class RunCommandTests : IDisposable
{
    private const string Now = "2026-11-24T09:00:00+08:00";
    private readonly TestFolder _folder = new();

    public RunCommandTests()
    {
        MiniProgramme.WriteReference(_folder, "input/reference");
        _folder.Write("input/submissions/2026-09/440103001/sept.json", MiniProgramme.Json("440103001", "2026-09"));
        _folder.Write("input/submissions/2026-09/440103002/sept.json", MiniProgramme.Json("440103002", "2026-09", socialWorkers: 3, certified: 5));
        _folder.Write("input/submissions/2026-10/440103001/oct.json", MiniProgramme.Json("440103001", "2026-10"));
        _folder.Write("input/submissions/2026-10/440103001/oct-again.json", MiniProgramme.Json("440103001", "2026-10"));
        _folder.Write("input/submissions/2026-10/440103001/oct-fixed.json", MiniProgramme.Json("440103001", "2026-10", socialWorkers: 13));
        _folder.Write("input/submissions/_uploads.csv", """
            blob_name,received_at
            2026-09/440103001/sept.json,2026-10-08T02:00:00Z
            2026-09/440103002/sept.json,2026-10-12T02:00:00Z
            2026-10/440103001/oct.json,2026-11-03T02:00:00Z
            2026-10/440103001/oct-again.json,2026-11-04T02:00:00Z
            2026-10/440103001/oct-fixed.json,2026-11-05T02:00:00Z
            """);
    }

    private string Input => Path.Combine(_folder.Path, "input");

    private string Store => Path.Combine(_folder.Path, "store");

    [Fact]
    public async Task Run_SampleUploads_RecordsEachOutcomeAndReport()
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync("run", "--input", Input, "--store", Store, "--now", Now);

        Assert.True(code == 0, stderr);
        Assert.Contains("2 accepted", stdout, StringComparison.Ordinal);
        Assert.Contains("1 rejected", stdout, StringComparison.Ordinal);
        Assert.Contains("1 duplicate", stdout, StringComparison.Ordinal);
        var oct = ReadReport("2026-10/440103001/oct-fixed.json");
        Assert.Equal("accepted", oct.GetProperty("status").GetString());
        Assert.Equal(2, oct.GetProperty("version").GetInt32());
        var again = ReadReport("2026-10/440103001/oct-again.json");
        Assert.Equal("duplicate", again.GetProperty("status").GetString());
        Assert.Equal(1, again.GetProperty("version").GetInt32());
        var late = ReadReport("2026-09/440103002/sept.json");
        Assert.Equal("rejected", late.GetProperty("status").GetString());
        Assert.False(late.GetProperty("on_time").GetBoolean());
        Assert.True(File.Exists(Path.Combine(Store, "reports", "2026-09", "440103001", "sept.json.report.html")));
        Assert.True(File.Exists(Path.Combine(Store, "marts", "_manifest.json")));
    }

    [Fact]
    public async Task Run_Twice_SecondRunChangesNothing()
    {
        var first = await CliRunner.RunAsync("run", "--input", Input, "--store", Store, "--now", Now);
        Assert.True(first.ExitCode == 0, first.Stderr);
        var before = Snapshot();

        var second = await CliRunner.RunAsync("run", "--input", Input, "--store", Store, "--now", Now);

        Assert.Equal(0, second.ExitCode);
        Assert.Contains("0 new uploads", second.Stdout, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task Run_MissingInputFolder_ExitsTwo()
    {
        var (code, _, _) = await CliRunner.RunAsync("run", "--input", Path.Combine(_folder.Path, "nowhere"), "--store", Store);

        Assert.Equal(2, code);
    }

    private JsonElement ReadReport(string blobName)
    {
        var path = Path.Combine(Store, "reports", blobName + ".report.json");
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        return document.RootElement.Clone();
    }

    /// <summary>Every file of the store (temp and lock files aside) with a hash of its bytes.</summary>
    private SortedDictionary<string, string> Snapshot()
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Store, "*", SearchOption.AllDirectories))
        {
            var name = Path.GetRelativePath(Store, file);
            if (!name.Contains(".tmp", StringComparison.Ordinal))
            {
                files[name] = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));
            }
        }

        return files;
    }

    public void Dispose() => _folder.Dispose();
}
