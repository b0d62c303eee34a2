using System.Text.Json;
using System.Text.Json.Nodes;
using Orkestra.Katalog.Model;

namespace Orkestra.Runtime.Webhooks;

/// <summary>A review body that cannot be answered (answered with HTTP 400 and this message).</summary>
public sealed class ReviewException(string message) : Exception(message);

/// <summary>
/// The parts of an <c>admission.k8s.io/v1</c> AdmissionReview request the webhooks use. <see cref="Object"/> and
/// <see cref="OldObject"/> are elements of the request document and live as long as it does.
/// </summary>
public sealed record AdmissionRequest(
    string Uid,
    string Operation,
    string Group,
    string Version,
    string Kind,
    string Resource,
    string? SubResource,
    string? Namespace,
    string? Name,
    JsonElement? Object,
    JsonElement? OldObject,
    bool DryRun)
{
    public const string ApiVersion = "admission.k8s.io/v1";

    private static readonly string[] Operations = ["CREATE", "UPDATE", "DELETE", "CONNECT"];

    /// <summary>The object the request is about: the new one, or the old one for DELETE.</summary>
    public JsonElement? Subject => Object ?? OldObject;

    /// <summary><c>namespace/name</c> or <c>name</c>, for messages and logs.</summary>
    public string Describe() => $"{Kind} {(Namespace is { Length: > 0 } ns ? ns + "/" : "")}{Name ?? SubjectName() ?? "(unnamed)"}";

    private string? SubjectName() =>
        Subject is { } s && s.TryGetProperty("metadata", out var md) && md.ValueKind == JsonValueKind.Object
        && md.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;

    /// <summary>Reads a whole AdmissionReview; throws <see cref="ReviewException"/> naming what is wrong. Group, version, kind
    /// and resource equal to <paramref name="expected"/>'s (the route's CRD) are its strings, not new ones.</summary>
    public static AdmissionRequest Parse(JsonElement review, ApiTypes? expected = null)
    {
        if (review.ValueKind != JsonValueKind.Object) throw new ReviewException("the body must be a JSON object (an AdmissionReview)");
        if (!Is(review, "kind", "AdmissionReview"))
            throw new ReviewException($"kind must be AdmissionReview, not {Quote(Text(review, "kind"))}");
        if (!Is(review, "apiVersion", ApiVersion))
            throw new ReviewException($"apiVersion must be {ApiVersion}, not {Quote(Text(review, "apiVersion"))}");
        if (!review.TryGetProperty("request", out var request) || request.ValueKind != JsonValueKind.Object)
            throw new ReviewException("request is missing or not an object");
        var uid = Text(request, "uid");
        if (string.IsNullOrEmpty(uid)) throw new ReviewException("request.uid is missing");
        string? operation = null;
        foreach (var known in Operations)
        {
            if (Is(request, "operation", known)) operation = known;
        }
        if (operation is null)
        {
            throw new ReviewException("request.operation must be CREATE, UPDATE, DELETE or CONNECT, " +
                $"not {Quote(Text(request, "operation"))}");
        }
        if (!request.TryGetProperty("kind", out var gvk) || gvk.ValueKind != JsonValueKind.Object
            || Text(gvk, "kind", expected?.Kind) is not { Length: > 0 } k)
            throw new ReviewException("request.kind {group, version, kind} is missing");
        var resource = request.TryGetProperty("resource", out var gvr) && gvr.ValueKind == JsonValueKind.Object
            ? Text(gvr, "resource", expected?.Plural)
            : null;
        var obj = Obj(request, "object");
        var old = Obj(request, "oldObject");
        if (operation is "CREATE" or "UPDATE" && obj is null) throw new ReviewException($"request.object is missing for {operation}");
        if (operation == "UPDATE" && old is null) throw new ReviewException("request.oldObject is missing for UPDATE");
        var dryRun = request.TryGetProperty("dryRun", out var d) && d.ValueKind == JsonValueKind.True;
        return new AdmissionRequest(uid, operation, Text(gvk, "group", expected?.Group) ?? "",
            Text(gvk, "version", expected?.Version) ?? "", k, resource ?? "",
            Text(request, "subResource") is { Length: > 0 } sub ? sub : null, Text(request, "namespace") is { Length: > 0 } ns ? ns : null,
            Text(request, "name") is { Length: > 0 } name ? name : null, obj, old, dryRun);
    }

    private static JsonElement? Obj(JsonElement request, string name)
    {
        if (!request.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.Object) throw new ReviewException($"request.{name} must be an object");
        return value;
    }

    internal static string? Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>The string <paramref name="name"/>, as <paramref name="known"/> itself when it equals it.</summary>
    private static string? Text(JsonElement obj, string name, string? known) =>
        !obj.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.String ? null
        : known is not null && v.ValueEquals(known) ? known
        : v.GetString();

    /// <summary>True when the string <paramref name="name"/> equals <paramref name="value"/> (read without a new string).</summary>
    internal static bool Is(JsonElement obj, string name, string value) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.ValueEquals(value);

    internal static string Quote(string? text) => text is null ? "nothing" : $"\"{(text.Length > 60 ? text[..57] + "..." : text)}\"";
}

/// <summary>The answer to one AdmissionReview: allowed or denied (HTTP-style code and message), warnings, a JSONPatch.</summary>
public sealed record AdmissionResponse(bool Allowed, int Code, string? Message, IReadOnlyList<string> Warnings, JsonArray? Patch)
{
    /// <summary>The plain "allowed" answer (no warnings, no patch), shared: responses are immutable.</summary>
    private static readonly AdmissionResponse Plain = new(true, 200, null, [], null);

    public static AdmissionResponse Allow(IReadOnlyList<string>? warnings = null, JsonArray? patch = null) =>
        warnings is null or { Count: 0 } && patch is null or { Count: 0 }
            ? Plain
            : new(true, 200, null, warnings ?? [], patch is { Count: > 0 } ? patch : null);

    /// <summary>403 for a rule's denial; 500 when a rule could not be evaluated.</summary>
    public static AdmissionResponse Deny(string message, IReadOnlyList<string>? warnings = null, int code = 403) =>
        new(false, code, message, warnings ?? [], null);

    /// <summary>Writes the whole AdmissionReview response for <paramref name="uid"/>.</summary>
    public void Write(Utf8JsonWriter w, string uid)
    {
        w.WriteStartObject();
        w.WriteString("apiVersion", AdmissionRequest.ApiVersion);
        w.WriteString("kind", "AdmissionReview");
        w.WriteStartObject("response");
        w.WriteString("uid", uid);
        w.WriteBoolean("allowed", Allowed);
        if (!Allowed)
        {
            w.WriteStartObject("status");
            w.WriteString("status", "Failure");
            w.WriteNumber("code", Code);
            w.WriteString("reason", Code == 403 ? "Forbidden" : "InternalError");
            w.WriteString("message", Message ?? "");
            w.WriteEndObject();
        }
        if (Warnings.Count > 0)
        {
            w.WriteStartArray("warnings");
            foreach (var warning in Warnings) w.WriteStringValue(warning);
            w.WriteEndArray();
        }
        if (Patch is { } patch)
        {
            w.WriteString("patchType", "JSONPatch");
            w.WriteBase64String("patch", System.Text.Encoding.UTF8.GetBytes(patch.ToJsonString()));
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }
}

/// <summary>The parts of an <c>apiextensions.k8s.io/v1</c> ConversionReview request: the uid, the version wanted and the objects.</summary>
public sealed record ConversionRequest(string Uid, string DesiredApiVersion, IReadOnlyList<JsonElement> Objects)
{
    public const string ApiVersion = "apiextensions.k8s.io/v1";

    public static ConversionRequest Parse(JsonElement review)
    {
        if (review.ValueKind != JsonValueKind.Object) throw new ReviewException("the body must be a JSON object (a ConversionReview)");
        if (!AdmissionRequest.Is(review, "kind", "ConversionReview"))
        {
            throw new ReviewException(
                $"kind must be ConversionReview, not {AdmissionRequest.Quote(AdmissionRequest.Text(review, "kind"))}");
        }
        if (!AdmissionRequest.Is(review, "apiVersion", ApiVersion))
        {
            throw new ReviewException($"apiVersion must be {ApiVersion}, " +
                $"not {AdmissionRequest.Quote(AdmissionRequest.Text(review, "apiVersion"))}");
        }
        if (!review.TryGetProperty("request", out var request) || request.ValueKind != JsonValueKind.Object)
            throw new ReviewException("request is missing or not an object");
        var uid = AdmissionRequest.Text(request, "uid");
        if (string.IsNullOrEmpty(uid)) throw new ReviewException("request.uid is missing");
        var desired = AdmissionRequest.Text(request, "desiredAPIVersion");
        if (string.IsNullOrEmpty(desired) || !desired.Contains('/'))
            throw new ReviewException("request.desiredAPIVersion must be group/version");
        if (!request.TryGetProperty("objects", out var objects) || objects.ValueKind != JsonValueKind.Array)
            throw new ReviewException("request.objects must be a list");
        var list = new List<JsonElement>(objects.GetArrayLength());
        var i = 0;
        foreach (var o in objects.EnumerateArray())
        {
            if (o.ValueKind != JsonValueKind.Object) throw new ReviewException($"request.objects[{i}] must be an object");
            list.Add(o);
            i++;
        }
        return new ConversionRequest(uid, desired, list);
    }

    /// <summary>Writes the ConversionReview response up to its <c>convertedObjects</c> list, open for the objects.</summary>
    public static void WriteStart(Utf8JsonWriter w, string uid)
    {
        w.WriteStartObject();
        w.WriteString("apiVersion", ApiVersion);
        w.WriteString("kind", "ConversionReview");
        w.WriteStartObject("response");
        w.WriteString("uid", uid);
        w.WriteStartArray("convertedObjects");
    }

    /// <summary>Closes what <see cref="WriteStart"/> opened, with the result: Success, or Failure with <paramref name="failure"/>
    /// (then no object may have been written).</summary>
    public static void WriteEnd(Utf8JsonWriter w, string? failure)
    {
        w.WriteEndArray();
        w.WriteStartObject("result");
        w.WriteString("status", failure is null ? "Success" : "Failure");
        if (failure is not null) w.WriteString("message", failure);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
