using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Xunit;

namespace ReportingPipeline.Testing;

/// <summary>
/// A private Azurite for one test collection: started from the repository's <c>node_modules</c> on free loopback
/// ports, in memory, and killed (with its child processes) when the collection ends. Use it as a collection
/// fixture: <c>[CollectionDefinition(AzuriteFixture.Collection)] class X : ICollectionFixture&lt;AzuriteFixture&gt;</c>
/// in the test assembly (xunit looks for collection definitions there).
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime, IDisposable
{
    public const string Collection = "Azurite";

    // Azurite's well-known development account; not a secret.
    private const string AccountName = "devstoreaccount1";
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Queue<string> _output = new();
    private Process? _process;
    private string? _workFolder;

    /// <summary>A second account on the same Azurite, for what lives apart from the data in Azure (the marts).</summary>
    public const string MartsAccountName = "devstoremarts";

    private const string MartsAccountKey = "bWFydHMtYWNjb3VudC1rZXktZm9yLWF6dXJpdGUtdGVzdHMtb25seS0wMDAwMDAwMA==";

    public int BlobPort { get; private set; }

    public int QueuePort { get; private set; }

    public int TablePort { get; private set; }

    /// <summary>The connection string of this instance, with explicit loopback endpoints.</summary>
    public string ConnectionString =>
        string.Create(CultureInfo.InvariantCulture,
            $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{BlobPort}/{AccountName};QueueEndpoint=http://127.0.0.1:{QueuePort}/{AccountName};TableEndpoint=http://127.0.0.1:{TablePort}/{AccountName};");

    /// <summary>The second account (<see cref="MartsAccountName"/>): blobs only.</summary>
    public string MartsConnectionString =>
        string.Create(CultureInfo.InvariantCulture,
            $"DefaultEndpointsProtocol=http;AccountName={MartsAccountName};AccountKey={MartsAccountKey};BlobEndpoint=http://127.0.0.1:{BlobPort}/{MartsAccountName};");

    public BlobServiceClient BlobService() => new(ConnectionString);

    /// <summary>
    /// The processor time Azurite (one Node.js process) has used so far: what a benchmark on the same machine spends in
    /// the emulator, beside its own process's.
    /// </summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            var process = _process ?? throw new InvalidOperationException("Azurite has not been started.");
            process.Refresh();
            return process.TotalProcessorTime;
        }
    }

    public TableServiceClient TableService() => new(ConnectionString);

    /// <summary>
    /// Copies the blobs of <paramref name="container"/> (those under <paramref name="prefix"/>, or all) into
    /// <paramref name="folder"/>, each name a path under it: the marts as a local reader (DuckDB) reads them.
    /// </summary>
    public async Task DownloadAsync(string container, string folder, string? prefix = null)
    {
        var client = BlobService().GetBlobContainerClient(container);
        await foreach (var item in client.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, CancellationToken.None))
        {
            var path = Path.Combine(folder, item.Name.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await client.GetBlobClient(item.Name).DownloadToAsync(path);
        }
    }

    /// <summary>Deletes every container and table: for tests that watch whole containers and need them empty.</summary>
    public async Task ResetAsync()
    {
        var blobs = BlobService();
        await foreach (var container in blobs.GetBlobContainersAsync())
        {
            await blobs.DeleteBlobContainerAsync(container.Name);
        }

        var tables = TableService();
        await foreach (var table in tables.QueryAsync())
        {
            await tables.DeleteTableAsync(table.Name);
        }
    }

    public async Task InitializeAsync()
    {
        var azurite = FindAzurite();
        _workFolder = Directory.CreateTempSubdirectory("azurite-").FullName;
        (BlobPort, QueuePort, TablePort) = FreePorts();

        var start = new ProcessStartInfo(azurite)
        {
            WorkingDirectory = _workFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--skipApiVersionCheck", "--loose", "--inMemoryPersistence", "--silent",
            "--blobHost", "127.0.0.1", "--blobPort", BlobPort.ToString(CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", QueuePort.ToString(CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", TablePort.ToString(CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(argument);
        }

        // Both accounts, the default one included (naming any account disables the default unless it is listed).
        start.Environment["AZURITE_ACCOUNTS"] = $"{AccountName}:{AccountKey};{MartsAccountName}:{MartsAccountKey}";
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Remember(e.Data);
        _process.ErrorDataReceived += (_, e) => Remember(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        await WaitUntilAnsweringAsync();
    }

    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        if (_process is { } process)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(10_000);
                }
            }
            catch (InvalidOperationException)
            {
                // It exited between the check and the kill.
            }

            process.Dispose();
        }

        if (_workFolder is not null && Directory.Exists(_workFolder))
        {
            try
            {
                Directory.Delete(_workFolder, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind is harmless.
            }
        }

        _process = null;
        _workFolder = null;
    }

    /// <summary>
    /// The Azurite launcher of this repository: <c>node_modules/.bin/azurite</c> beside the <c>package.json</c>
    /// found by walking up from the test assembly's folder, or else from the current directory (a benchmark published
    /// outside the repository and run from its root).
    /// </summary>
    public static string FindAzurite()
    {
        var launcher = OperatingSystem.IsWindows() ? "azurite.cmd" : "azurite";
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "package.json")))
                {
                    var path = Path.Combine(folder.FullName, "node_modules", ".bin", launcher);
                    return File.Exists(path)
                        ? path
                        : throw new InvalidOperationException($"Azurite is not installed: run `npm ci` in {folder.FullName} (expected {path}).");
                }
            }
        }

        throw new InvalidOperationException($"No package.json above {AppContext.BaseDirectory} or {Environment.CurrentDirectory}: cannot find the repository's Azurite (run `npm ci` at the repository root).");
    }

    private async Task WaitUntilAnsweringAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        var pending = new List<int> { BlobPort, QueuePort, TablePort };
        while (pending.Count > 0)
        {
            if (_process!.HasExited)
            {
                throw new InvalidOperationException($"Azurite exited with code {_process.ExitCode} before answering:{Environment.NewLine}{RecentOutput()}");
            }

            if (deadline.Elapsed > StartTimeout)
            {
                throw new TimeoutException($"Azurite did not answer on ports {string.Join(", ", pending)} within {StartTimeout.TotalSeconds} s:{Environment.NewLine}{RecentOutput()}");
            }

            foreach (var port in pending.ToArray())
            {
                try
                {
                    // Any HTTP answer (403 for an unsigned request) means the service is listening.
                    using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/{AccountName}"));
                    pending.Remove(port);
                }
                catch (HttpRequestException)
                {
                }
                catch (TaskCanceledException)
                {
                }
            }

            if (pending.Count > 0)
            {
                await Task.Delay(100);
            }
        }
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Enqueue(line);
            while (_output.Count > 50)
            {
                _output.Dequeue();
            }
        }
    }

    private string RecentOutput()
    {
        lock (_output)
        {
            return string.Join(Environment.NewLine, _output);
        }
    }

    /// <summary>Three distinct free ports: all three listeners are held open together so none is handed out twice.</summary>
    private static (int Blob, int Queue, int Table) FreePorts()
    {
        var listeners = Enumerable.Range(0, 3).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        try
        {
            foreach (var listener in listeners)
            {
                listener.Start();
            }

            var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
            return (ports[0], ports[1], ports[2]);
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Dispose();
            }
        }
    }
}
