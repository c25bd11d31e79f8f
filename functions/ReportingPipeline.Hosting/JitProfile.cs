using System.Reflection;
using System.Runtime;

namespace ReportingPipeline.Hosting;

/// <summary>
/// Multicore JIT (<see cref="ProfileOptimization"/>) for the mart build: the first build of a process records which
/// methods it compiled, and when the process exits the runtime writes them to a profile. The next process that builds
/// on the same machine compiles those methods on another core, ahead of the build that needs them, instead of on the
/// build's own thread. ReadyToRun code already covers our assemblies; what is left to compile is generic code over
/// value types (Parquet.Net's readers, collections of periods, System.Text.Json's converters) and the serializer's
/// emitted code: about 2,900 methods and 0.2 s in a cold process at province scale, where a correction takes 0.4 s.
/// </summary>
/// <remarks>
/// A profile is used only by the same binaries that wrote it (the runtime checks each module's identity), so a new
/// deployment starts without one; a process started on a new instance has none either (the temporary folder is the
/// instance's own). It helps the processes that follow: <c>pipeline run</c> every month, <c>pipeline host</c> after a
/// restart, a Functions worker restarted on its instance. The runtime stops replaying a profile after a minute.
/// </remarks>
public static class JitProfile
{
    private static int _started;

    /// <summary>The default folder of the profiles: the machine's temporary folder.</summary>
    public static string DefaultDirectory { get; } = Path.Combine(Path.GetTempPath(), "reportingpipeline-jit");

    /// <summary>
    /// Starts recording (and, where a profile of an earlier process exists, replaying) the profile
    /// <c>{entry assembly}-{name}.jitprofile</c> in <paramref name="directory"/>, once per process: the profile's path,
    /// or null when the process has already started one, <paramref name="directory"/> is empty (turned off) or cannot
    /// be created.
    /// </summary>
    public static string? Start(string name, string? directory)
    {
        if (string.IsNullOrEmpty(directory) || Interlocked.Exchange(ref _started, 1) == 1)
        {
            return null;
        }

        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // Each program its own profile: the tests, the CLI and the Functions worker compile different methods.
        var file = $"{Assembly.GetEntryAssembly()?.GetName().Name ?? "process"}-{name}.jitprofile";
        ProfileOptimization.SetProfileRoot(directory);
        ProfileOptimization.StartProfile(file);
        return Path.Combine(directory, file);
    }
}
