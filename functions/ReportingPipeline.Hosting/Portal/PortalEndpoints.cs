using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ReportingPipeline.Core.Ports;

namespace ReportingPipeline.Hosting.Portal;

/// <summary>
/// The portal's page and API on ASP.NET Core, as <c>pipeline host --portal</c> serves them: the same routes as the
/// Functions app (<c>/api/...</c>; the page at <c>/</c> and <c>/api/portal</c>), the user taken from the App Service
/// header of loopback clients only, and the development sign-in's list of users.
/// </summary>
public static class PortalEndpoints
{
    /// <summary>The upload request's body: <c>{"fileName": "..."}</c>.</summary>
    public sealed record UploadRequest(string? FileName);

    public static IEndpointRouteBuilder MapStationPortal(this IEndpointRouteBuilder app)
    {
        RequestDelegate page = context => PortalPage.WriteAsync(context.Response, context.RequestServices.GetRequiredService<IUploadUrlIssuer>().Endpoint, context.RequestAborted);
        app.MapGet("/", page);
        app.MapGet("/api/portal", page);
        app.MapGet("/api/me", Handle((c, portal) => portal.MeAsync(PortalHttp.LoopbackUser(c), c.RequestAborted)));
        app.MapGet("/api/stations/{station}/periods", Handle((c, portal) =>
            portal.PeriodsAsync(PortalHttp.LoopbackUser(c), Route(c, "station"), c.RequestAborted)));
        app.MapGet("/api/stations/{station}/periods/{period}/template", Handle((c, portal) =>
            portal.TemplateAsync(PortalHttp.LoopbackUser(c), Route(c, "station"), Route(c, "period"), c.RequestAborted)));
        app.MapGet("/api/stations/{station}/periods/{period}/uploads", Handle((c, portal) =>
            portal.UploadsAsync(PortalHttp.LoopbackUser(c), Route(c, "station"), Route(c, "period"), c.RequestAborted)));
        app.MapPost("/api/stations/{station}/periods/{period}/uploads", Handle(async (c, portal) =>
            await portal.IssueUploadAsync(PortalHttp.LoopbackUser(c), Route(c, "station"), Route(c, "period"),
                (await ReadUploadRequestAsync(c.Request, c.RequestAborted))?.FileName, c.RequestAborted)));
        app.MapGet("/api/stations/{station}/periods/{period}/uploads/{fileName}/report", Handle((c, portal) =>
            portal.ReportAsync(PortalHttp.LoopbackUser(c), Route(c, "station"), Route(c, "period"), Route(c, "fileName"), c.RequestAborted)));
        app.MapGet("/api/dev/users", Handle((c, portal) => portal.DevelopmentUsersAsync(c.RequestAborted)));
        return app;
    }

    /// <summary>Reads <c>{"fileName": ...}</c>; null when the body is not that.</summary>
    public static async Task<UploadRequest?> ReadUploadRequestAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<UploadRequest>(request.Body, PortalResponse.Json, cancellationToken);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Route(HttpContext context, string name) => context.Request.RouteValues[name]?.ToString() ?? "";

    private static RequestDelegate Handle(Func<HttpContext, StationPortal, Task<PortalResponse>> handle) => async context =>
    {
        var portal = context.RequestServices.GetRequiredService<StationPortal>();
        await PortalHttp.WriteAsync(context.Response, await handle(context, portal), context.RequestAborted);
    };
}
