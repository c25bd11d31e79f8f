namespace ReportingPipeline.Functions;

/// <summary>
/// The connection of the blob triggers: the account that holds <c>submissions</c> and <c>reference</c>, apart from the
/// host's own (AzureWebJobsStorage). In Azure it is identity-based (<c>DataStorage__serviceUri</c>,
/// <c>DataStorage__credential</c>); in this form the blob extension keeps its poison queue in AzureWebJobsStorage,
/// where <see cref="SubmissionSetAside"/> reads it.
/// </summary>
public static class DataStorage
{
    public const string Connection = "DataStorage";
}
