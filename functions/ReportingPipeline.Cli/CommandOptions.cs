using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using ReportingPipeline.Core.Contract;

namespace ReportingPipeline.Cli;

/// <summary>A usage mistake found after parsing (a missing file, a station not in the register): exit 2, as a parse error.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>
/// The options several commands share, each declared here once with its value's name, its description and how its
/// text is parsed, so that a bad value is a usage error before any command runs.
/// </summary>
internal static class CommandOptions
{
    public static Option<string> Store(string description, bool required = true, string? fallback = null) =>
        WithFallback(new Option<string>("--store") { HelpName = "DIR", Description = description, Required = required }, fallback);

    public static Option<string> Out(string helpName, string description, bool required = true, string? fallback = null) =>
        WithFallback(new Option<string>("--out", "-o") { HelpName = helpName, Description = description, Required = required }, fallback);

    public static Option<string> Reference(bool required = true) =>
        new("--reference") { HelpName = "DIR", Description = "The folder holding regions.csv and stations.csv.", Required = required };

    public static Option<string> Station(string description, bool required = false) =>
        new("--station") { HelpName = "CODE", Description = description, Required = required };

    public static Option<string> Storage() =>
        new("--storage") { HelpName = "CONNECTION-STRING", Description = "Azure Storage or Azurite, e.g. UseDevelopmentStorage=true.", Required = true };

    public static Option<Period?> Period(string description, bool required = false) => new("--period")
    {
        HelpName = "YYYY-MM",
        Description = description,
        Required = required,
        CustomParser = result => Core.Contract.Period.TryParse(result.Tokens.Single().Value, out var period)
            ? period
            : Fail<Period?>(result, $"--period '{result.Tokens.Single().Value}' is not YYYY-MM."),
    };

    /// <summary><c>--now</c>: fixes the clock (deadline, "period in the future") so that a run can be replayed exactly.</summary>
    public static Option<DateTimeOffset?> Now() => new("--now")
    {
        HelpName = "ISO-TIME",
        Description = "Fix the clock (deadline, \"period in the future\"), e.g. 2026-11-05T10:00:00+08:00, so a run can be replayed exactly.",
        CustomParser = result => DateTimeOffset.TryParse(result.Tokens.Single().Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : Fail<DateTimeOffset?>(result, $"--now '{result.Tokens.Single().Value}' is not an ISO 8601 time (e.g. 2026-11-05T10:00:00+08:00)."),
    };

    /// <summary>A whole number in a range, e.g. <c>--months</c>.</summary>
    public static Option<int> Integer(string name, string helpName, string description, int fallback, int min, int max) => new(name)
    {
        HelpName = helpName,
        Description = description,
        DefaultValueFactory = _ => fallback,
        CustomParser = result => int.TryParse(result.Tokens.Single().Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : Fail<int>(result, $"{name} '{result.Tokens.Single().Value}' must be a whole number from {min} to {max}."),
    };

    /// <summary>A positional value (a file, a blob name); a word that starts with '-' is a misspelt option, not a value.</summary>
    public static Argument<string> Positional(string name, string description)
    {
        var argument = new Argument<string>(name) { Description = description };
        argument.Validators.Add(result =>
        {
            if (result.Tokens.SingleOrDefault()?.Value is ['-', _, ..] word)
            {
                result.AddError($"Unknown option {word}.");
            }
        });
        return argument;
    }

    public static Option<bool> Flag(string name, string description) => new(name) { Description = description };

    public static T? Fail<T>(ArgumentResult result, string message)
    {
        result.AddError(message);
        return default;
    }

    private static Option<string> WithFallback(Option<string> option, string? fallback)
    {
        if (fallback is not null)
        {
            option.DefaultValueFactory = _ => fallback;
        }

        return option;
    }
}
