using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using ReportingPipeline.Cli;
using ReportingPipeline.Core.Contract;
using ReportingPipeline.EndToEnd.Tests.Cli;
using ReportingPipeline.EndToEnd.Tests.Dashboard;
using ReportingPipeline.EndToEnd.Tests.Templates;
using ReportingPipeline.Testing;

namespace ReportingPipeline.EndToEnd.Tests.Portal;

/// <summary>
/// The station portal as a station's staff member uses it: `pipeline host --portal` on Azurite, the page in real
/// headless Chromium at a phone's width, the development sign-in, the template downloaded, filled in and uploaded
/// through the page (straight to storage with the page's upload address), the reports read off the page.
/// </summary>
[Collection(AzuriteFixture.Collection)]
public sealed class PortalInChromiumTests(AzuriteFixture azurite) : IDisposable
{
    private const string Station = "440103001";
    private const string Staff = "wang.fang@shamian.example.cn";
    private readonly TestFolder _folder = new();

    [Theory]
    [InlineData("http://0.0.0.0:7071")]
    [InlineData("http://192.168.1.20:7071")]
    [InlineData("http://portal.example.cn:7071")]
    [InlineData("https://127.0.0.1:7071")]
    public async Task Host_PortalOffLoopback_IsRefused(string address)
    {
        var (code, _, stderr) = await CliRunner.RunAsync("host", "--storage", azurite.ConnectionString, "--portal", address);

        Assert.Equal(PipelineCommand.Usage, code);
        Assert.Contains("loopback", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_PortalOnStorageOffLoopback_IsRefused()
    {
        const string real = "DefaultEndpointsProtocol=https;AccountName=stpipelineprod;AccountKey=ZmFrZWtleQ==;EndpointSuffix=core.windows.net";
        var (code, _, stderr) = await CliRunner.RunAsync("host", "--storage", real, "--portal", "http://127.0.0.1:7071");

        Assert.Equal(PipelineCommand.Usage, code);
        Assert.Contains("Azurite", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("UseDevelopmentStorage=true", true)]
    [InlineData("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=ZmFrZWtleQ==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;", true)]
    [InlineData("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=ZmFrZWtleQ==;BlobEndpoint=http://[::1]:10000/devstoreaccount1;", true)]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=stdata;AccountKey=ZmFrZWtleQ==;BlobEndpoint=https://stdata.blob.core.windows.net;", false)]
    [InlineData("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=ZmFrZWtleQ==;BlobEndpoint=http://10.0.0.5:10000/devstoreaccount1;", false)]
    [InlineData("not a connection string", false)]
    public void Host_PortalStorage_IsLocalOnlyOnLoopback(string connectionString, bool local) =>
        Assert.Equal(local, HostCommand.IsLocalStorage(connectionString));

    [Fact]
    public async Task Users_Storage_IsATableEndpointSignedInOrAConnectionString()
    {
        var (endpoint, signsIn) = UsersCommand.StorageOf("https://stdata.table.core.windows.net");
        Assert.True(signsIn);
        Assert.Equal(new Uri("https://stdata.table.core.windows.net"), endpoint.TableServiceUri);
        Assert.Null(endpoint.ConnectionString);

        var (connection, withKey) = UsersCommand.StorageOf(azurite.ConnectionString);
        Assert.False(withKey);
        Assert.Equal(azurite.ConnectionString, connection.ConnectionString);
        Assert.Null(connection.TableServiceUri);

        var (code, _, stderr) = await CliRunner.RunAsync("users", "list", "--storage", "http://stdata.table.core.windows.net");
        Assert.Equal(PipelineCommand.Usage, code);
        Assert.Contains("https", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Users_AddListRemove_KeepTheTable()
    {
        var (added, _, addError) = await CliRunner.RunAsync("users", "add", "--storage", azurite.ConnectionString, "--station", "440103002", "--user", "chen.jie@example.cn");
        Assert.True(added == 0, addError);
        var (_, listed, _) = await CliRunner.RunAsync("users", "list", "--storage", azurite.ConnectionString, "--station", "440103002");
        Assert.Contains("440103002\tchen.jie@example.cn", listed, StringComparison.Ordinal);
        await CliRunner.RunAsync("users", "remove", "--storage", azurite.ConnectionString, "--station", "440103002", "--user", "chen.jie@example.cn");
        var (_, after, _) = await CliRunner.RunAsync("users", "list", "--storage", azurite.ConnectionString, "--station", "440103002");
        Assert.DoesNotContain("chen.jie", after, StringComparison.Ordinal);
        Assert.Equal(PipelineCommand.Usage, (await CliRunner.RunAsync("users", "add", "--storage", azurite.ConnectionString, "--station", "440103002")).ExitCode);
    }

    [Fact]
    public async Task Portal_InChromium_SignInTemplateUploadReportsAndVersions()
    {
        var chromium = HeadlessChromium.Find();
        Assert.True(chromium is not null, $"Chromium is not installed ({HeadlessChromium.DefaultPath}; or set CHROMIUM_PATH).");
        await azurite.ResetAsync();
        var reference = azurite.BlobService().GetBlobContainerClient("reference");
        await reference.CreateIfNotExistsAsync();
        await reference.GetBlobClient("regions.csv").UploadAsync(BinaryData.FromString(MiniProgramme.Regions.Replace("\r", "", StringComparison.Ordinal) + "\n"), overwrite: true);
        await reference.GetBlobClient("stations.csv").UploadAsync(BinaryData.FromString(MiniProgramme.Stations.Replace("\r", "", StringComparison.Ordinal) + "\n"), overwrite: true);
        var (added, _, addError) = await CliRunner.RunAsync("users", "add", "--storage", azurite.ConnectionString, "--station", Station, "--user", Staff);
        Assert.True(added == 0, addError);

        // Last month: a month a station is reporting now, whatever the day the test runs.
        var period = Period.Of(DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).DateTime)).Previous.ToString();
        var portal = $"http://127.0.0.1:{FreePort().ToString(CultureInfo.InvariantCulture)}";
        using var host = PipelineHostProcess.Start(azurite.ConnectionString, "--portal", portal, "--poll-seconds", "0.5");
        Assert.True(await host.WaitForLineAsync(l => l.Contains("Station portal on", StringComparison.Ordinal), timeoutSeconds: 90),
            "The portal never started:\n" + string.Join('\n', host.Lines));

        // DNS rebinding: a page of another name pointed at 127.0.0.1 is refused; a relayed request's headers are not believed.
        using (var http = new HttpClient())
        {
            using var rebound = new HttpRequestMessage(HttpMethod.Get, portal + "/api/me");
            rebound.Headers.Host = "evil.example";
            rebound.Headers.Add("X-MS-CLIENT-PRINCIPAL-NAME", Staff);
            Assert.Equal(HttpStatusCode.BadRequest, (await http.SendAsync(rebound)).StatusCode);
            using var relayed = new HttpRequestMessage(HttpMethod.Get, portal + "/api/me");
            relayed.Headers.Add("X-MS-CLIENT-PRINCIPAL-NAME", Staff);
            relayed.Headers.Add("X-Forwarded-For", "203.0.113.9");
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(relayed)).StatusCode);
            using var direct = new HttpRequestMessage(HttpMethod.Get, portal + "/api/me");
            direct.Headers.Add("X-MS-CLIENT-PRINCIPAL-NAME", Staff);
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(direct)).StatusCode);
        }

        await using var browser = await HeadlessChromium.StartAsync(chromium!);
        var downloads = Directory.CreateDirectory(Path.Combine(_folder.Path, "downloads")).FullName;
        await browser.AllowDownloadsAsync(downloads);
        await browser.OpenAsync(portal + "/", 390, 844);

        // Development sign-in: the page lists the table's users.
        await browser.WaitUntilAsync($"document.querySelector('[data-user=\"{Staff}\"]')");
        await browser.EvaluateAsync($"document.querySelector('[data-user=\"{Staff}\"]').click()");
        await browser.WaitUntilAsync($"document.querySelector('[data-open=\"{period}\"]')");
        Assert.Equal(Staff, (await browser.EvaluateAsync("document.getElementById('user-name').textContent")).GetString());
        Assert.Equal("not_yet_due", await StatusOfMonthAsync(browser, period));
        await browser.EvaluateAsync($"document.querySelector('[data-open=\"{period}\"]').click()");
        await browser.WaitUntilAsync("!document.getElementById('month').hidden");

        // The template, downloaded through the page, filled in as a station would.
        await browser.EvaluateAsync("document.getElementById('template').click()");
        var template = Path.Combine(downloads, $"{Station}-{period}.xlsx");
        await WaitForFileAsync(template);
        var blank = await File.ReadAllBytesAsync(template);

        await UploadThroughThePageAsync(browser, "月报.xlsx", FilledIn(blank, count: "3"));
        await browser.WaitUntilAsync(UploadShown("月报.xlsx", "accepted"));
        Assert.Equal("1", await UploadAttributeAsync(browser, "月报.xlsx", "data-report-version"));
        await browser.WaitUntilAsync($"document.querySelector('tr[data-period=\"{period}\"] [data-version=\"1\"]')");
        Assert.StartsWith("accepted", await StatusOfMonthAsync(browser, period), StringComparison.Ordinal);

        // A broken file (the template left blank): rejected, and its problems are on the page.
        await UploadThroughThePageAsync(browser, "空白.xlsx", blank);
        await browser.WaitUntilAsync(UploadShown("空白.xlsx", "rejected"));
        var problems = await browser.EvaluateAsync("[...document.querySelectorAll('.upload[data-file=\"空白.xlsx\"] .issue.error')].map(i => i.dataset.rule + ' ' + i.textContent)");
        Assert.Contains(problems.EnumerateArray(), p => p.GetString()!.StartsWith("cell.blank_required", StringComparison.Ordinal));

        // A correction becomes version 2.
        await UploadThroughThePageAsync(browser, "月报-更正.xlsx", FilledIn(blank, count: "4"));
        await browser.WaitUntilAsync(UploadShown("月报-更正.xlsx", "accepted"));
        Assert.Equal("2", await UploadAttributeAsync(browser, "月报-更正.xlsx", "data-report-version"));
        await browser.WaitUntilAsync($"document.querySelector('tr[data-period=\"{period}\"] [data-version=\"2\"]')");

        // The readable report opens beside the list.
        await browser.EvaluateAsync("document.querySelector('[data-view-report=\"月报-更正.xlsx\"]').click()");
        await browser.WaitUntilAsync("!document.getElementById('report-frame').hidden");
        await File.WriteAllBytesAsync(Path.Combine(Path.GetTempPath(), "portal-in-chromium.png"), await browser.ScreenshotAsync());
        // The one expected refusal: the page's first question, "is anyone signed in?", before the sign-in.
        var errors = browser.Errors.Where(e => !e.Contains("status of 401", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 0, "Errors in the page:\n" + string.Join('\n', errors));
        Assert.Single(browser.Errors, e => e.Contains("status of 401", StringComparison.Ordinal));
    }

    private static async Task UploadThroughThePageAsync(HeadlessChromium browser, string fileName, byte[] content)
    {
        // What picking a file does: the input's files set, its change event fired; the page does the rest.
        await browser.EvaluateAsync($$"""
            (() => {
              const bytes = Uint8Array.from(atob("{{Convert.ToBase64String(content)}}"), c => c.charCodeAt(0));
              const transfer = new DataTransfer();
              transfer.items.add(new File([bytes], "{{fileName}}"));
              const input = document.getElementById("file");
              input.files = transfer.files;
              input.dispatchEvent(new Event("change"));
            })()
            """);
    }

    private static string UploadShown(string fileName, string status) =>
        $"document.querySelector('.upload[data-file=\"{fileName}\"][data-report-status^=\"{status}\"]')";

    private static async Task<string?> UploadAttributeAsync(HeadlessChromium browser, string fileName, string attribute) =>
        (await browser.EvaluateAsync($"document.querySelector('.upload[data-file=\"{fileName}\"]').getAttribute('{attribute}')")).GetString();

    private static async Task<string?> StatusOfMonthAsync(HeadlessChromium browser, string period) =>
        (await browser.EvaluateAsync($"document.querySelector('tr[data-period=\"{period}\"] [data-status]').dataset.status")).GetString();

    private static async Task WaitForFileAsync(string path)
    {
        for (var waited = Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromSeconds(60); await Task.Delay(100))
        {
            if (File.Exists(path) && new FileInfo(path).Length > 0 && !File.Exists(path + ".crdownload"))
            {
                await Task.Delay(200);
                return;
            }
        }

        throw new TimeoutException($"The template never arrived at {path}.");
    }

    /// <summary>Types figures into the template as a station's staff member does (<see cref="StationFilling"/>).</summary>
    private static byte[] FilledIn(byte[] template, string count)
    {
        using var copy = new MemoryStream();
        copy.Write(template);
        StationFilling.FillIn(copy, count: count);
        return copy.ToArray();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose() => _folder.Dispose();
}
