using Azure;
using Azure.Data.Tables;
using ReportingPipeline.Core.Ports;

namespace ReportingPipeline.Storage.Portal;

/// <summary>
/// The portal's users in a table: PartitionKey = the sign-in name in lower case, with the characters keys forbid
/// percent-encoded (see <see cref="Key"/>; so a sign-in reads one partition),
/// RowKey = the station code. Table names allow no underscore, so the issue's <c>station_users</c> is <c>StationUsers</c>.
/// </summary>
public sealed class TableStationUsers(TableClient table) : IStationUsers
{
    public const string DefaultTableName = "StationUsers";

    private int _created;

    public async Task<IReadOnlyList<string>> StationsOfAsync(string userName, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var stations = new List<string>();
        var partition = Key(userName);
        await foreach (var entity in table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            stations.Add(entity.RowKey);
        }

        stations.Sort(StringComparer.Ordinal);
        return stations;
    }

    public async Task<bool> AddAsync(string stationCode, string userName, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        try
        {
            await table.AddEntityAsync(new TableEntity(Key(userName), stationCode) { ["UserName"] = userName.Trim() }, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    public async Task<bool> RemoveAsync(string stationCode, string userName, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var response = await table.DeleteEntityAsync(Key(userName), stationCode, ETag.All, cancellationToken);
        return response.Status != 404;
    }

    public async Task<IReadOnlyList<StationUser>> ListAsync(string? stationCode = null, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var users = new List<StationUser>();
        var query = stationCode is null
            ? table.QueryAsync<TableEntity>(cancellationToken: cancellationToken)
            : table.QueryAsync<TableEntity>(e => e.RowKey == stationCode, cancellationToken: cancellationToken);
        await foreach (var entity in query)
        {
            users.Add(new StationUser(entity.RowKey, entity.GetString("UserName") ?? entity.PartitionKey));
        }

        return [.. users.OrderBy(u => u.StationCode, StringComparer.Ordinal).ThenBy(u => u.UserName, StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>
    /// Sign-in names are compared without case. Table keys may not hold '/', '\\', '#' or '?', yet Entra guest sign-in
    /// names do (<c>x_gmail.com#EXT#@tenant.onmicrosoft.com</c>): those and '%' itself are stored percent-encoded
    /// (%2F, %5C, %23, %3F, %25), so every other name keeps its plain key and no two names share one.
    /// </summary>
    internal static string Key(string userName)
    {
        var key = userName.Trim().ToLowerInvariant();
        if (key.Length == 0 || key.Any(char.IsControl))
        {
            throw new ArgumentException($"'{userName}' is not a sign-in name.", nameof(userName));
        }

        return key.IndexOfAny(['%', '/', '\\', '#', '?']) < 0
            ? key
            : key.Replace("%", "%25", StringComparison.Ordinal).Replace("/", "%2F", StringComparison.Ordinal)
                .Replace("\\", "%5C", StringComparison.Ordinal).Replace("#", "%23", StringComparison.Ordinal).Replace("?", "%3F", StringComparison.Ordinal);
    }

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _created) == 0)
        {
            await table.CreateIfNotExistsAsync(cancellationToken);
            Volatile.Write(ref _created, 1);
        }
    }
}
