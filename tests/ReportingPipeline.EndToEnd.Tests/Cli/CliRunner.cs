using ReportingPipeline.Cli;

namespace ReportingPipeline.EndToEnd.Tests.Cli;

/// <summary>Runs the `pipeline` command in-process, capturing what it prints.</summary>
public static class CliRunner
{
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await PipelineCommand.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
