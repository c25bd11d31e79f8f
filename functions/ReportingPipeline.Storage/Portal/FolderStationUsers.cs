using System.Text.Json;
using ReportingPipeline.Core.Ports;

namespace ReportingPipeline.Storage.Portal;

/// <summary>The portal's users in one JSON file (a local folder store): small, read and written whole under a lock.</summary>
public sealed class FolderStationUsers(string path) : IStationUsers
{
    public const string FileName = "station_users.json";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public async Task<IReadOnlyList<string>> StationsOfAsync(string userName, CancellationToken cancellationToken = default) =>
        [.. (await ReadAsync(cancellationToken)).Where(u => Same(u.UserName, userName)).Select(u => u.StationCode).Order(StringComparer.Ordinal)];

    public Task<bool> AddAsync(string stationCode, string userName, CancellationToken cancellationToken = default) =>
        ChangeAsync(users => users.Any(u => u.StationCode == stationCode && Same(u.UserName, userName))
            ? null
            : [.. users, new StationUser(stationCode, userName.Trim())], cancellationToken);

    public Task<bool> RemoveAsync(string stationCode, string userName, CancellationToken cancellationToken = default) =>
        ChangeAsync(users => users.Any(u => u.StationCode == stationCode && Same(u.UserName, userName))
            ? [.. users.Where(u => !(u.StationCode == stationCode && Same(u.UserName, userName)))]
            : null, cancellationToken);

    public async Task<IReadOnlyList<StationUser>> ListAsync(string? stationCode = null, CancellationToken cancellationToken = default) =>
        [.. (await ReadAsync(cancellationToken)).Where(u => stationCode is null || u.StationCode == stationCode)
            .OrderBy(u => u.StationCode, StringComparer.Ordinal).ThenBy(u => u.UserName, StringComparer.OrdinalIgnoreCase)];

    private static bool Same(string a, string b) => string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);

    private async Task<List<StationUser>> ReadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        await using var file = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<List<StationUser>>(file, cancellationToken: cancellationToken) ?? [];
    }

    private async Task<bool> ChangeAsync(Func<List<StationUser>, List<StationUser>?> change, CancellationToken cancellationToken)
    {
        await Gate.WaitAsync(cancellationToken);
        try
        {
            if (change(await ReadAsync(cancellationToken)) is not { } changed)
            {
                return false;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var temporary = path + ".tmp";
            await File.WriteAllBytesAsync(temporary, JsonSerializer.SerializeToUtf8Bytes(changed, Indented), cancellationToken);
            File.Move(temporary, path, overwrite: true);
            return true;
        }
        finally
        {
            Gate.Release();
        }
    }
}
