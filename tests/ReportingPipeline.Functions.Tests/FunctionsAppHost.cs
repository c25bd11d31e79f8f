using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ReportingPipeline.Functions.Tests;

/// <summary>
/// The worker's host built exactly as <c>Program.cs</c> builds it (<see cref="FunctionsAppBuilderExtensions.AddReportingPipelineFunctions"/>),
/// from app settings as Azure passes them (environment-style <c>Section__Key</c> names), with dependency-injection
/// validation on. It is built, not started: the Functions host (Core Tools) is not available here, so tests call
/// the function classes as the worker would, through instances created from the host's services.
/// </summary>
internal static class FunctionsAppHost
{
    public static IHost Build(IReadOnlyDictionary<string, string?> appSettings, Action<IServiceCollection>? replace = null)
    {
        var builder = FunctionsApplication.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(appSettings.Select(s => KeyValuePair.Create(s.Key.Replace("__", ":", StringComparison.Ordinal), s.Value)));
        builder.AddReportingPipelineFunctions();
        replace?.Invoke(builder.Services);
        builder.ConfigureContainer(new DefaultServiceProviderFactory(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }));
        return builder.Build();
    }

    /// <summary>Every class with a <c>[Function]</c> method: what the worker indexes.</summary>
    public static IReadOnlyList<Type> FunctionClasses { get; } =
        [.. typeof(FunctionsAppBuilderExtensions).Assembly.GetTypes()
            .Where(t => t.GetMethods().Any(m => m.GetCustomAttribute<FunctionAttribute>() is not null))
            .OrderBy(t => t.Name, StringComparer.Ordinal)];

    /// <summary>A function class as the worker makes one for an invocation: from the invocation's scope.</summary>
    public static T Create<T>(IServiceScope invocation) => ActivatorUtilities.CreateInstance<T>(invocation.ServiceProvider);
}
