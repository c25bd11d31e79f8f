using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit;

namespace ReportingPipeline.Testing;

/// <summary>A resource of a compiled template, with the template (module) it sits in.</summary>
public sealed record ArmResource(string Type, string Symbol, JsonObject Body, ArmScope Scope)
{
    public JsonNode? Property(string path) => Scope.Resolve(Walk(Body, path));

    public string? String(string path) => Property(path)?.GetValue<object>()?.ToString();

    public bool? Bool(string path) => Property(path) is JsonValue value && value.TryGetValue(out bool result) ? result : null;

    public int? Int(string path) => Property(path) is JsonValue value && value.TryGetValue(out int result) ? result : null;

    private static JsonNode? Walk(JsonNode? node, string path)
    {
        foreach (var part in path.Split('.'))
        {
            node = node is JsonObject obj ? obj[part] : null;
        }
        return node;
    }
}

/// <summary>
/// One template scope (main or a module) and the parameter values it is given. Resolves the plain
/// <c>[parameters('x')]</c> and <c>[variables('x')]</c> references that make up most of the values the
/// security tests look at; anything else is returned as the ARM expression string.
/// </summary>
public sealed partial class ArmScope(JsonObject template, IReadOnlyDictionary<string, JsonNode?> parameterValues, string name)
{
    public JsonObject Template { get; } = template;

    public string Name { get; } = name;

    public JsonNode? Resolve(JsonNode? node, int depth = 0)
    {
        if (depth > 20 || node is not JsonValue value || !value.TryGetValue(out string? text))
        {
            return node;
        }
        var parameter = ParameterReference().Match(text);
        if (parameter.Success)
        {
            var parameterName = parameter.Groups[1].Value;
            if (parameterValues.TryGetValue(parameterName, out var given))
            {
                return given;
            }
            return Resolve(Template["parameters"]?[parameterName]?["defaultValue"], depth + 1);
        }
        var variable = VariableReference().Match(text);
        if (variable.Success)
        {
            return Resolve(Template["variables"]?[variable.Groups[1].Value], depth + 1);
        }
        return node;
    }

    /// <summary>A copy of the node with every plain reference resolved, inside arrays and objects too.</summary>
    public JsonNode? ResolveDeep(JsonNode? node) => Resolve(node) switch
    {
        JsonArray array => new JsonArray(array.Select(ResolveDeep).ToArray()),
        JsonObject obj => new JsonObject(obj.Select(pair => KeyValuePair.Create(pair.Key, ResolveDeep(pair.Value)))),
        var resolved => resolved?.DeepClone(),
    };

    /// <summary>Every resource of this template and, recursively, of its modules.</summary>
    public IEnumerable<ArmResource> Resources()
    {
        foreach (var (symbol, body) in Enumerate(Template["resources"]))
        {
            var type = body["type"]!.GetValue<string>();
            if (body["existing"]?.GetValue<bool>() == true)
            {
                continue;
            }
            var resource = new ArmResource(type, symbol, body, this);
            yield return resource;
            if (type == "Microsoft.Resources/deployments")
            {
                var values = new Dictionary<string, JsonNode?>();
                foreach (var (parameterName, parameterValue) in body["properties"]!["parameters"]?.AsObject() ?? [])
                {
                    values[parameterName] = ResolveDeep(parameterValue?["value"]);
                }
                var child = new ArmScope(body["properties"]!["template"]!.AsObject(), values, body["name"]!.GetValue<string>());
                foreach (var nested in child.Resources())
                {
                    yield return nested;
                }
            }
        }
    }

    private static IEnumerable<(string Symbol, JsonObject Body)> Enumerate(JsonNode? resources) => resources switch
    {
        JsonObject symbolic => symbolic.Select(pair => (pair.Key, pair.Value!.AsObject())),
        JsonArray list => list.Select((item, index) => (index.ToString(System.Globalization.CultureInfo.InvariantCulture), item!.AsObject())),
        _ => [],
    };

    [GeneratedRegex(@"^\[parameters\('(\w+)'\)\]$")]
    private static partial Regex ParameterReference();

    [GeneratedRegex(@"^\[variables\('(\w+)'\)\]$")]
    private static partial Regex VariableReference();
}

/// <summary>
/// Every .bicep and .bicepparam file compiled once per test run, in two batch runs of the Bicep CLI
/// (each start of the CLI costs seconds), plus main.bicep's resources with an environment's values.
/// </summary>
public static class CompiledTemplates
{
    private static readonly Lazy<Compilation> Output = new(Compile);

    public static BicepRun TemplateBuild => Output.Value.TemplateBuild;

    public static BicepRun ParameterBuild => Output.Value.ParameterBuild;

    /// <summary>The ARM JSON of a .bicep file, by its path relative to infra/bicep.</summary>
    public static JsonObject Template(string relativeBicepPath)
    {
        var json = Path.Combine(Output.Value.TemplateDirectory, Path.ChangeExtension(relativeBicepPath, ".json"));
        Assert.True(File.Exists(json), $"{relativeBicepPath} was not compiled\n{TemplateBuild.Describe()}");
        return JsonNode.Parse(File.ReadAllText(json))!.AsObject();
    }

    public static JsonObject MainJson => Template("main.bicep");

    public static JsonObject ParameterValues(string environment)
    {
        var json = Path.Combine(Output.Value.ParameterDirectory, $"{environment}.json");
        Assert.True(File.Exists(json), $"{environment}.bicepparam was not compiled\n{ParameterBuild.Describe()}");
        return BicepCli.ParameterValues(JsonNode.Parse(File.ReadAllText(json))!.AsObject());
    }

    /// <summary>
    /// The resources main.bicep deploys with the given environment's parameter file, some of whose values may
    /// be replaced, as `--parameters name=value` does on the command line (e.g. <c>subscribeEventGrid</c> = true).
    /// </summary>
    public static IReadOnlyList<ArmResource> Resources(string environment = "prod", IReadOnlyDictionary<string, JsonNode?>? overrides = null) =>
        Main(environment, overrides).Resources().ToArray();

    /// <summary>main.bicep's own scope (parameters, variables, outputs) with an environment's values.</summary>
    public static ArmScope Main(string environment = "prod", IReadOnlyDictionary<string, JsonNode?>? overrides = null)
    {
        var values = ParameterValues(environment).ToDictionary(pair => pair.Key, pair => pair.Value);
        foreach (var (name, value) in overrides ?? new Dictionary<string, JsonNode?>())
        {
            values[name] = value?.DeepClone();
        }
        return new ArmScope(MainJson, values, "main");
    }

    public static IReadOnlyList<ArmResource> OfType(string type, string environment = "prod", IReadOnlyDictionary<string, JsonNode?>? overrides = null) =>
        Resources(environment, overrides).Where(resource => string.Equals(resource.Type, type, StringComparison.OrdinalIgnoreCase)).ToArray();

    public static ArmResource Single(string type, string environment = "prod", IReadOnlyDictionary<string, JsonNode?>? overrides = null) =>
        Assert.Single(OfType(type, environment, overrides));

    private sealed record Compilation(BicepRun TemplateBuild, string TemplateDirectory, BicepRun ParameterBuild, string ParameterDirectory);

    private static Compilation Compile()
    {
        var output = Directory.CreateTempSubdirectory("reporting-pipeline-bicep-").FullName;
        var templates = Path.Combine(output, "templates");
        var parameters = Path.Combine(output, "parameters");
        var templateBuild = BicepCli.RunIn(InfraFiles.BicepDirectory, "build", "--pattern", "./**/*.bicep", "--outdir", templates);
        var parameterBuild = BicepCli.RunIn(InfraFiles.BicepDirectory, "build-params", "--pattern", "./**/*.bicepparam", "--outdir", parameters);
        return new Compilation(templateBuild, templates, parameterBuild, parameters);
    }
}
