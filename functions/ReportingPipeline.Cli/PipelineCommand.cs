using System.CommandLine;

namespace ReportingPipeline.Cli;

/// <summary>
/// `pipeline COMMAND ...`: the commands, declared once (<see cref="Create"/>); their declarations give the help
/// (`pipeline --help`, `pipeline COMMAND --help`), reject unknown options and bad values, and are what the README's
/// command table is checked against. Usage mistakes exit with 2.
/// </summary>
internal static class PipelineCommand
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;

    /// <summary>Every command of `pipeline`, with its options.</summary>
    public static RootCommand Create() => new()
    {
        RunCommand.Create(),
        ValidateCommand.Create(),
        DashboardCommand.Create(),
        TemplateCommand.Create(),
        HostCommand.Create(),
        UploadCommand.Create(),
        UsersCommand.Create(),
        GenerateCommand.Create(),
        PowerBiCommand.Create(),
    };

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = Create();
        root.Description = """
            pipeline: the Double Hundred (双百工程) social work stations' monthly reporting pipeline.
            Exit codes: 0 success (or accepted), 1 rejected or failed, 2 usage error.
            """;
        // `pipeline` alone prints the help, as a usage mistake; `pipeline help` is `pipeline --help`.
        var parsed = root.Parse(args is [] or ["help"] ? ["--help"] : args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await stderr.WriteLineAsync($"error: {error.Message}");
            }

            await stderr.WriteLineAsync($"Run `pipeline {(parsed.CommandResult.Command is RootCommand ? "" : parsed.CommandResult.Command.Name + " ")}--help` for usage.");
            return Usage;
        }

        using var cancellation = new CancellationTokenSource();
        ConsoleCancelEventHandler cancel = (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };
        Console.CancelKeyPress += cancel;
        try
        {
            var code = await parsed.InvokeAsync(
                new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null },
                cancellation.Token);
            return args.Length == 0 ? Usage : code;
        }
        catch (UsageException e)
        {
            await stderr.WriteLineAsync($"error: {e.Message}");
            await stderr.WriteLineAsync($"Run `pipeline {parsed.CommandResult.Command.Name} --help` for usage.");
            return Usage;
        }
        catch (OperationCanceledException)
        {
            await stderr.WriteLineAsync("Cancelled.");
            return Failed;
        }
        finally
        {
            Console.CancelKeyPress -= cancel;
        }
    }
}
