using System.Text.Json;
using System.Text.Json.Serialization;

namespace ReportingPipeline.Hosting.Portal;

/// <summary>
/// What a station-portal handler answers, whatever the host: a status, a body and its type. The Functions app and
/// <c>pipeline host --portal</c> write it to their HTTP response unchanged (<see cref="PortalHttp"/>).
/// </summary>
public sealed record PortalResponse(int Status, ReadOnlyMemory<byte> Body, string ContentType, string? DownloadName = null)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static PortalResponse Ok(object value) => new(200, JsonSerializer.SerializeToUtf8Bytes(value, Json), "application/json; charset=utf-8");

    /// <summary>A refusal with a reason in Chinese and English, as every message to a station is given.</summary>
    public static PortalResponse Problem(int status, string code, string zh, string en) =>
        new(status, JsonSerializer.SerializeToUtf8Bytes(new { error = code, message = zh, messageEn = en }, Json), "application/json; charset=utf-8");

    public static PortalResponse Unauthorized() => Problem(401, "unauthenticated", "请先登录。", "Sign in first.");

    public static PortalResponse Forbidden(string station) =>
        Problem(403, "forbidden", $"您无权代表社工站 {station} 操作。", $"You may not act for station {station}.");

    public static PortalResponse NotFound(string zh, string en) => Problem(404, "not_found", zh, en);
}
