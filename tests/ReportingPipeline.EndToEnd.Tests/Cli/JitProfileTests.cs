using System.Diagnostics;
using ReportingPipeline.Testing;

namespace ReportingPipeline.EndToEnd.Tests.Cli;

/// <summary>
/// The first mart build of a process records a multicore JIT profile for the next process (JitProfile), as real
/// `pipeline run` processes: the runtime writes the profile when the process exits, so only a process shows it.
/// </summary>
public sealed class JitProfileTests : IDisposable
{
    private readonly TestFolder _folder = new();

    [Fact]
    public async Task PipelineRun_WritesItsProfileInTheTemporaryFolder_AndTheNextRunKeepsOne()
    {
        var temp = Directory.CreateDirectory(Path.Combine(_folder.Path, "tmp")).FullName;
        var profile = Path.Combine(temp, "reportingpipeline-jit", "pipeline-mart-build.jitprofile");

        await RunAsync(temp, configured: null);
        var first = new FileInfo(profile);
        Assert.True(first.Exists, $"{profile} was not written");
        Assert.True(first.Length > 1000, $"{profile} holds {first.Length} bytes: no methods recorded");

        // The next process replays it and records its own in its place.
        File.SetLastWriteTimeUtc(profile, DateTime.UtcNow.AddHours(-1));
        await RunAsync(temp, configured: null);
        var second = new FileInfo(profile);
        Assert.True(second.LastWriteTimeUtc > DateTime.UtcNow.AddMinutes(-10), "the second run did not write its profile");
        Assert.True(second.Length > 1000);
    }

    [Fact]
    public async Task PipelineRun_ProfileDirectorySetEmpty_WritesNone()
    {
        var temp = Directory.CreateDirectory(Path.Combine(_folder.Path, "tmp")).FullName;

        await RunAsync(temp, configured: "");

        Assert.False(Directory.Exists(Path.Combine(temp, "reportingpipeline-jit")));
    }

    [Fact]
    public async Task PipelineRun_ProfileDirectoryConfigured_WritesThere()
    {
        var temp = Directory.CreateDirectory(Path.Combine(_folder.Path, "tmp")).FullName;
        var configured = Path.Combine(_folder.Path, "profiles");

        await RunAsync(temp, configured);

        Assert.True(File.Exists(Path.Combine(configured, "pipeline-mart-build.jitprofile")));
        Assert.False(Directory.Exists(Path.Combine(temp, "reportingpipeline-jit")));
    }

    /// <summary>`pipeline run` over the sample's reference and no submissions (it still builds the marts), as a process with its own temporary folder.</summary>
    private async Task RunAsync(string temp, string? configured)
    {
        var input = Path.Combine(_folder.Path, "input");
        if (!Directory.Exists(input))
        {
            Directory.CreateDirectory(Path.Combine(input, "submissions"));
            Directory.CreateDirectory(Path.Combine(input, "reference"));
            foreach (var file in Directory.GetFiles(Path.Combine(RepositoryFiles.Root, "sample-data", "reference")))
            {
                File.Copy(file, Path.Combine(input, "reference", Path.GetFileName(file)));
            }
        }

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[PipelineHostProcess.CliAssembly, "run", "--input", input, "--store", Path.Combine(_folder.Path, "store"), "--now", "2026-12-02T09:00:00+08:00"])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["TMPDIR"] = temp;
        if (configured is not null)
        {
            start.Environment["Pipeline__JitProfileDirectory"] = configured;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(process.ExitCode == 0, $"pipeline run exited with {process.ExitCode}: {await stdout} {await stderr}");
    }

    public void Dispose() => _folder.Dispose();
}
