using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ReportingPipeline.Testing;

namespace ReportingPipeline.Functions.Tests;

/// <summary>
/// What the Functions host reads of the app (the generated <c>functions.metadata</c> and <c>host.json</c>), held
/// against what infra/bicep deploys: a trigger the deployment does not feed, or a setting it does not set, fails here
/// instead of on the first day in Azure.
/// </summary>
public sealed partial class FunctionsMetadataTests
{
    private static readonly string AppOutput = typeof(FunctionsMetadataTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "FunctionsAppOutput").Value!;

    private static JsonArray Metadata => JsonNode.Parse(File.ReadAllText(Path.Combine(AppOutput, "functions.metadata")))!.AsArray();

    private static IEnumerable<(string Function, JsonObject Binding)> Triggers =>
        Metadata.Select(f => (f!["name"]!.GetValue<string>(), f["bindings"]!.AsArray().Select(b => b!.AsObject()).Single(b => b["type"]!.GetValue<string>().EndsWith("Trigger", StringComparison.Ordinal))));

    [Fact]
    public void Metadata_NamesEveryFunctionClass() =>
        Assert.Equal(FunctionsAppHost.FunctionClasses.Select(t => t.Name), Metadata.Select(f => f!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal));

    [Fact]
    public void BlobTriggers_AreFedByEventGridSubscriptionsToTheirFunction()
    {
        var subscription = CompiledTemplates.Single("Microsoft.EventGrid/systemTopics/eventSubscriptions", overrides: DeployedApp.Subscribed);
        Assert.True(subscription.Scope.Resolve(subscription.Body["condition"])!.GetValue<bool>());
        var endpoint = subscription.String("properties.destination.properties.endpointUrl")!;
        Assert.Contains("/runtime/webhooks/blobs?functionName=Host.Functions.{1}&", endpoint, StringComparison.Ordinal);
        var fed = subscription.Scope.Resolve(JsonValue.Create("[parameters('triggers')]"))!.AsArray()
            .Select(t => (Container: t!["container"]!.GetValue<string>(), Function: t["functionName"]!.GetValue<string>()))
            .ToList();

        var blobTriggers = Triggers.Where(t => t.Binding["type"]!.GetValue<string>() == "blobTrigger").ToList();
        Assert.Equal(2, blobTriggers.Count);
        foreach (var (function, binding) in blobTriggers)
        {
            Assert.Equal("EventGrid", binding["source"]?.GetValue<string>());
            var container = binding["path"]!.GetValue<string>().Split('/')[0];
            Assert.Contains((container, function), fed);
        }

        Assert.Equal(fed.Count, blobTriggers.Count);
    }

    [Fact]
    public void Bindings_UseOnlySettingsTheDeploymentSets()
    {
        var settings = DeployedApp.AppSettings;
        foreach (var (function, binding) in Triggers)
        {
            foreach (var value in binding.Select(p => p.Value).OfType<JsonValue>().Select(v => v.ToString()))
            {
                foreach (Match setting in SettingReference().Matches(value))
                {
                    Assert.True(settings.ContainsKey(setting.Groups[1].Value), $"{function} uses %{setting.Groups[1].Value}%, which the deployment does not set");
                }
            }

            // An identity-based connection is a group of settings under its name; no name means AzureWebJobsStorage.
            var connection = binding["connection"]?.GetValue<string>() ?? "AzureWebJobsStorage";
            var service = binding["type"]!.GetValue<string>() switch
            {
                "blobTrigger" => "serviceUri",
                "queueTrigger" => "queueServiceUri",
                _ => null,
            };
            if (service is not null)
            {
                Assert.True(settings.ContainsKey($"{connection}__{service}") || settings.ContainsKey($"{connection}__blobServiceUri") && service == "serviceUri",
                    $"{function} connects through {connection}, but the deployment sets no {connection}__{service}");
                Assert.Equal("managedidentity", settings.GetValueOrDefault($"{connection}__credential"));
            }
        }
    }

    [Fact]
    public void SubmissionSetAside_ReadsThePoisonQueueOfTheHostStorage()
    {
        var (_, binding) = Assert.Single(Triggers, t => t.Function == nameof(SubmissionSetAside));
        Assert.Equal("queueTrigger", binding["type"]!.GetValue<string>());
        Assert.Equal("webjobs-blobtrigger-poison", binding["queueName"]!.GetValue<string>());
        Assert.Null(binding["connection"]);

        // In the serviceUri form the blob extension keeps its poison queue in AzureWebJobsStorage, where this trigger reads.
        foreach (var (_, blob) in Triggers.Where(t => t.Binding["type"]!.GetValue<string>() == "blobTrigger"))
        {
            var connection = blob["connection"]!.GetValue<string>();
            Assert.False(DeployedApp.AppSettings.ContainsKey($"{connection}__queueServiceUri"),
                $"{connection}__queueServiceUri would move the poison queue out of AzureWebJobsStorage");
        }
    }

    [Fact]
    public void BuildMartsRequested_ReadsTheBuildRequestQueueTheDeploymentDeclaresOnTheHostStorage()
    {
        var (_, binding) = Assert.Single(Triggers, t => t.Function == nameof(BuildMartsRequested));
        Assert.Equal("queueTrigger", binding["type"]!.GetValue<string>());
        Assert.Equal(MartBuildQueue.Name, binding["queueName"]!.GetValue<string>());
        // No connection: AzureWebJobsStorage, the account MartBuildQueue sends to.
        Assert.Null(binding["connection"]);

        var queue = Assert.Single(CompiledTemplates.OfType("Microsoft.Storage/storageAccounts/queueServices/queues", overrides: DeployedApp.Subscribed));
        var name = queue.Body["name"]!.GetValue<string>();
        Assert.Contains("hostStorageAccountName", name, StringComparison.Ordinal);
        Assert.Contains($"'{MartBuildQueue.Name}'", name, StringComparison.Ordinal);
    }

    [Fact]
    public void HostJson_QueuesPolledOftenEnoughThatAnUploadReachesTheMartsWithinTwoMinutes()
    {
        // An upload's build starts at most the message's delay plus one polling interval after it was recorded, and waits
        // at most for one build already running; two minutes leave a minute for those two builds.
        var polling = TimeSpan.Parse(HostJson["extensions"]!["queues"]!["maxPollingInterval"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        // The deployment leaves Pipeline__MartBuildMaxDelay at its default.
        Assert.DoesNotContain("Pipeline__MartBuildMaxDelay", DeployedApp.AppSettings.Keys);
        var delay = new ReportingPipeline.Hosting.PipelineOptions().MartBuildMaxDelay;
        Assert.True(delay + polling <= TimeSpan.FromMinutes(1), $"delay {delay} + polling {polling}");
    }

    [Fact]
    public void HostJson_PoisonThresholdIsTheOneTheSetAsideReportStates()
    {
        var host = HostJson;
        Assert.Equal(SubmissionSetAside.PoisonBlobThreshold, host["extensions"]!["blobs"]!["poisonBlobThreshold"]!.GetValue<int>());
    }

    [Fact]
    public void HostJson_ConfiguresOnlyInstalledExtensions()
    {
        // host.json sections the host reads only when the app installs the extension that owns them.
        var owners = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["blobs"] = "Microsoft.Azure.Functions.Worker.Extensions.Storage.Blobs",
            ["queues"] = "Microsoft.Azure.Functions.Worker.Extensions.Storage.Queues",
        };
        var installed = typeof(SubmissionSetAside).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToHashSet(StringComparer.Ordinal);
        foreach (var (section, _) in HostJson["extensions"]!.AsObject())
        {
            Assert.True(owners.TryGetValue(section, out var owner), $"host.json extensions.{section}: no installed extension reads it");
            Assert.Contains(owner, installed);
        }
    }

    private static JsonObject HostJson => JsonNode.Parse(File.ReadAllText(Path.Combine(AppOutput, "host.json")))!.AsObject();

    [GeneratedRegex("%([^%]+)%")]
    private static partial Regex SettingReference();
}
