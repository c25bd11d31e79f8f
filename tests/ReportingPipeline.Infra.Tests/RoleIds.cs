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
    public const string StorageBlobDelegator = "db58b8e5-c6ad-4a2a-8342-4190687cbf4a";
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
        var parameter = ParameterReference().Match(expression);
        if (parameter.Success)
        {
            var value = assignment.Scope.Resolve(System.Text.Json.Nodes.JsonValue.Create($"[parameters('{parameter.Groups[1].Value}')]"));
            return value?.GetValue<string>() ?? expression;
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

    [GeneratedRegex(@"roleDefinitions', parameters\('(\w+)'\)\)")]
    private static partial Regex ParameterReference();

    /// <summary>
    /// Which of the three storage accounts (data, marts, host) a role assignment's scope is in, from the
    /// account name it is given (main.bicep: stdata…, stmarts…, sthost…); null for any other scope.
    /// </summary>
    public static string? AccountOf(ArmResource assignment)
    {
        var scope = assignment.String("scope") ?? "";
        if (!scope.Contains("Microsoft.Storage/storageAccounts", StringComparison.Ordinal))
        {
            return null;
        }
        var accountParameter = AccountParameter().Match(scope);
        Assert.True(accountParameter.Success, scope);
        var name = assignment.Scope.Resolve(System.Text.Json.Nodes.JsonValue.Create($"[parameters('{accountParameter.Groups[1].Value}')]"))!.ToString();
        var kind = AccountKind().Match(name);
        Assert.True(kind.Success, name);
        return kind.Groups[1].Value;
    }

    [GeneratedRegex(@"Microsoft\.Storage/storageAccounts[^,]*', parameters\('(\w+)'\)")]
    private static partial Regex AccountParameter();

    [GeneratedRegex(@"'st(data|marts|host)\{0\}")]
    private static partial Regex AccountKind();
}
