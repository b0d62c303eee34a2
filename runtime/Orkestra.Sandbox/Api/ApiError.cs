using System.Text.Json.Nodes;
using Orkestra.Sandbox.Api;
using Orkestra.Sandbox.Resources;

namespace Orkestra.Sandbox.Api;

/// <summary>
/// A failed API call carrying the exact <c>Status</c> a kube-apiserver would answer with.
/// Thrown anywhere below the HTTP layer; the router turns it into the response body and code.
/// </summary>
internal sealed class ApiError : Exception
{
    public ApiError(int code, string reason, string message, JsonObject? details = null, string? retryAfterSeconds = null)
        : base(message)
    {
        Code = code;
        Reason = reason;
        Details = details;
        RetryAfterSeconds = retryAfterSeconds;
    }

    public int Code { get; }
    public string Reason { get; }
    public JsonObject? Details { get; }
    public string? RetryAfterSeconds { get; }

    public JsonObject ToStatus() => Status.Failure(Code, Reason, Message, Details?.DeepClone().AsObject());

    private static JsonObject NameDetails(ResourceType type, string name) => new()
    {
        ["name"] = name,
        ["group"] = type.Group,
        ["kind"] = type.Resource,
    };

    public static ApiError NotFound(ResourceType type, string name) =>
        new(404, "NotFound", $"{type.GroupResource} \"{name}\" not found", NameDetails(type, name));

    public static ApiError NamespaceNotFound(string ns) =>
        new(404, "NotFound", $"namespaces \"{ns}\" not found", new JsonObject { ["name"] = ns, ["kind"] = "namespaces" });

    public static ApiError AlreadyExists(ResourceType type, string name, string? suffix = null) =>
        new(409, "AlreadyExists", $"{type.GroupResource} \"{name}\" already exists{suffix}", NameDetails(type, name));

    public static ApiError Conflict(ResourceType type, string name, string why) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {type.GroupResource} \"{name}\": {why}", NameDetails(type, name));

    public static ApiError StaleResourceVersion(ResourceType type, string name) =>
        Conflict(type, name, "the object has been modified; please apply your changes to the latest version and try again");

    /// <summary>422 Invalid: <c>&lt;Kind&gt;[.group] "name" is invalid: cause1, cause2</c>; details.kind is the Kind.</summary>
    public static ApiError Invalid(string kind, string group, string name, IReadOnlyList<Cause> causes)
    {
        var qualified = group.Length == 0 ? kind : $"{kind}.{group}";
        var text = causes.Count == 1 ? causes[0].Message : "[" + string.Join(", ", causes.Select(c => c.Message)) + "]";
        var array = new JsonArray();
        foreach (var cause in causes)
        {
            array.Push(new JsonObject { ["reason"] = cause.Type, ["message"] = cause.Detail, ["field"] = cause.Field });
        }
        var details = new JsonObject { ["name"] = name, ["group"] = group, ["kind"] = kind, ["causes"] = array };
        return new ApiError(422, "Invalid", $"{qualified} \"{name}\" is invalid: {text}", details);
    }

    public static ApiError Invalid(ResourceType type, string name, params Cause[] causes) => Invalid(type.Kind, type.Group, name, causes);

    /// <summary>409 for a server-side apply that would change fields other managers own; details carry only the causes (kube's
    /// NewApplyConflict).</summary>
    public static ApiError ApplyConflict(string message, IEnumerable<(string Message, string Field)> conflicts)
    {
        var causes = new JsonArray();
        foreach (var (text, field) in conflicts)
            causes.Push(new JsonObject { ["reason"] = "FieldManagerConflict", ["message"] = text, ["field"] = field });
        return new ApiError(409, "Conflict", message, new JsonObject { ["causes"] = causes });
    }

    public static ApiError BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiError MethodNotAllowed(string message) => new(405, "MethodNotAllowed", message);

    public static ApiError NotAcceptable(string message) => new(406, "NotAcceptable", message);

    public static ApiError UnsupportedMediaType(string accepted) =>
        new(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: {accepted}");

    public static ApiError Expired(string message) => new(410, "Expired", message);

    public static ApiError Forbidden(string message, JsonObject? details = null) => new(403, "Forbidden", message, details);

    public static ApiError Internal(string message) => new(500, "InternalError", $"Internal error occurred: {message}",
        new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["message"] = message }) });

    /// <summary>Path 404 for a URL that names no served resource (the real server answers with a plain Status too).</summary>
    public static ApiError PathNotFound() => new(404, "NotFound", "the server could not find the requested resource",
        new JsonObject());
}

/// <summary>One cause of a 422: <c>Type</c> is the kube cause type (FieldValueInvalid, FieldValueRequired...).</summary>
internal sealed record Cause(string Type, string Field, string Detail, string Message)
{
    public static Cause Required(string field, string? detail = null) =>
        new("FieldValueRequired", field, detail ?? "Required value", $"{field}: Required value{(detail is null ? "" : ": " + detail)}");

    public static Cause InvalidValue(string field, string renderedValue, string detail) =>
        new("FieldValueInvalid", field, $"Invalid value: {renderedValue}: {detail}", $"{field}: Invalid value: {renderedValue}: {detail}");

    public static Cause Forbidden(string field, string detail) =>
        new("FieldValueForbidden", field, $"Forbidden: {detail}", $"{field}: Forbidden: {detail}");

    public static Cause Immutable(string field, string renderedValue) =>
        InvalidValue(field, renderedValue, "field is immutable");

    public static Cause NotSupported(string field, string renderedValue, IEnumerable<string> supported) =>
        new("FieldValueNotSupported", field,
            $"Unsupported value: {renderedValue}: supported values: {string.Join(", ", supported.Select(s => $"\"{s}\""))}",
            $"{field}: Unsupported value: {renderedValue}: supported values: {string.Join(", ", supported.Select(s => $"\"{s}\""))}");
}

/// <summary>Builds <c>meta/v1 Status</c> objects.</summary>
internal static class Status
{
    public static JsonObject Failure(int code, string reason, string message, JsonObject? details)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
        };
        if (details is not null) status["details"] = details;
        status["code"] = code;
        return status;
    }

    public static JsonObject Success(ResourceType type, string name, string? uid) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Success",
        ["details"] = new JsonObject { ["name"] = name, ["group"] = type.Group, ["kind"] = type.Resource, ["uid"] = uid },
    };
}
