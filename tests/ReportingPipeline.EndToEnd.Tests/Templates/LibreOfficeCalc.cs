using System.Diagnostics;

namespace ReportingPipeline.EndToEnd.Tests.Templates;

/// <summary>
/// Headless LibreOffice Calc (Debian's <c>libreoffice-calc-nogui</c>): opens a workbook and saves it again as
/// .xlsx, as a station without Microsoft Office does. Each conversion uses its own profile folder, so tests never
/// share (or wait on) a running instance.
/// </summary>
internal static class LibreOfficeCalc
{
    public const string DefaultPath = "/usr/bin/soffice";

    /// <summary>A cold start on a busy 2-core machine takes a while; only a hung process reaches this.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    /// <summary><c>SOFFICE_PATH</c>, else Debian's <c>/usr/bin/soffice</c>; null when neither exists.</summary>
    public static string? Find() =>
        Environment.GetEnvironmentVariable("SOFFICE_PATH") is { Length: > 0 } custom && File.Exists(custom) ? custom
        : File.Exists(DefaultPath) ? DefaultPath
        : null;

    public static string Missing =>
        $"LibreOffice Calc is not installed ({DefaultPath}; or set SOFFICE_PATH). Install it with `apt-get install -y libreoffice-calc-nogui` (scripts/test.sh does).";

    /// <summary>Opens <paramref name="workbook"/> in Calc and saves it as .xlsx into <paramref name="outputFolder"/>; returns the saved file.</summary>
    public static async Task<string> ResaveAsync(string executable, string workbook, string outputFolder)
    {
        var profile = Directory.CreateTempSubdirectory("rp-soffice-");
        try
        {
            Directory.CreateDirectory(outputFolder);
            var start = new ProcessStartInfo(executable)
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            foreach (var argument in (string[])[
                "--headless", "--norestore", "--nologo", "--nodefault", $"-env:UserInstallation=file://{profile.FullName}",
                "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", outputFolder, workbook])
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(Patience);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"soffice did not finish in {Patience}: {await stderr}");
            }

            var saved = Path.Combine(outputFolder, Path.GetFileNameWithoutExtension(workbook) + ".xlsx");
            if (process.ExitCode != 0 || !File.Exists(saved))
            {
                throw new InvalidOperationException($"soffice exited {process.ExitCode} without {saved}: {await stdout} {await stderr}");
            }

            return saved;
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }
}
