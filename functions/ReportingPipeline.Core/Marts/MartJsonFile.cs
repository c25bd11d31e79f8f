using System.Text.Json;
using Microsoft.Extensions.Logging;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Ports;

namespace ReportingPipeline.Core.Marts;

/// <summary>The builds' own JSON files in <c>marts</c> (the manifest, a month's inputs, the ledger's recent changes): read and written one way.</summary>
internal static class MartJsonFile
{
    /// <summary>The file's content; default when it is missing, or unreadable (logged, and treated as absent).</summary>
    public static async Task<T?> ReadAsync<T>(IBlobStore store, string name, ILogger logger, CancellationToken cancellationToken)
    {
        await using var stream = await store.OpenReadAsync(Containers.Marts, name, cancellationToken);
        if (stream is null)
        {
            return default;
        }

        try
        {
            return await PipelineJson.ReadAsync<T>(stream, cancellationToken);
        }
        catch (JsonException e)
        {
            logger.LogWarning(e, "marts/{Name} is unreadable; it is treated as absent", name);
            return default;
        }
    }

    /// <summary>Writes <paramref name="value"/> compact.</summary>
    public static async Task WriteAsync<T>(IBlobStore store, string name, T value, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream();
        await JsonSerializer.SerializeAsync(content, value, PipelineJson.Compact, cancellationToken);
        content.Position = 0;
        await store.WriteAsync(Containers.Marts, name, content, "application/json", cancellationToken);
    }
}
