using System.Globalization;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.Core.Ports;

namespace ReportingPipeline.Core.Marts;

/// <summary>
/// One build's state: what the previous manifest said, which files exist, and the files this build keeps or
/// writes (every Parquet file goes through <see cref="WriteAsync"/>, so the manifest names each one).
/// </summary>
internal sealed class MartBuild(IBlobStore store, string id, DateTimeOffset now, MartManifest? previous, HashSet<string> existing)
{
    private const string ParquetContentType = "application/vnd.apache.parquet";

    public string Id { get; } = id;

    public IBlobStore Store { get; } = store;

    public DateTimeOffset Now { get; } = now;

    public MartManifest? Previous { get; } = previous;

    public HashSet<string> Existing { get; } = existing;

    /// <summary>The files the manifest will name. A month's <c>agg_region_month</c> parts may still be stored while the next month is planned and its facts written (<see cref="MartBuilder"/>), so this and <see cref="Written"/> take writers from two months at once.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, ManifestFile> Files { get; } = new(StringComparer.Ordinal);

    /// <summary>The files this build wrote, in the order written.</summary>
    public IReadOnlyList<string> Written
    {
        get
        {
            lock (_written)
            {
                return [.. _writtenInOrder];
            }
        }
    }

    private readonly List<string> _writtenInOrder = [];

    private readonly HashSet<string> _written = new(StringComparer.Ordinal);

    /// <summary>Records <paramref name="name"/> as written (once, however often it is written: a part written again after a copy forward fell back to the staged files is one file written).</summary>
    private void RecordWritten(string name)
    {
        lock (_written)
        {
            if (_written.Add(name))
            {
                _writtenInOrder.Add(name);
            }
        }
    }

    /// <summary>Starts a build: its id, the previous manifest (null when missing or unreadable) and the files in <c>marts</c>.</summary>
    public static async Task<MartBuild> StartAsync(IBlobStore store, MartManifest? previous, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var existing = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var item in store.ListAsync(Containers.Marts, cancellationToken: cancellationToken))
        {
            existing.Add(item.Name);
        }

        var id = string.Create(CultureInfo.InvariantCulture, $"{now.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-{Guid.NewGuid():N}")[..25];
        return new MartBuild(store, id, now, previous, existing);
    }

    /// <summary>Keeps a file the previous build made from the same inputs; false when it must be written.</summary>
    public bool Reuse(string name, string inputs)
    {
        if (Previous?.FindFile(name) is { } file && file.InputFingerprint == inputs && Existing.Contains(name))
        {
            Files[name] = file;
            return true;
        }

        return false;
    }

    /// <summary>
    /// Writes the month's <see cref="ManifestMonthInputs"/> file when its entries were listed and the previous build's
    /// file is not of the same inputs (or is not there).
    /// </summary>
    public async Task WriteInputsAsync(MonthInputs month, CancellationToken cancellationToken)
    {
        var name = ManifestMonthInputs.BlobNameFor(month.Period);
        if (month.Inputs is not { } inputs || (month.Manifest.SameInputs(Previous?.FindPeriod(month.Period)) && Existing.Contains(name)))
        {
            return;
        }

        await inputs.WriteAsync(Store, cancellationToken);
        RecordWritten(name);
    }

    /// <summary>Finishes <paramref name="file"/> and writes it to <c>marts</c>, recording it for the manifest.</summary>
    public async Task WriteAsync(MartFileWriter file, Period? period, IReadOnlyList<Period> inputPeriods, string inputs, CancellationToken cancellationToken)
    {
        using var content = await file.FinishAsync(inputs, cancellationToken);
        await StoreAsync(file, content, period, inputPeriods, inputs, cancellationToken);
    }

    /// <summary>
    /// Finishes the files of one month (their last row groups encoded and compressed on every core: a month's
    /// fact files are independent) and then writes them to <c>marts</c> one by one in the order given, so that
    /// what the build records does not depend on which file finished first.
    /// </summary>
    public async Task WriteAllAsync(IReadOnlyList<MartFileWriter> files, Period period, IReadOnlyList<Period> inputPeriods, string inputs, CancellationToken cancellationToken)
    {
        var contents = new MemoryStream?[files.Count];
        try
        {
            await FinishAllAsync(files, inputs, contents, cancellationToken);
            await StoreAllAsync(files, contents, period, inputPeriods, inputs, cancellationToken);
        }
        finally
        {
            foreach (var content in contents)
            {
                content?.Dispose();
            }
        }
    }

    /// <summary>
    /// Makes <paramref name="count"/> groups of files that do not depend on one another (the parts of a month: a
    /// part's fact files, or one <c>agg_region_month</c> part), fills and finishes them on every core, and writes each
    /// group to <c>marts</c> once the group before it is written: the store sees them in the order of their index,
    /// and no more than a group per core is held in memory.
    /// </summary>
    /// <param name="make">Creates and fills group <c>i</c> (it may be empty), returning its files with the inputs they are built from; it owns the files until it returns, and this method after.</param>
    public Task WriteAllAsync(int count, Func<int, CancellationToken, Task<(IReadOnlyList<MartFileWriter> Files, string Inputs)>> make, Period period, IReadOnlyList<Period> inputPeriods, CancellationToken cancellationToken)
    {
        var stored = Enumerable.Range(0, count).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        return Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            try
            {
                var (files, inputs) = await make(i, ct);
                var contents = new MemoryStream?[files.Count];
                try
                {
                    await FinishAllAsync(files, inputs, contents, ct);
                    if (i > 0)
                    {
                        await stored[i - 1].Task.WaitAsync(ct);
                    }

                    await StoreAllAsync(files, contents, period, inputPeriods, inputs, ct);
                }
                finally
                {
                    foreach (var content in contents)
                    {
                        content?.Dispose();
                    }

                    foreach (var file in files)
                    {
                        await file.DisposeAsync();
                    }
                }

                stored[i].SetResult();
            }
            catch (Exception e)
            {
                stored[i].TrySetException(e);
                throw;
            }
        });
    }

    /// <summary>Finishes files that do not depend on one another on every core, into <paramref name="contents"/> (same order); the caller disposes what is there.</summary>
    private static Task FinishAllAsync(IReadOnlyList<MartFileWriter> files, string inputs, MemoryStream?[] contents, CancellationToken cancellationToken) =>
        Parallel.ForAsync(0, files.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            contents[i] = await files[i].FinishAsync(inputs, ct);
        });

    /// <summary>Writes finished files to <c>marts</c> one by one in the order given.</summary>
    private async Task StoreAllAsync(IReadOnlyList<MartFileWriter> files, MemoryStream?[] contents, Period period, IReadOnlyList<Period> inputPeriods, string inputs, CancellationToken cancellationToken)
    {
        for (var i = 0; i < files.Count; i++)
        {
            await StoreAsync(files[i], contents[i]!, period, inputPeriods, inputs, cancellationToken);
        }
    }

    private async Task StoreAsync(MartFileWriter file, MemoryStream content, Period? period, IReadOnlyList<Period> inputPeriods, string inputs, CancellationToken cancellationToken)
    {
        var name = file.FileName(period);
        var bytes = content.Length;
        await Store.WriteAsync(Containers.Marts, name, content, ParquetContentType, cancellationToken);
        Files[name] = new ManifestFile(name, period, file.Rows, bytes, inputPeriods, inputs, Id, Now);
        RecordWritten(name);
    }
}
