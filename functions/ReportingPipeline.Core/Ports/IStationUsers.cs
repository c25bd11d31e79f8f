namespace ReportingPipeline.Core.Ports;

/// <summary>One person who may act for one station in the station portal, known by their sign-in name.</summary>
public sealed record StationUser(string StationCode, string UserName);

/// <summary>
/// Who may act for which station (the province keeps it with <c>pipeline users</c>): a table in Azure, a file locally.
/// Sign-in names are compared without regard to case, as Entra ID compares them.
/// </summary>
public interface IStationUsers
{
    /// <summary>The stations <paramref name="userName"/> may act for, in code order; empty for a stranger.</summary>
    Task<IReadOnlyList<string>> StationsOfAsync(string userName, CancellationToken cancellationToken = default);

    /// <summary>Lets <paramref name="userName"/> act for <paramref name="stationCode"/>; false when already allowed.</summary>
    Task<bool> AddAsync(string stationCode, string userName, CancellationToken cancellationToken = default);

    /// <summary>Withdraws it; false when there was nothing to withdraw.</summary>
    Task<bool> RemoveAsync(string stationCode, string userName, CancellationToken cancellationToken = default);

    /// <summary>Every user of one station, or of all stations, ordered by station then user.</summary>
    Task<IReadOnlyList<StationUser>> ListAsync(string? stationCode = null, CancellationToken cancellationToken = default);
}

/// <summary>A short-lived address the browser uploads one new submission to, straight to storage.</summary>
public sealed record UploadUrl(Uri Url, string BlobName, DateTimeOffset ExpiresOn);

/// <summary>
/// Issues upload addresses that allow creating exactly one blob in <c>submissions</c> and nothing else: no read, no
/// overwrite, no other name (a user-delegation SAS in Azure, a service SAS signed with the account key on Azurite).
/// </summary>
public interface IUploadUrlIssuer
{
    /// <summary>The blob service the addresses point at (the page's Content-Security-Policy allows connecting to it).</summary>
    Uri Endpoint { get; }

    Task<UploadUrl> IssueAsync(string blobName, TimeSpan lifetime, CancellationToken cancellationToken = default);
}
