using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace ReportingPipeline.Bench;

/// <summary>What one scenario measured in its own process: wall time, bytes allocated, peak resident memory, and its own figures.</summary>
/// <param name="CpuSeconds">Processor time of the whole process over the scenario: on a shared machine, steadier than wall time.</param>
internal sealed record Measurement(string Scenario, double Seconds, double CpuSeconds, long AllocatedBytes, long PeakWorkingSetBytes, Dictionary<string, double> Figures)
{
    public const string Marker = "@@measurement ";

    public double Figure(string name) => Figures.TryGetValue(name, out var value) ? value : double.NaN;

    public string ToLine() => Marker + JsonSerializer.Serialize(this);

    public static Measurement? Parse(string line) =>
        line.StartsWith(Marker, StringComparison.Ordinal) ? JsonSerializer.Deserialize<Measurement>(line[Marker.Length..]) : null;

    /// <summary>Peak resident set of this process: VmHWM on Linux (what the kernel saw, native memory included).</summary>
    public static long PeakWorkingSet()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    var kb = line["VmHWM:".Length..].Trim().Split(' ')[0];
                    return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }

        using var self = Process.GetCurrentProcess();
        return self.PeakWorkingSet64;
    }
}

/// <summary>Times a section of a scenario and counts what it allocated (all threads).</summary>
internal sealed class Timed
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly long _allocatedAtStart = GC.GetTotalAllocatedBytes(precise: true);
    private readonly TimeSpan _cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;

    public double Elapsed => _clock.Elapsed.TotalSeconds;

    /// <summary>The processor time of this process since the start (all threads).</summary>
    public double CpuSeconds => (Process.GetCurrentProcess().TotalProcessorTime - _cpuAtStart).TotalSeconds;

    public Measurement Stop(string scenario, Dictionary<string, double> figures) =>
        new(scenario, _clock.Elapsed.TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - _cpuAtStart).TotalSeconds, GC.GetTotalAllocatedBytes(precise: true) - _allocatedAtStart, Measurement.PeakWorkingSet(), figures);
}

/// <summary>
/// The garbage collector's heap sampled every 10 ms on its own thread: the most it held (live and not yet collected)
/// and the most memory it had committed, to set beside the process's peak resident memory (which also counts native
/// memory, the runtime and code).
/// </summary>
internal sealed class HeapSampler : IDisposable
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly TextWriter? _trace;
    private long _lastFull = -1;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private long _peakHeap;
    private long _peakCommitted;

    /// <param name="trace">Given, each full collection is written to it as the sampler sees it (<c>--gc-trace</c>).</param>
    public HeapSampler(TextWriter? trace = null)
    {
        _trace = trace;
        _thread = new Thread(() =>
        {
            while (!_stop.IsCancellationRequested)
            {
                Sample();
                _stop.Token.WaitHandle.WaitOne(10);
            }
        }) { IsBackground = true, Name = "heap sampler" };
        _thread.Start();
    }

    public long PeakHeapBytes => Volatile.Read(ref _peakHeap);

    public long PeakCommittedBytes => Volatile.Read(ref _peakCommitted);

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _stop.Dispose();
    }

    private void Sample()
    {
        if (_trace is not null)
        {
            // Each full collection as it is seen: what survived it (the live heap), the heap after it, and the free
            // space left among the live objects (background collections sweep the old generation, do not compact it).
            foreach (var kind in new[] { GCKind.FullBlocking, GCKind.Background })
            {
                var info = GC.GetGCMemoryInfo(kind);
                if (info.Index > _lastFull && info.Generation == 2)
                {
                    _lastFull = info.Index;
                    _trace.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"gc2 {_clock.Elapsed.TotalSeconds:0.0} s #{info.Index} {kind}: live {info.PromotedBytes / 1048576.0:0.0} MB, heap after {info.HeapSizeBytes / 1048576.0:0.0} MB, fragmented {info.FragmentedBytes / 1048576.0:0.0} MB, committed {info.TotalCommittedBytes / 1048576.0:0.0} MB"));
                }
            }
        }

        // Only this thread writes the peaks; others read them.
        Volatile.Write(ref _peakHeap, Math.Max(_peakHeap, GC.GetTotalMemory(forceFullCollection: false)));
        Volatile.Write(ref _peakCommitted, Math.Max(_peakCommitted, GC.GetGCMemoryInfo().TotalCommittedBytes));
    }
}
