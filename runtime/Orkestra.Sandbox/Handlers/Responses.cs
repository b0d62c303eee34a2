using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Orkestra.Sandbox.Api;

namespace Orkestra.Sandbox.Handlers;

/// <summary>
/// The wire I/O every handler shares: reading a request body (JSON or YAML only), writing a JSON response with its
/// Content-Length, and the <c>Warning</c> headers a write collected. No state.
/// </summary>
internal static class Responses
{
    private const string AcceptedBodies =
        "application/json, application/merge-patch+json, application/json-patch+json, application/apply-patch+yaml";

    /// <summary>A write's warnings (pruned fields, webhooks): a request feature until the response (success or error) is written.</summary>
    private sealed record WriteWarnings(List<string> List);

    /// <summary>Sends <paramref name="warnings"/> (filled later by the write) as <c>Warning</c> headers of the response.</summary>
    public static void CollectWarnings(HttpContext context, List<string> warnings) => context.Features.Set(new WriteWarnings(warnings));

    /// <summary>A <c>Warning</c> header value: <c>299 - "text"</c>.</summary>
    public static string WarningHeader(string text) => $"299 - \"{text.Replace("\"", "\\\"", StringComparison.Ordinal)}\"";

    public static async Task<int> WriteJsonAsync(HttpContext context, int code, JsonNode body) =>
        await WriteBytesAsync(context, code, Json.ToBytes(body)).ConfigureAwait(false);

    public static async Task<int> WriteBytesAsync(HttpContext context, int code, ReadOnlyMemory<byte> bytes)
    {
        AppendWarnings(context);
        var response = context.Response;
        response.StatusCode = code;
        response.ContentType = "application/json";
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
        return code;
    }

    /// <summary>The whole request body; CBOR and protobuf are refused with 415, except protobuf bodies of the kinds
    /// <see cref="ProtobufBodies"/> knows, which come back as their JSON form.</summary>
    public static async Task<byte[]> ReadBodyAsync(HttpContext context)
    {
        var contentType = context.Request.ContentType ?? "";
        var protobuf = contentType.StartsWith(ProtobufBodies.MediaType, StringComparison.OrdinalIgnoreCase);
        if (contentType.StartsWith("application/cbor", StringComparison.OrdinalIgnoreCase))
            throw ApiError.UnsupportedMediaType(AcceptedBodies);
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        if (!protobuf) return buffer.ToArray();
        var decoded = ProtobufBodies.TryDecode(buffer.ToArray()) ?? throw ApiError.UnsupportedMediaType(AcceptedBodies);
        context.Request.ContentType = "application/json";
        return Json.ToBytes(decoded);
    }

    private static void AppendWarnings(HttpContext context)
    {
        // Features.Get of a feature nobody set allocates nothing: reads pay no cost here.
        if (context.Features.Get<WriteWarnings>() is { List.Count: > 0 } warnings)
        {
            foreach (var warning in warnings.List.Distinct(StringComparer.Ordinal))
                context.Response.Headers.Append("Warning", WarningHeader(warning));
        }
    }
}
