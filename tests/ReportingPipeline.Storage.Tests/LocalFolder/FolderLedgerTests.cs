using ReportingPipeline.Core.Ports;
using ReportingPipeline.Storage.LocalFolder;

namespace ReportingPipeline.Storage.Tests.LocalFolder;

public sealed class FolderLedgerTests : SubmissionLedgerContract, IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("ledger-");
    private readonly FolderLedger _ledger;

    public FolderLedgerTests() => _ledger = new FolderLedger(_root.FullName);

    protected override ISubmissionLedger Ledger => _ledger;

    public void Dispose() => _root.Delete(recursive: true);
}
