namespace ReportingPipeline.Infra.Tests;

/// <summary>modules/alerts.bicep as deployed by main.bicep.</summary>
public sealed class AlertsTemplateTests
{
    private static ArmResource LogAlerts => CompiledTemplates.Single("Microsoft.Insights/scheduledQueryRules");

    // ARM expressions kept readable: the default encoder writes ' as \u0027.
    private static string Json(System.Text.Json.Nodes.JsonNode? node) =>
        node!.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    private static System.Text.Json.Nodes.JsonArray Variable(ArmResource resource, string name) =>
        resource.Scope.Template["variables"]![name]!.AsArray();

    [Fact]
    public void LogAlerts_CoverFunctionFailuresAndSetAsideUploads()
    {
        var queries = Variable(LogAlerts, "logAlerts").Select(alert => alert!["query"]!.GetValue<string>()).ToArray();
        Assert.Contains("requests | where success == false", queries);
        // SubmissionSetAside consumes the blob trigger's poison queue: each run is an upload that was given up on.
        Assert.Contains("requests | where name == \"SubmissionSetAside\"", queries);
        Assert.Contains("Microsoft.Insights/components", LogAlerts.Property("properties.scopes")!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("Count", LogAlerts.Property("properties.criteria.allOf")![0]!["timeAggregation"]!.GetValue<string>());
    }

    [Fact]
    public void MetricAlerts_CoverEventGridDeliveryFailuresAndDeadLetters()
    {
        var alerts = CompiledTemplates.Single("Microsoft.Insights/metricAlerts");
        var metrics = Variable(alerts, "deliveryMetrics").Select(metric => metric!["metric"]!.GetValue<string>()).Order(StringComparer.Ordinal);
        Assert.Equal(["DeadLetteredCount", "DeliveryAttemptFailCount", "DroppedEventCount"], metrics);
        Assert.Contains("Microsoft.EventGrid/systemTopics", alerts.Property("properties.scopes")!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("Microsoft.EventGrid/systemTopics", alerts.Property("properties.criteria.allOf")![0]!["metricNamespace"]!.GetValue<string>());
    }

    [Fact]
    public void MetricAlerts_WatchTheTopicEventGridCreates()
    {
        var main = CompiledTemplates.MainJson["resources"]!;
        Assert.Equal(main["alerts"]!["properties"]!["parameters"]!["systemTopicName"]!.ToJsonString(),
            main["eventGrid"]!["properties"]!["parameters"]!["systemTopicName"]!.ToJsonString());
    }

    [Fact]
    public void EveryAlert_NotifiesTheOperatorsActionGroup()
    {
        var group = CompiledTemplates.Single("Microsoft.Insights/actionGroups");
        Assert.Equal("[parameters('operatorEmails')]", CompiledTemplates.MainJson["resources"]!["alerts"]!["properties"]!["parameters"]!["operatorEmails"]!["value"]!.GetValue<string>());
        // A property loop: ARM's "copy" over parameters('operatorEmails').
        Assert.Contains("parameters('operatorEmails')", Json(group.Body["properties"]), StringComparison.Ordinal);
        Assert.Contains("emailReceivers", Json(group.Body["properties"]), StringComparison.Ordinal);
        var groupId = "[resourceId('Microsoft.Insights/actionGroups', format('ag-{0}-operators', parameters('baseName')))]";
        Assert.Contains("format('ag-{0}-operators', parameters('baseName'))", group.Body["name"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal([groupId], LogAlerts.Property("properties.actions.actionGroups")!.AsArray().Select(id => id!.GetValue<string>()));
        Assert.Equal([groupId], CompiledTemplates.Single("Microsoft.Insights/metricAlerts").Property("properties.actions")!.AsArray().Select(action => action!["actionGroupId"]!.GetValue<string>()));
    }
}
