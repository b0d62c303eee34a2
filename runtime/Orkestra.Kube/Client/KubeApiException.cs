using System.Net;
using System.Text.Json;

namespace Orkestra.Kube.Client;

/// <summary>
/// The API server answered with a failure <c>Status</c> (HTTP error, or an ERROR event on a watch). Carries the
/// status code, <c>reason</c> (NotFound, AlreadyExists, Conflict, Invalid, Expired, ...), message and details.
/// Decide on <see cref="Code"/> and <see cref="Reason"/>, never on the message text.
/// </summary>
public sealed class KubeApiException : Exception
{
    public KubeApiException(int code, string reason, string message, JsonElement? details = null, TimeSpan? retryAfter = null)
        : base(Format(code, reason, message))
    {
        Code = code;
        Reason = reason;
        ServerMessage = message;
        Details = details;
        RetryAfter = retryAfter;
    }

    public int Code { get; }

    /// <summary>The Status <c>reason</c>; empty when the server sent none.</summary>
    public string Reason { get; }

    /// <summary>The Status <c>message</c> as the server wrote it.</summary>
    public string ServerMessage { get; }

    /// <summary>The Status <c>details</c> (name, group, kind, causes), when present.</summary>
    public JsonElement? Details { get; }

    public TimeSpan? RetryAfter { get; }

    public bool IsNotFound => Code == 404;

    public bool IsConflict => Code == 409 && Reason != "AlreadyExists";

    public bool IsAlreadyExists => Reason == "AlreadyExists";

    /// <summary>410 Gone / reason Expired: a resourceVersion or continue token fell out of the server's history.</summary>
    public bool IsExpired => Code == 410 || Reason is "Expired" or "Gone";

    /// <summary>A read from a resourceVersion the server has not reached (kube-apiserver: 504 "Too large resource
    /// version"): the server went back in time — restored from a backup, or restarted empty.</summary>
    public bool IsResourceVersionTooLarge => ServerMessage.StartsWith("Too large resource version", StringComparison.Ordinal);

    private static string Format(int code, string reason, string message) =>
        reason.Length == 0 ? $"API error {code}: {message}" : $"API error {code} ({reason}): {message}";

    /// <summary>Reads a <c>Status</c> object (the body of an error response or of a watch ERROR event).</summary>
    public static KubeApiException FromStatus(JsonElement status, int fallbackCode, TimeSpan? retryAfter = null)
    {
        var code = fallbackCode;
        string reason = "", message = "";
        JsonElement? details = null;
        if (status.ValueKind == JsonValueKind.Object)
        {
            if (status.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var parsed)
                && parsed > 0) code = parsed;
            if (status.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String) reason = r.GetString()!;
            if (status.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String) message = m.GetString()!;
            if (status.TryGetProperty("details", out var d) && d.ValueKind == JsonValueKind.Object) details = d.Clone();
        }
        if (message.Length == 0) message = reason.Length > 0 ? reason : ((HttpStatusCode)code).ToString();
        return new KubeApiException(code, reason, message, details, retryAfter);
    }
}
