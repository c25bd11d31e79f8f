using System.CommandLine;
using Azure.Identity;
using ReportingPipeline.Storage;
using ReportingPipeline.Storage.Portal;

namespace ReportingPipeline.Cli;

/// <summary>
/// `pipeline users add|remove|list`: who may act for which station in the station portal (the table the province
/// keeps), known by their sign-in name.
/// </summary>
internal static class UsersCommand
{
    public static Command Create()
    {
        var action = new Argument<string>("ACTION") { Description = "add, remove or list." };
        action.AcceptOnlyFromAmong("add", "remove", "list");
        var storage = CommandOptions.Storage();
        storage.HelpName = "CONNECTION-STRING|TABLE-ENDPOINT";
        storage.Description = "Azurite or Azure Storage: a connection string (e.g. UseDevelopmentStorage=true), or the data account's table endpoint "
            + "(https://ACCOUNT.table.core.windows.net) signed in with DefaultAzureCredential (az login), for accounts with shared keys off.";
        var station = CommandOptions.Station("The station (9-digit town code); required for add and remove, narrows list.");
        var user = new Option<string>("--user") { HelpName = "SIGN-IN-NAME", Description = "The user's sign-in name (as Entra ID shows it, e.g. li.ming@gd.example.cn); required for add and remove." };
        var command = new Command("users", "Who may act for which station in the station portal: add, remove or list.") { action, storage, station, user };
        command.SetAction((parsed, cancellationToken) => ExecuteAsync(
            parsed.GetValue(action)!, parsed.GetValue(storage)!, parsed.GetValue(station), parsed.GetValue(user), parsed.InvocationConfiguration.Output, cancellationToken));
        return command;
    }

    /// <summary>
    /// What <c>--storage</c> names: an https URL is a table service endpoint reached with <c>DefaultAzureCredential</c>
    /// (the deployed data account has shared keys off); anything else is a connection string.
    /// </summary>
    internal static (StorageOptions Options, bool SignsIn) StorageOf(string storage)
    {
        if (Uri.TryCreate(storage.Trim(), UriKind.Absolute, out var endpoint) && (endpoint.Scheme == Uri.UriSchemeHttps || endpoint.Scheme == Uri.UriSchemeHttp))
        {
            if (endpoint.Scheme != Uri.UriSchemeHttps)
            {
                throw new UsageException($"--storage {storage}: a table endpoint must be https:// (or give a connection string).");
            }

            return (new StorageOptions { TableServiceUri = endpoint }, true);
        }

        return (new StorageOptions { ConnectionString = storage }, false);
    }

    private static async Task<int> ExecuteAsync(string action, string connectionString, string? station, string? user, TextWriter stdout, CancellationToken cancellationToken)
    {
        if (station is not null && (station.Length != 9 || !station.All(char.IsAsciiDigit)))
        {
            throw new UsageException($"--station {station} is not a 9-digit station (town) code.");
        }

        var (options, signsIn) = StorageOf(connectionString);
        var users = PortalStorageFactory.Create(options, TimeProvider.System, signsIn ? new DefaultAzureCredential() : null).Users;
        if (action == "list")
        {
            foreach (var entry in await users.ListAsync(station, cancellationToken))
            {
                await stdout.WriteLineAsync($"{entry.StationCode}\t{entry.UserName}");
            }

            return PipelineCommand.Ok;
        }

        if (station is null || string.IsNullOrWhiteSpace(user))
        {
            throw new UsageException($"users {action} needs --station and --user.");
        }

        if (user.Any(char.IsControl))
        {
            throw new UsageException($"--user '{user}' is not a sign-in name.");
        }

        var changed = action == "add"
            ? await users.AddAsync(station, user, cancellationToken)
            : await users.RemoveAsync(station, user, cancellationToken);
        await stdout.WriteLineAsync(action == "add"
            ? changed ? $"{user} may now act for {station}." : $"{user} already acts for {station}."
            : changed ? $"{user} no longer acts for {station}." : $"{user} did not act for {station}.");
        return PipelineCommand.Ok;
    }
}
