using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using Xunit;

namespace ReportingPipeline.Testing;

/// <summary>What one run of the Bicep CLI said.</summary>
public sealed record BicepRun(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Compiler and linter diagnostics (`file(line,col) : Warning|Error rule: message`).</summary>
    public IReadOnlyList<string> Diagnostics =>
        StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.Contains(" : Warning ", StringComparison.Ordinal) || line.Contains(" : Error ", StringComparison.Ordinal))
            .ToArray();

    public bool IsClean => ExitCode == 0 && Diagnostics.Count == 0;

    public string Describe() => $"exit {ExitCode}\n{StandardError}";
}

/// <summary>The Bicep CLI from the Azure.Bicep.CommandLine.linux-x64 NuGet package (path baked in at build time).</summary>
public static class BicepCli
{
    private static readonly Lazy<string> Executable = new(Locate);

    /// <summary>
    /// Environment variables that parameter files read (main.bicepparam: azd's environment). A run sees them only
    /// when it passes them, so that a developer's or CI's own azd environment cannot change a test's result.
    /// </summary>
    public static readonly IReadOnlyList<string> ParameterFileVariables = ["AZURE_ENV_NAME", "AZURE_LOCATION", "SUBSCRIBE_EVENT_GRID"];

    public static BicepRun Run(params string[] arguments) => RunIn(null, arguments);

    /// <summary>Runs bicep in a working directory (for <c>--pattern</c>, which is relative to it).</summary>
    public static BicepRun RunIn(string? workingDirectory, params string[] arguments) =>
        RunWith(workingDirectory, new Dictionary<string, string>(), arguments);

    /// <summary>Runs bicep with the given values of <see cref="ParameterFileVariables"/>.</summary>
    public static BicepRun RunWith(string? workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable.Value)
        {
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // No telemetry or update checks from a test run.
        start.Environment["BICEP_TRACING_ENABLED"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var variable in ParameterFileVariables)
        {
            start.Environment.Remove(variable);
        }
        foreach (var (variable, value) in environment)
        {
            start.Environment[variable] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("bicep did not start");
        var standardError = process.StandardError.ReadToEndAsync();
        var standardOutput = process.StandardOutput.ReadToEnd();
        // A generous guard: a hung compiler should fail the test run, not stall CI.
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish");
        }
        return new BicepRun(process.ExitCode, standardOutput, standardError.GetAwaiter().GetResult());
    }

    /// <summary>Evaluates a .bicepparam file to its parameter values.</summary>
    public static JsonObject BuildParameters(string bicepParamFile, IReadOnlyDictionary<string, string>? environment = null)
    {
        var run = RunWith(null, environment ?? new Dictionary<string, string>(), "build-params", bicepParamFile, "--stdout");
        Assert.True(run.ExitCode == 0, run.Describe());
        var wrapper = JsonNode.Parse(run.StandardOutput)!.AsObject();
        return ParameterValues(JsonNode.Parse(wrapper["parametersJson"]!.GetValue<string>())!.AsObject());
    }

    /// <summary>The values of an ARM parameters file, by name.</summary>
    public static JsonObject ParameterValues(JsonObject parametersFile)
    {
        var parameters = parametersFile["parameters"]!.AsObject();
        var values = new JsonObject();
        foreach (var (name, value) in parameters)
        {
            values[name] = value!["value"]?.DeepClone();
        }
        return values;
    }

    private static string Locate()
    {
        var path = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(attribute => attribute.Key == "BicepPath").Value;
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
        {
            throw new FileNotFoundException($"Bicep CLI not found at '{path}': run `dotnet restore` (package Azure.Bicep.CommandLine.linux-x64).");
        }
        // NuGet extracts files without their execute bit on some systems.
        if (!OperatingSystem.IsWindows() && !File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserExecute))
        {
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute);
        }
        return path;
    }
}
