using System.Diagnostics.CodeAnalysis;
using ReportingPipeline.Core.Contract;

namespace ReportingPipeline.Core.Intake;

/// <summary>A submission's blob name, <c>{period}/{station_code}/{file name}</c>, taken apart.</summary>
public sealed record SubmissionPath(Period Period, string StationCode, string FileName)
{
    public static bool TryParse(string blobName, [NotNullWhen(true)] out SubmissionPath? path)
    {
        path = null;
        var parts = blobName.Split('/');
        if (parts.Length != 3 || !Period.TryParse(parts[0], out var period) || parts[0].Trim() != parts[0]
            || parts[1].Length != 9 || !parts[1].All(char.IsAsciiDigit) || string.IsNullOrWhiteSpace(parts[2]))
        {
            return false;
        }

        path = new SubmissionPath(period, parts[1], parts[2]);
        return true;
    }

    /// <summary>
    /// False for a name that cannot be used in a storage URL as it stands: a <c>.</c> or <c>..</c> segment (HTTP clients
    /// resolve it, so the request would reach another blob, even another container), a backslash, or a control
    /// character. The pipeline never reads, writes or names anything after such a blob; it only reports it.
    /// </summary>
    public static bool IsAddressable(string blobName) =>
        blobName.Length > 0
        && !blobName.Contains('\\', StringComparison.Ordinal)
        && !blobName.Any(char.IsControl)
        && !blobName.Split('/').Any(segment => segment is "." or "..");

    /// <summary>The file name part of any blob name (what the station called the file).</summary>
    public static string FileNameOf(string blobName) => blobName[(blobName.LastIndexOf('/') + 1)..];
}
