using Microsoft.AspNetCore.Mvc;
using ReportingPipeline.Hosting.Portal;

namespace ReportingPipeline.Functions.Portal;

/// <summary>A portal handler's answer, written exactly as <c>pipeline host --portal</c> writes it.</summary>
public sealed class PortalResult(PortalResponse response) : IActionResult
{
    public PortalResponse Response { get; } = response;

    public Task ExecuteResultAsync(ActionContext context) =>
        PortalHttp.WriteAsync(context.HttpContext.Response, Response, context.HttpContext.RequestAborted);
}
