namespace ReportingPipeline.Cli;

/// <summary>A usage mistake: the command prints it with the usage text and exits with 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>
/// The parsed arguments of one command: positional values and <c>--name value</c> options. Options a command
/// does not declare are usage errors, so a typo never silently changes what runs.
/// </summary>
internal sealed class CommandLine
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly List<string> _positional = [];

    public CommandLine(IReadOnlyList<string> args, IReadOnlySet<string> valueOptions, IReadOnlySet<string> flags)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var name = arg switch
            {
                "-o" => "--out",
                _ => arg,
            };
            if (valueOptions.Contains(name))
            {
                if (i + 1 >= args.Count)
                {
                    throw new UsageException($"{arg} needs a value.");
                }

                _options[name] = args[++i];
            }
            else if (flags.Contains(name))
            {
                _options[name] = null;
            }
            else if (arg.StartsWith('-') && arg.Length > 1)
            {
                throw new UsageException($"Unknown option {arg}.");
            }
            else
            {
                _positional.Add(arg);
            }
        }
    }

    public IReadOnlyList<string> Positional => _positional;

    public bool Has(string name) => _options.ContainsKey(name);

    public string? Value(string name) => _options.GetValueOrDefault(name);

    public string Required(string name) => Value(name) ?? throw new UsageException($"{name} is required.");

    public DateTimeOffset? Time(string name)
    {
        var text = Value(name);
        if (text is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : throw new UsageException($"{name} '{text}' is not an ISO 8601 time (e.g. 2026-11-05T10:00:00+08:00).");
    }
}
