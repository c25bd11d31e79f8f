using System.Text.Json;
using System.Text.Json.Serialization;
using ReportingPipeline.EndToEnd.Tests.Cli;

namespace ReportingPipeline.EndToEnd.Tests.Dashboard;

/// <summary>What the page showed in Chromium, read from the DOM after its script ran.</summary>
public sealed record PageSnapshot(
    [property: JsonPropertyName("ready")] string? Ready,
    [property: JsonPropertyName("pwned")] string Pwned,
    [property: JsonPropertyName("month")] string Month,
    [property: JsonPropertyName("kpis")] IReadOnlyList<ShownKpi> Kpis,
    [property: JsonPropertyName("cities")] IReadOnlyList<ShownRegion> Cities,
    [property: JsonPropertyName("stations")] IReadOnlyList<ShownStation> Stations,
    [property: JsonPropertyName("canvases")] IReadOnlyList<ShownCanvas> Canvases,
    [property: JsonPropertyName("drill")] ShownDrillDown Drill,
    [property: JsonPropertyName("levels")] IReadOnlyList<ShownFigure> Levels);

/// <summary>One cell of the figures-by-level tables.</summary>
public sealed record ShownFigure(
    [property: JsonPropertyName("selection")] string Selection,
    [property: JsonPropertyName("level")] string Level,
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("measure")] string Measure,
    [property: JsonPropertyName("value")] double? Value);

public sealed record ShownKpi([property: JsonPropertyName("measure")] string Measure, [property: JsonPropertyName("value")] double? Value, [property: JsonPropertyName("text")] string Text);

public sealed record ShownRegion([property: JsonPropertyName("code")] string Code, [property: JsonPropertyName("expected")] long Expected, [property: JsonPropertyName("reported")] long Reported, [property: JsonPropertyName("rate")] double? Rate);

public sealed record ShownStation([property: JsonPropertyName("code")] string Code, [property: JsonPropertyName("status")] string Status, [property: JsonPropertyName("text")] string Text);

public sealed record ShownCanvas([property: JsonPropertyName("id")] string Id, [property: JsonPropertyName("width")] int Width, [property: JsonPropertyName("height")] int Height, [property: JsonPropertyName("painted")] int Painted);

public sealed record ShownDrillDown([property: JsonPropertyName("station")] string Station, [property: JsonPropertyName("visibleBefore")] bool VisibleBefore, [property: JsonPropertyName("visibleAfter")] bool VisibleAfter);

/// <summary>
/// Three months of the synthetic sample (one station renamed to a script-injection attempt) run through
/// `pipeline run` and `pipeline dashboard`, the page opened once in headless Chromium, its DOM read and a
/// screenshot saved to <c>dashboard-screenshots/</c> in the test output folder. Without Chromium the tests fail
/// (they are not skipped): CI installs it.
/// </summary>
public sealed class RenderedDashboard : IAsyncLifetime, IDisposable
{
    /// <summary>A station name from the reference data that tries to end the data block and run script.</summary>
    public const string HostileName = "</script><script>window.pwned=1</script><img src=x onerror=window.pwned=2>";

    public static readonly string[] ChartIds = ["chart-rates", "chart-volumes", "chart-funds", "chart-cities", "chart-ranking"];

    private const string Snapshot = """
        (() => {
          const num = s => (s === undefined || s === '') ? null : Number(s);
          const kpis = [...document.querySelectorAll('[data-kpi]')].map(k => ({ measure: k.dataset.kpi, value: num(k.dataset.value), text: k.querySelector('.value').textContent }));
          const cities = [...document.querySelectorAll('details.city')].map(d => {
            const r = d.querySelector(':scope > summary > .row');
            return { code: d.dataset.region, expected: Number(r.dataset.expected), reported: Number(r.dataset.reported), rate: num(r.dataset.reportingRate) };
          });
          const stations = [...document.querySelectorAll('tr[data-station]')].map(t => ({ code: t.dataset.station, status: t.dataset.status, text: t.cells[0].textContent }));
          const canvases = %IDS%.map(id => {
            const c = document.querySelector('#' + id + ' canvas');
            if (!c) return { id, width: 0, height: 0, painted: 0 };
            const pixels = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let painted = 0;
            for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) painted++;
            return { id, width: c.width, height: c.height, painted };
          });
          const levels = [...document.querySelectorAll('details[data-figures] tr[data-region]')].flatMap(t =>
            [...t.querySelectorAll('td[data-measure]')].map(c => ({ selection: t.closest('details').dataset.figures, level: t.dataset.level, code: t.dataset.region, measure: c.dataset.measure, value: num(c.dataset.value) })));
          const town = document.querySelector('details.district tr[data-station]');
          const visibleBefore = town.checkVisibility();
          const district = town.closest('details.district');
          district.closest('details.city').querySelector(':scope > summary').click();
          district.querySelector(':scope > summary').click();
          const visibleAfter = town.checkVisibility();
          return {
            ready: document.documentElement.getAttribute('data-ready'), pwned: typeof window.pwned,
            month: document.querySelector('[data-month]').dataset.month,
            kpis, cities, stations, canvases, drill: { station: town.dataset.station, visibleBefore, visibleAfter }, levels
          };
        })()
        """;

    private readonly TestFolder _folder = new();

    public string Store => Path.Combine(_folder.Path, "store");

    public string MartsFolder => Path.Combine(Store, "marts");

    public string PageFile => Path.Combine(_folder.Path, "out", "dashboard.html");

    /// <summary>The station renamed to <see cref="HostileName"/>.</summary>
    public string HostileStation { get; private set; } = string.Empty;

    public string ScreenshotFile { get; } = Path.Combine(AppContext.BaseDirectory, "dashboard-screenshots", "dashboard.png");

    /// <summary>Why the browser part could not run (no Chromium, or it failed); null when it ran.</summary>
    public string? BrowserProblem { get; private set; }

    public IReadOnlyList<string> Errors { get; private set; } = [];

    public PageSnapshot? Page { get; private set; }

    public async Task InitializeAsync()
    {
        var input = Path.Combine(_folder.Path, "input");
        await Cli("generate", "--scale", "sample", "--months", "3", "--seed", "5", "--out", input);
        HostileStation = RenameFirstStation(Path.Combine(input, "reference", "stations.csv"));
        await Cli("run", "--input", input, "--store", Store, "--now", "2025-04-20T00:00:00Z");
        await Cli("dashboard", "--store", Store, "-o", PageFile);

        var chromium = HeadlessChromium.Find();
        if (chromium is null)
        {
            BrowserProblem = $"Chromium is not installed ({HeadlessChromium.DefaultPath}; or set CHROMIUM_PATH). Install it with `apt-get install -y chromium` (.ci/run does).";
            return;
        }

        try
        {
            await using var browser = await HeadlessChromium.StartAsync(chromium);
            await browser.OpenAsync(new Uri(PageFile).AbsoluteUri, width: 1400, height: 900);
            await browser.WaitUntilAsync("document.documentElement.hasAttribute('data-ready')");
            var snapshot = await browser.EvaluateAsync(Snapshot.Replace("%IDS%", JsonSerializer.Serialize(ChartIds), StringComparison.Ordinal));
            Page = snapshot.Deserialize<PageSnapshot>();
            Directory.CreateDirectory(Path.GetDirectoryName(ScreenshotFile)!);
            await File.WriteAllBytesAsync(ScreenshotFile, await browser.ScreenshotAsync());
            Errors = browser.Errors;
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException or System.Net.WebSockets.WebSocketException or System.ComponentModel.Win32Exception or JsonException)
        {
            BrowserProblem = $"Headless Chromium ({chromium}) failed: {e}";
        }
    }

    /// <summary>The page as Chromium showed it; fails the test when the browser could not run.</summary>
    public PageSnapshot Shown()
    {
        if (BrowserProblem is not null)
        {
            Assert.Fail(BrowserProblem);
        }

        return Page ?? throw new InvalidOperationException("The browser ran but returned no snapshot.");
    }

    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _folder.Dispose();

    private static async Task Cli(params string[] args)
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync(args);
        Assert.True(code == 0, $"pipeline {string.Join(' ', args)} exited {code}:\n{stdout}\n{stderr}");
    }

    private static string RenameFirstStation(string stationsCsv)
    {
        var lines = File.ReadAllLines(stationsCsv);
        var fields = lines[1].Split(',');
        fields[1] = HostileName;
        lines[1] = string.Join(',', fields);
        File.WriteAllLines(stationsCsv, lines);
        return fields[0];
    }
}
