using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace ReportingPipeline.Bench;

/// <summary>With <c>--trace</c>: every log line of a scenario on standard error with the seconds since the process started, its processor time so far, its resident memory and the GC heap after the last collection (with TRACE_LIVE set, the live heap after a forced full collection), to see where a build's time and memory go.</summary>
internal sealed class TraceLogger<T> : ILogger<T>
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Console.Error.WriteLine(Line(formatter(state, exception)));

    private static string Line(string message)
    {
        using var self = Process.GetCurrentProcess();
        var live = Environment.GetEnvironmentVariable("TRACE_LIVE") is not null ? GC.GetTotalMemory(forceFullCollection: true) >> 20 : -1;
        var gc = GC.GetGCMemoryInfo();
        return $"{(DateTime.Now - self.StartTime).TotalSeconds,7:F3}s cpu {self.TotalProcessorTime.TotalSeconds,6:F3}s rss {self.WorkingSet64 >> 20,5} MB heap {gc.HeapSizeBytes >> 20,5} MB committed {gc.TotalCommittedBytes >> 20,5} MB live {live,5} MB jit {System.Runtime.JitInfo.GetCompiledMethodCount(),5} in {System.Runtime.JitInfo.GetCompilationTime().TotalSeconds,5:F3}s {message}";
    }
}
