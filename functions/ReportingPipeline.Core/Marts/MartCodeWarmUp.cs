using Microsoft.Extensions.Logging;
using Parquet;

namespace ReportingPipeline.Core.Marts;

/// <summary>
/// When the first build of a process starts (<see cref="MartBuilder.BuildAsync"/>), a one-row file of every mart table
/// is written in memory and read back on another core, while the build itself reads the manifest, lists the ledger
/// and plans its months on one. That loads parquet-cpp's native library and compiles the generic writing and reading
/// code over each column type, which ReadyToRun cannot compile ahead of time (generic code of other assemblies over
/// value types) and which a correction otherwise compiles on its own thread when it first reads or writes a file:
/// about 1,300 methods and 0.12 s of a cold correction's 0.4 s at province scale.
/// </summary>
/// <remarks>
/// Measured in cold processes at province scale, three alternated pairs each: a December correction 0.34-0.37 s
/// before and 0.30-0.31 s after, June 0.51-0.52 s before and 0.46-0.47 s after. It costs some processor time (December
/// 0.38-0.41 s before, 0.42-0.44 s after: it compiles every table's code, not only what a correction touches). With a
/// single core it is not started. Nothing it does is kept: its files are never stored, and a failure is logged and
/// forgotten (the build then compiles the code itself; a test runs the same round trip and fails on it).
/// </remarks>
internal static class MartCodeWarmUp
{
    private static int _started;

    /// <summary>Starts the warm-up in the background the first time a process calls it, when there is a second core; later calls do nothing.</summary>
    public static void StartOnce(ILogger logger)
    {
        if (Environment.ProcessorCount < 2 || Interlocked.Exchange(ref _started, 1) == 1)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await RoundTripAsync(CancellationToken.None);
                logger.LogDebug("Parquet code warmed up");
            }
            catch (Exception e)
            {
                logger.LogDebug(e, "Warming up the Parquet code failed; the build compiles it as it goes");
            }
        });
    }

    /// <summary>Every table written as one row (null where a column allows it, an empty value where not) and read back column by column as a correction reads it: each table's rows read and the columns that came back null.</summary>
    internal static async Task<IReadOnlyList<(MartTable Table, long Rows, int NullColumns)>> RoundTripAsync(CancellationToken cancellationToken)
    {
        var read = new List<(MartTable, long, int)>();
        foreach (var table in MartTables.All)
        {
            await using var file = await MartFileWriter.CreateAsync(table, cancellationToken);
            for (var c = 0; c < table.Columns.Count; c++)
            {
                file.Column(c).AddEmpty();
            }

            await file.EndRowAsync(cancellationToken);
            await using var content = await file.FinishAsync("warm-up", cancellationToken);
            await using var reader = await ParquetReader.CreateAsync(content, cancellationToken: cancellationToken);
            var fields = reader.Schema.GetDataFields();
            using var group = reader.OpenRowGroupReader(0);
            var nulls = 0;
            for (var c = 0; c < table.Columns.Count; c++)
            {
                var values = MartColumnValues.For(table.Columns[c]);
                await values.ReadAsync(group, fields[c], (int)group.RowCount, cancellationToken);
                nulls += values.Boxed(0) is null ? 1 : 0;
            }

            read.Add((table, group.RowCount, nulls));
        }

        return read;
    }
}
