using System.Text.RegularExpressions;

namespace ReportingPipeline.Infra.Tests;

/// <summary>Built-in Azure role definition ids (the same in every tenant).</summary>
public static partial class RoleIds
{
    public const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    public const string StorageBlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    public const string StorageBlobDataReader = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1";
    public const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    public const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    public const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";

    /// <summary>The role GUID a role assignment grants, or the raw expression when it is not a built-in role.</summary>
    public static string Of(ArmResource assignment)
    {
        var expression = assignment.String("properties.roleDefinitionId") ?? "";
        var literal = Guid().Match(expression);
        if (literal.Success)
        {
            return literal.Value;
        }
        var variable = VariableProperty().Match(expression);
        if (variable.Success)
        {
            var value = assignment.Scope.Template["variables"]?[variable.Groups[1].Value];
            if (variable.Groups[2].Success)
            {
                value = value?[variable.Groups[2].Value];
            }
            return value?.GetValue<string>() ?? expression;
        }
        return expression;
    }

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Guid();

    [GeneratedRegex(@"variables\('(\w+)'\)(?:\.(\w+))?")]
    private static partial Regex VariableProperty();
}
