using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;
using static ReportingPipeline.Infra.Tests.AzdProject;

namespace ReportingPipeline.Infra.Tests;

/// <summary>
/// azure.yaml (azd up), the post-deploy hook and the GitHub deployment workflow, checked against the files
/// and template outputs they name. Neither azd nor actionlint runs here: these are the checks that can.
/// </summary>
public sealed class DeploymentFilesTests
{
    [Fact]
    public void AzureYaml_Infra_IsTheBicepModuleWithAzdParameters()
    {
        var infra = Mapping(AzureYaml, "infra");
        Assert.Equal("bicep", Scalar(infra, "provider"));
        var module = Path.Combine(InfraFiles.FromRoot(Scalar(infra, "path")), Scalar(infra, "module"));
        Assert.Equal(InfraFiles.MainTemplate, Path.GetFullPath(module + ".bicep"));
        // azd prefers {module}.bicepparam to {module}.bicep with {module}.parameters.json.
        Assert.True(File.Exists(module + ".bicepparam"));
        Assert.False(File.Exists(module + ".parameters.json"), "two parameter sources for azd");
    }

    [Fact]
    public void AzureYaml_Service_IsTheFunctionsProject()
    {
        var (name, service) = Assert.Single(Services);
        Assert.Equal("function", Scalar(service, "host"));
        Assert.Equal("dotnet", Scalar(service, "language"));
        var project = InfraFiles.FromRoot(Scalar(service, "project"));
        Assert.True(File.Exists(Path.Combine(project, "ReportingPipeline.Functions.csproj")), project);
        Assert.Equal("pipeline", name);
    }

    [Fact]
    public void AzureYaml_PostDeployHook_IsTheExecutableSubscribeScript()
    {
        var hook = Mapping(Mapping(Mapping(AzureYaml, "hooks"), "postdeploy"), "posix");
        var script = InfraFiles.FromRoot(Scalar(hook, "run"));
        Assert.Equal(InfraFiles.FromRoot(Path.Combine("infra", "scripts", "subscribe-eventgrid.sh")), Path.GetFullPath(script));
        // azd runs a posix hook by its path: the shebang chooses the shell, the execute bit must be set.
        Assert.True(OperatingSystem.IsWindows() || File.GetUnixFileMode(script).HasFlag(UnixFileMode.UserExecute));
        Assert.StartsWith("#!/usr/bin/env bash", File.ReadAllText(script), StringComparison.Ordinal);
        Assert.Equal("false", Scalar(hook, "continueOnError"));
    }

    [Fact]
    public void SubscribeScript_AzdEnvironmentVariables_AreTemplateOutputsOrSetByAzd()
    {
        var outputs = CompiledTemplates.MainJson["outputs"]!.AsObject().Select(output => output.Key).ToHashSet();
        // azd itself sets these for a resource-group deployment; everything else must be an output of main.bicep.
        var fromAzd = new HashSet<string>(StringComparer.Ordinal) { "AZURE_RESOURCE_GROUP", "AZURE_ENV_NAME", "AZURE_LOCATION" };
        var script = File.ReadAllText(InfraFiles.FromRoot(Path.Combine("infra", "scripts", "subscribe-eventgrid.sh")));
        var read = System.Text.RegularExpressions.Regex.Matches(script, @"\$\{(\w+):[-?]")
            .Select(match => match.Groups[1].Value).Distinct().ToArray();
        Assert.Contains("AZURE_FUNCTION_APP_NAME", read);
        Assert.Contains("eventGridSystemTopicName", read);
        Assert.All(read, variable => Assert.True(fromAzd.Contains(variable) || outputs.Contains(variable), $"{variable} is neither set by azd nor an output of main.bicep"));
        // The manual path reads these outputs of the deployment.
        Assert.Contains("functionAppName", outputs);
        Assert.Contains("eventGridSystemTopicName", outputs);
    }

    [Fact]
    public void MainOutputs_IncludeWhatOperatorsAndTheAppTestsUse()
    {
        var outputs = CompiledTemplates.MainJson["outputs"]!.AsObject();
        foreach (var name in new[] { "functionAppName", "eventGridSystemTopicName", "martsUrl", "dataStorageAccountName", "martsStorageAccountName", "hostStorageAccountName", "AZURE_FUNCTION_APP_NAME", "RESOURCE_GROUP" })
        {
            Assert.True(outputs.ContainsKey(name), name);
        }
        Assert.Contains("marts", outputs["martsUrl"]!["value"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("martsStorage", outputs["martsUrl"]!["value"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("prod")]
    public void AzdParameters_ForAnEnvironment_MatchThatEnvironmentsParameterFile(string environment)
    {
        // main.bicepparam mirrors dev/prod.bicepparam so that `azd up` and the manual path deploy the same thing.
        var azd = BicepCli.BuildParameters(InfraFiles.ParameterFile("main"),
            new Dictionary<string, string> { ["AZURE_ENV_NAME"] = environment, ["AZURE_LOCATION"] = "eastasia" });
        var manual = CompiledTemplates.ParameterValues(environment);
        var defaults = CompiledTemplates.MainJson["parameters"]!.AsObject();
        Assert.Equal("eastasia", azd["location"]!.GetValue<string>());
        Assert.All(manual, pair => Assert.True(azd.ContainsKey(pair.Key), $"main.bicepparam does not set {pair.Key}"));
        foreach (var (name, value) in azd.Where(pair => pair.Key != "location"))
        {
            // What the manual path deploys: the environment's file, else the template's default.
            var expected = manual.ContainsKey(name) ? manual[name] : defaults[name]!["defaultValue"];
            Assert.True(JsonNode.DeepEquals(expected, value), $"{name}: {environment} deploys {expected?.ToJsonString()}, main.bicepparam {value?.ToJsonString()}");
        }
    }

    [Fact]
    public void AzdParameters_SubscribeEventGrid_FollowsTheAzdEnvironment()
    {
        var main = InfraFiles.ParameterFile("main");
        Assert.False(BicepCli.BuildParameters(main)["subscribeEventGrid"]!.GetValue<bool>());
        Assert.True(BicepCli.BuildParameters(main, new Dictionary<string, string> { ["SUBSCRIBE_EVENT_GRID"] = "true" })["subscribeEventGrid"]!.GetValue<bool>());
    }

    [Fact]
    public void AzdParameters_UnknownEnvironmentName_IsRefused()
    {
        var run = BicepCli.RunWith(null, new Dictionary<string, string> { ["AZURE_ENV_NAME"] = "staging" },
            "build-params", InfraFiles.ParameterFile("main"), "--stdout");
        Assert.NotEqual(0, run.ExitCode);
    }

    [Fact]
    public void Workflow_TestStep_RunsTheProjectTestScript()
    {
        var steps = Steps("build");
        Assert.Contains(steps, step => ScalarOrNull(step, "run")?.Trim() == "./scripts/test.sh");
        Assert.True(File.Exists(InfraFiles.FromRoot(Path.Combine("scripts", "test.sh"))));
        var publish = Assert.Single(steps, step => ScalarOrNull(step, "run")?.Contains("dotnet publish", StringComparison.Ordinal) == true);
        Assert.Contains("functions/ReportingPipeline.Functions ", Scalar(publish, "run"), StringComparison.Ordinal);
        Assert.True(Directory.Exists(InfraFiles.FromRoot(Path.Combine("functions", "ReportingPipeline.Functions"))));
    }

    [Fact]
    public void Workflow_Deploy_SignsInWithFederatedCredentialsAndNoSecret()
    {
        var deploy = Job("deploy");
        Assert.Equal("write", Scalar(Mapping(deploy, "permissions"), "id-token"));
        var login = Assert.Single(Steps("deploy"), step => ScalarOrNull(step, "uses")?.StartsWith("azure/login@", StringComparison.Ordinal) == true);
        var with = Mapping(login, "with");
        Assert.Equal(["client-id", "subscription-id", "tenant-id"], with.Children.Keys.Select(Scalar).Order(StringComparer.Ordinal));
        Assert.DoesNotContain("secrets.", File.ReadAllText(InfraFiles.FromRoot(Path.Combine(".github", "workflows", "deploy.yml"))), StringComparison.Ordinal);
    }

    [Fact]
    public void Workflow_Deploy_RunsWhatIfBeforeDeployThenPackageThenEventGrid()
    {
        var runs = Steps("deploy").Select(step => ScalarOrNull(step, "run") ?? "").ToList();
        int Index(string text) => runs.FindIndex(run => run.Contains(text, StringComparison.Ordinal));
        Assert.InRange(Index("az deployment group what-if"), 0, Index("az deployment group create") - 1);
        Assert.InRange(Index("az deployment group create"), 0, Index("config-zip") - 1);
        Assert.InRange(Index("config-zip"), 0, Index("subscribe-eventgrid.sh") - 1);
        Assert.All(runs.Where(run => run.Contains("az deployment group what-if", StringComparison.Ordinal) || run.Contains("az deployment group create", StringComparison.Ordinal)),
            run => Assert.Contains("infra/bicep/prod.bicepparam", run, StringComparison.Ordinal));
        Assert.Equal("build", Scalar(Job("deploy"), "needs"));
    }

    private static YamlMappingNode Job(string name) => Mapping(Mapping(Workflow, "jobs"), name);

    private static YamlMappingNode[] Steps(string job) => Sequence(Job(job), "steps").Children.Cast<YamlMappingNode>().ToArray();
}
