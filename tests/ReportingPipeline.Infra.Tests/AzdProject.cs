using YamlDotNet.RepresentationModel;

namespace ReportingPipeline.Infra.Tests;

/// <summary>azure.yaml and .github/workflows/deploy.yml, read as YAML.</summary>
public static class AzdProject
{
    public static YamlMappingNode AzureYaml => Load("azure.yaml");

    public static YamlMappingNode Workflow => Load(Path.Combine(".github", "workflows", "deploy.yml"));

    /// <summary>The services of azure.yaml, by name.</summary>
    public static IReadOnlyDictionary<string, YamlMappingNode> Services =>
        Mapping(AzureYaml, "services").Children.ToDictionary(pair => Scalar(pair.Key), pair => (YamlMappingNode)pair.Value);

    public static YamlMappingNode Load(string relativePath)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(InfraFiles.FromRoot(relativePath));
        stream.Load(reader);
        return (YamlMappingNode)Assert.Single(stream.Documents).RootNode;
    }

    public static YamlMappingNode Mapping(YamlMappingNode node, string key) => (YamlMappingNode)node.Children[new YamlScalarNode(key)];

    public static YamlSequenceNode Sequence(YamlMappingNode node, string key) => (YamlSequenceNode)node.Children[new YamlScalarNode(key)];

    public static string Scalar(YamlMappingNode node, string key) => Scalar(node.Children[new YamlScalarNode(key)]);

    public static string? ScalarOrNull(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? Scalar(value) : null;

    public static string Scalar(YamlNode node) => ((YamlScalarNode)node).Value ?? "";
}
