using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ReportingPipeline.Core.Ports;
using ReportingPipeline.Hosting.Portal;
using ReportingPipeline.Storage;
using ReportingPipeline.Storage.Portal;
using ReportingPipeline.Testing;

namespace ReportingPipeline.Hosting.Tests.Portal;

/// <summary>
/// The station portal's handlers on Azurite, as both hosts call them: who may see and do what, and what an upload
/// address allows. (The page itself is driven in Chromium by the end-to-end tests.)
/// </summary>
[Collection(AzuriteFixture.Collection)]
public sealed class StationPortalTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Station = TestReference.StationCode;
    private const string Other = TestReference.OtherStationCode;
    private const string Staff = "Li.Ming@gd.example.cn";
    private const string Period = "2026-10";

    private IHost _host = null!;
    private StationPortal _portal = null!;

    public async Task InitializeAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:ConnectionString"] = azurite.ConnectionString });
        builder.AddReportingPipeline();
        builder.Services.AddStationPortal();
        _host = builder.Build();
        _portal = _host.Services.GetRequiredService<StationPortal>();

        var blobs = _host.Services.GetRequiredService<IBlobStore>();
        await blobs.WriteAsync(Containers.Reference, "regions.csv", Text(Regions), "text/csv");
        await blobs.WriteAsync(Containers.Reference, "stations.csv", Text(Stations), "text/csv");
        await _host.Services.GetRequiredService<IStationUsers>().AddAsync(Station, Staff);
    }

    public Task DisposeAsync()
    {
        _host.Dispose();
        return Task.CompletedTask;
    }

    public static TheoryData<string> Calls => ["me", "periods", "template", "uploads", "issue", "report"];

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task Call_WithoutUser_Is401(string call) => Assert.Equal(401, (await CallAsync(call, null, Station)).Status);

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task Call_ForAnotherStation_Is403(string call)
    {
        if (call == "me")
        {
            return;
        }

        Assert.Equal(403, (await CallAsync(call, Staff, Other)).Status);
    }

    [Fact]
    public async Task Call_ByAStranger_Is403()
    {
        Assert.Equal(403, (await CallAsync("periods", "stranger@example.cn", Station)).Status);
        using var me = Json(await _portal.MeAsync("stranger@example.cn"));
        Assert.Equal(0, me.RootElement.GetProperty("stations").GetArrayLength());
    }

    [Fact]
    public async Task Me_SignInNameInAnyCase_ListsTheUsersStation()
    {
        using var me = Json(await _portal.MeAsync("li.ming@GD.example.cn"));

        var station = Assert.Single(me.RootElement.GetProperty("stations").EnumerateArray());
        Assert.Equal(Station, station.GetProperty("code").GetString());
        Assert.Equal("沙面街社工站", station.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Periods_OwnStation_EveryMonthSinceOpeningWithStatusAndDeadline()
    {
        using var periods = Json(await _portal.PeriodsAsync(Staff, Station));

        var months = periods.RootElement.GetProperty("periods").EnumerateArray().ToList();
        Assert.Equal("2021-03", months[^1].GetProperty("period").GetString());
        // No upload in these months (2026-08 has the upload of the test below, when it ran first).
        Assert.All(months.Where(m => m.GetProperty("period").GetString() != "2026-08"), m => Assert.Contains(m.GetProperty("status").GetString(), new[] { "missing", "not_yet_due" }));
        Assert.Equal("missing", months.Single(m => m.GetProperty("period").GetString() == Period).GetProperty("status").GetString());
        Assert.Equal(new DateTimeOffset(2026, 11, 10, 23, 59, 59, TimeSpan.FromHours(8)),
            months.Single(m => m.GetProperty("period").GetString() == Period).GetProperty("deadline").GetDateTimeOffset());
    }

    [Fact]
    public async Task Template_OwnStation_IsAWorkbook()
    {
        var template = await _portal.TemplateAsync(Staff, Station, Period);

        Assert.Equal(200, template.Status);
        Assert.Equal("PK"u8.ToArray(), template.Body[..2].ToArray());
        Assert.Equal($"{Station}-{Period}.xlsx", template.DownloadName);
    }

    [Theory]
    [InlineData("../440103002/x.xlsx")]
    [InlineData("a/b.xlsx")]
    [InlineData("a\\b.xlsx")]
    [InlineData("..")]
    [InlineData("report.exe")]
    [InlineData("")]
    public async Task IssueUpload_NameWithAPathOrUnreadableType_Is400(string fileName) =>
        Assert.Equal(400, (await _portal.IssueUploadAsync(Staff, Station, Period, fileName)).Status);

    [Fact]
    public async Task IssueUpload_BadPeriod_Is400() =>
        Assert.Equal(400, (await _portal.IssueUploadAsync(Staff, Station, "2026-1", "a.xlsx")).Status);

    [Fact]
    public async Task UploadUrl_CreatesExactlyItsBlobOnceAndNothingElse()
    {
        var fileName = $"t-{Guid.NewGuid():N}.json";
        using var grant = Json(await _portal.IssueUploadAsync(Staff, Station, Period, fileName));
        var url = new Uri(grant.RootElement.GetProperty("url").GetString()!);
        Assert.Contains("sp=c&", url.Query + "&", StringComparison.Ordinal);
        using var http = new HttpClient();

        Assert.Equal(HttpStatusCode.Created, await PutAsync(http, url, "{}"));
        var stored = await azurite.BlobService().GetBlobContainerClient(Containers.Submissions).GetBlobClient($"{Period}/{Station}/{fileName}").DownloadContentAsync();
        Assert.Equal("{}", stored.Value.Content.ToString());

        // No overwrite, no read, no other name in the same folder, the other station's or another container.
        Assert.Equal(HttpStatusCode.Forbidden, await PutAsync(http, url, "{\"changed\":true}"));
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync(url)).StatusCode);
        foreach (var other in new[] { $"{Period}/{Station}/other.json", $"{Period}/{Other}/{fileName}" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, await PutAsync(http, Renamed(url, $"submissions/{Period}/{Station}/{fileName}", "submissions/" + other), "{}"));
        }

        Assert.Equal(HttpStatusCode.Forbidden, await PutAsync(http, Renamed(url, "submissions/", "reports/"), "{}"));
        Assert.Equal("{}", (await azurite.BlobService().GetBlobContainerClient(Containers.Submissions).GetBlobClient($"{Period}/{Station}/{fileName}").DownloadContentAsync()).Value.Content.ToString());
    }

    [Fact]
    public async Task IssueUpload_NameAlreadyUploaded_Is409()
    {
        var fileName = $"t-{Guid.NewGuid():N}.xlsx";
        await _host.Services.GetRequiredService<IBlobStore>().TryCreateAsync(Containers.Submissions, $"{Period}/{Station}/{fileName}", Text("x"), "application/octet-stream");

        Assert.Equal(409, (await _portal.IssueUploadAsync(Staff, Station, Period, fileName)).Status);
    }

    [Fact]
    public async Task Uploads_OwnStation_ListsEveryUploadWithItsReport()
    {
        var blobs = _host.Services.GetRequiredService<IBlobStore>();
        var fileName = $"u-{Guid.NewGuid():N}.json";
        await blobs.TryCreateAsync(Containers.Submissions, $"2026-08/{Station}/{fileName}", Text("{}"), "application/json");
        await _host.Services.GetRequiredService<IPipelineHandlers>().IngestSubmissionAsync($"2026-08/{Station}/{fileName}");

        using var uploads = Json(await _portal.UploadsAsync(Staff, Station, "2026-08"));
        var upload = uploads.RootElement.GetProperty("uploads").EnumerateArray().Single(u => u.GetProperty("fileName").GetString() == fileName);
        Assert.Equal("rejected", upload.GetProperty("report").GetProperty("status").GetString());
        var report = await _portal.ReportAsync(Staff, Station, "2026-08", fileName);
        Assert.Equal(200, report.Status);
        Assert.StartsWith("text/html", report.ContentType, StringComparison.Ordinal);
        Assert.Equal(404, (await _portal.ReportAsync(Staff, Station, "2026-08", "../../reference/regions.csv")).Status);
    }

    [Theory]
    [InlineData("10.1.2.3", false)]
    [InlineData("192.168.0.7", false)]
    [InlineData("127.0.0.1", true)]
    [InlineData("::1", true)]
    public void LoopbackUser_HeaderIsBelievedFromLoopbackClientsOnly(string client, bool believed)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(client);
        context.Request.Headers[PortalHttp.PrincipalNameHeader] = Staff;

        Assert.Equal(believed ? Staff : null, PortalHttp.LoopbackUser(context));
    }

    [Theory]
    [InlineData("X-Forwarded-For", "203.0.113.9")]
    [InlineData("Forwarded", "for=203.0.113.9")]
    public void LoopbackUser_RelayedThroughAProxy_IsAnonymous(string header, string value)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Loopback;
        context.Request.Headers[PortalHttp.PrincipalNameHeader] = Staff;
        context.Request.Headers[header] = value;

        Assert.Null(PortalHttp.LoopbackUser(context));
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("not base64!", false)]
    [InlineData("bm90IGpzb24=", false)] // "not json"
    [InlineData("e30=", false)] // {}
    [InlineData("eyJjbGFpbXMiOltdfQ==", false)] // {"claims":[]} without auth_typ
    [InlineData("eyJhdXRoX3R5cCI6ImFhZCIsImNsYWltcyI6W119", true)] // {"auth_typ":"aad","claims":[]}
    public void PlatformUser_NameIsBelievedOnlyBesideAPrincipalThatDecodes(string? principal, bool believed)
    {
        var request = new DefaultHttpContext().Request;
        request.Headers[PortalHttp.PrincipalNameHeader] = Staff;
        if (principal is not null)
        {
            request.Headers[PortalHttp.PrincipalHeader] = principal;
        }

        Assert.Equal(believed ? Staff : null, PortalHttp.PlatformUser(request));
    }

    [Fact]
    public async Task StationUsers_AddRemoveList_OnTheTable()
    {
        var users = new TableStationUsers(azurite.TableService().GetTableClient("StationUsersTest" + Guid.NewGuid().ToString("N")[..8]));

        Assert.True(await users.AddAsync(Station, "wang.fang@example.cn"));
        Assert.False(await users.AddAsync(Station, "Wang.Fang@example.cn"));
        Assert.Equal([Station], await users.StationsOfAsync("WANG.FANG@example.cn"));
        Assert.Equal([new StationUser(Station, "wang.fang@example.cn")], await users.ListAsync(Station));
        Assert.True(await users.RemoveAsync(Station, "wang.fang@example.cn"));
        Assert.False(await users.RemoveAsync(Station, "wang.fang@example.cn"));
        Assert.Empty(await users.StationsOfAsync("wang.fang@example.cn"));
    }

    private Task<PortalResponse> CallAsync(string call, string? user, string station) => call switch
    {
        "me" => _portal.MeAsync(user),
        "periods" => _portal.PeriodsAsync(user, station),
        "template" => _portal.TemplateAsync(user, station, Period),
        "uploads" => _portal.UploadsAsync(user, station, Period),
        "issue" => _portal.IssueUploadAsync(user, station, Period, "a.xlsx"),
        _ => _portal.ReportAsync(user, station, Period, "a.xlsx"),
    };

    private static async Task<HttpStatusCode> PutAsync(HttpClient http, Uri url, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = new StringContent(body) };
        request.Headers.Add("x-ms-blob-type", "BlockBlob");
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    private static Uri Renamed(Uri url, string from, string to) => new(url.ToString().Replace(from, to, StringComparison.Ordinal));

    private static JsonDocument Json(PortalResponse response)
    {
        Assert.True(response.Status == 200, Encoding.UTF8.GetString(response.Body.Span));
        return JsonDocument.Parse(response.Body);
    }

    private static MemoryStream Text(string text) => new(Encoding.UTF8.GetBytes(text.Replace("\r", "", StringComparison.Ordinal) + "\n"));

    private const string Regions = """
        code,name,level,parent_code
        44,广东省,province,
        4401,广州市,city,44
        440103,荔湾区,district,4401
        440103001,沙面街道,town,440103
        440103001001,沙面社区,village,440103001
        440103001002,翠洲社区,village,440103001
        440103002,岭南街道,town,440103
        440103002001,下九社区,village,440103002
        """;

    private const string Stations = """
        station_code,name,operator,opened_on,closed_on
        440103001,沙面街社工站,广州市荔湾区启创社会工作服务中心,2021-03-01,
        440103002,岭南街社工站,广州市荔湾区启创社会工作服务中心,2021-03-01,
        """;
}
