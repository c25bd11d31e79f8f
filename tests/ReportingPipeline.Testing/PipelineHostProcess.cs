using System.Diagnostics;

namespace ReportingPipeline.Testing;

/// <summary>
/// `pipeline host` as a real child process (the Cli's build output, run with <c>dotnet</c>), its console lines
/// collected so a test can wait for a phase ("Processing submissions/...", "Mart build ...") and kill it there
/// with SIGKILL, as `kill -9` would.
/// </summary>
public sealed class PipelineHostProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly string _workFolder;

    private PipelineHostProcess(Process process, string workFolder)
    {
        _process = process;
        _workFolder = workFolder;
    }

    /// <summary>The lines printed so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>
    /// The Cli's <c>pipeline.dll</c>, built in the same configuration as this test assembly (the test project references
    /// the Cli, so building the tests builds it).
    /// </summary>
    public static string CliAssembly
    {
        get
        {
            // .../tests/{test project}/bin/{Configuration}/{tfm}/
            var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var (tfm, configuration) = (output.Name, output.Parent!.Name);
            var repository = output.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
            var path = Path.Combine(repository, "functions", "ReportingPipeline.Cli", "bin", configuration, tfm, "pipeline.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"Build the Cli first: {path} is missing.", path);
        }
    }

    public static PipelineHostProcess Start(string connectionString, params string[] arguments)
    {
        var workFolder = Directory.CreateTempSubdirectory("host-").FullName;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[CliAssembly, "host", "--storage", connectionString, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        // No colours or terminal detection in the log lines; a quick start without tiered-compilation surprises.
        start.Environment["DOTNET_SYSTEM_CONSOLE_ALLOW_ANSI_COLOR_REDIRECTION"] = "0";
        start.Environment["Logging__Console__FormatterOptions__ColorBehavior"] = "Disabled";
        start.Environment["DOTNET_TieredPGO"] = "0";
        var process = new Process { StartInfo = start };
        var host = new PipelineHostProcess(process, workFolder);
        process.OutputDataReceived += (_, e) => host.Remember(e.Data);
        process.ErrorDataReceived += (_, e) => host.Remember(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Waits for a line (from line <paramref name="from"/> on) that satisfies <paramref name="match"/>; false on timeout.</summary>
    public async Task<bool> WaitForLineAsync(Func<string, bool> match, int from = 0, double timeoutSeconds = 20)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed.TotalSeconds < timeoutSeconds)
        {
            lock (_lines)
            {
                for (var i = from; i < _lines.Count; i++)
                {
                    if (match(_lines[i]))
                    {
                        return true;
                    }
                }
            }

            if (_process.HasExited)
            {
                return false;
            }

            await Task.Delay(5);
        }

        return false;
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing, no finally blocks.</summary>
    public void KillHard()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
        }

        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        try
        {
            KillHard();
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone.
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_workFolder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Remember(string? line)
    {
        if (line is not null)
        {
            lock (_lines)
            {
                _lines.Add(line);
            }
        }
    }
}
