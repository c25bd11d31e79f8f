using System.Text.RegularExpressions;

namespace ReportingPipeline.Infra.Tests;

/// <summary>modules/event-grid.bicep as deployed by main.bicep.</summary>
public sealed class EventGridTemplateTests
{
    private static ArmResource Subscription => CompiledTemplates.Single("Microsoft.EventGrid/systemTopics/eventSubscriptions");

    private static (string Container, string FunctionName)[] Triggers =>
        Subscription.Scope.Resolve(System.Text.Json.Nodes.JsonValue.Create("[parameters('triggers')]"))!.AsArray()
            .Select(trigger => (trigger!["container"]!.GetValue<string>(), trigger["functionName"]!.GetValue<string>()))
            .ToArray();

    [Fact]
    public void SystemTopic_WatchesTheStorageAccount()
    {
        var topic = CompiledTemplates.Single("Microsoft.EventGrid/systemTopics");
        Assert.Equal("Microsoft.Storage.StorageAccounts", topic.String("properties.topicType"));
        Assert.Contains("Microsoft.Storage/storageAccounts", topic.String("properties.source"), StringComparison.Ordinal);
        // The topic watches the account that holds submissions and reference: the data account.
        Assert.Equal("[variables('dataStorageAccountName')]",
            CompiledTemplates.MainJson["resources"]!["eventGrid"]!["properties"]!["parameters"]!["storageAccountName"]!["value"]!.GetValue<string>());
        Assert.Equal("SystemAssigned", topic.String("identity.type"));
    }

    [Fact]
    public void Subscriptions_FilterBlobCreatedInSubmissionsAndReference()
    {
        Assert.Equal(["Microsoft.Storage.BlobCreated"], Subscription.Property("properties.filter.includedEventTypes")!.AsArray()
            .Select(type => type!.GetValue<string>()));
        var subject = Regex.Match(Subscription.String("properties.filter.subjectBeginsWith")!,
            @"^\[format\('([^']*)', parameters\('triggers'\)\[copyIndex\(\)\]\.container\)\]$");
        Assert.True(subject.Success, Subscription.String("properties.filter.subjectBeginsWith"));
        var subjects = Triggers.Select(trigger => subject.Groups[1].Value.Replace("{0}", trigger.Container, StringComparison.Ordinal));
        Assert.Equal(
            ["/blobServices/default/containers/reference/", "/blobServices/default/containers/submissions/"],
            subjects.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Subscriptions_DeliverToTheBlobExtensionWebhook()
    {
        Assert.Equal("WebHook", Subscription.String("properties.destination.endpointType"));
        var url = Subscription.String("properties.destination.properties.endpointUrl")!;
        Assert.Contains("https://{0}/runtime/webhooks/blobs?functionName=Host.Functions.{1}&code={2}", url, StringComparison.Ordinal);
        Assert.Contains(".systemKeys.blobs_extension", url, StringComparison.Ordinal);
        Assert.Equal(
            [("reference", "ReferenceDataChanged"), ("submissions", "IngestSubmission")],
            Triggers.Order());
    }

    [Fact]
    public void Subscriptions_AreOffUntilTheCodeIsDeployed()
    {
        Assert.Equal("[parameters('subscribe')]", Subscription.Body["condition"]!.GetValue<string>());
        Assert.False(Subscription.Scope.Resolve(System.Text.Json.Nodes.JsonValue.Create("[parameters('subscribe')]"))!.GetValue<bool>());
    }

    [Fact]
    public void Subscriptions_SubscribeEventGridTrue_AreDeployed()
    {
        // How subscribe-eventgrid.sh (and the Functions app's metadata test) deploy them.
        var subscribed = CompiledTemplates.Single("Microsoft.EventGrid/systemTopics/eventSubscriptions",
            overrides: new Dictionary<string, System.Text.Json.Nodes.JsonNode?> { ["subscribeEventGrid"] = true });
        Assert.True(subscribed.Scope.Resolve(subscribed.Body["condition"])!.GetValue<bool>());
    }

    [Fact]
    public void Subscriptions_PassOnlyCompletedWrites()
    {
        var filter = Assert.Single(Subscription.Property("properties.filter.advancedFilters")!.AsArray());
        Assert.Equal("data.api", filter!["key"]!.GetValue<string>());
        Assert.Equal("StringIn", filter["operatorType"]!.GetValue<string>());
        var apis = Subscription.Scope.Resolve(filter["values"])!.AsArray().Select(api => api!.GetValue<string>()).Order(StringComparer.Ordinal);
        // Every API that completes a blob, including the from-URL ones; never CreateFile (an empty Data Lake file).
        Assert.Equal(["CopyBlob", "CopyBlobFromURL", "FlushWithClose", "PutBlob", "PutBlobFromURL", "PutBlockList"], apis);
    }

    [Fact]
    public void Subscriptions_DeadLetterWithTheTopicIdentity() =>
        Assert.Equal("SystemAssigned", Subscription.String("properties.deadLetterWithResourceIdentity.identity.type"));
}
