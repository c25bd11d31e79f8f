using System.Security.Cryptography;
using System.Text;
using ReportingPipeline.Core.Intake;
using ReportingPipeline.Core.Ports;

namespace ReportingPipeline.Hosting.LocalHost;

/// <summary>What became of a blob version the local host noticed.</summary>
public enum ReceiptOutcome
{
    /// <summary>The handler ran to the end.</summary>
    Processed,

    /// <summary>The handler failed <see cref="LocalHostOptions.MaxAttempts"/> times; the blob is left alone until it changes.</summary>
    Quarantined,
}

/// <summary>
/// The local host's record that it has dealt with one version of one blob, kept in the <c>receipts</c> container
/// as <c>{container}/{name}@{version hash}.json</c>, so that a restarted host does not process it again.
/// </summary>
public sealed record BlobReceipt(
    string Container,
    string Name,
    string Version,
    ReceiptOutcome Outcome,
    int Attempts,
    DateTimeOffset At,
    string ProcessedBy,
    string? Detail)
{
    /// <summary>
    /// Where a polling host (<c>pipeline host</c>) keeps what it has done with each blob version it noticed, so that a
    /// restart does not process it again; Azure Functions keeps its own receipts and never writes here.
    /// </summary>
    public const string ReceiptsContainer = "receipts";

    /// <summary>
    /// The receipt's blob name. The version is hashed because ETags carry quotes and local versions are opaque;
    /// a new version of the same blob gets a new receipt and is processed again, as a blob trigger would. A name that
    /// cannot be addressed as it stands (a <c>..</c> segment would climb out of <c>receipts</c>) is hashed too.
    /// </summary>
    public static string NameOf(string container, string name, string version) =>
        $"{container}/{(SubmissionPath.IsAddressable(name) ? name : "_unaddressable/" + Hash(name)[..32])}@{Hash(version)[..16]}.json";

    public static string NameOf(BlobItem item) => NameOf(item.Container, item.Name, item.Version);

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
