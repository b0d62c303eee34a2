using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orkestra.Sandbox.Api;

namespace Orkestra.Sandbox.Admission;

/// <summary>
/// The AdmissionReview wire format (API <c>admission/v1/types.go</c>; v1beta1 has the same shape): the request body
/// kube-apiserver sends (<c>CreateV1AdmissionReview</c>: field order and omitempty rules kept) and the checks it
/// applies to the answer (<c>VerifyAdmissionResponse</c>). Pure.
/// </summary>
internal static class AdmissionReview
{
    /// <summary>The request body for one call of <paramref name="invocation"/>; objects are passed pre-serialised.</summary>
    public static byte[] Request(string reviewVersion, string uid, Invocation invocation, AdmissionRequest request, byte[]? obj,
        byte[]? old)
    {
        var buffer = new ArrayBufferWriter<byte>(1024 + (obj?.Length ?? 0) + (old?.Length ?? 0));
        using (var w = Json.CreateWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("kind", "AdmissionReview");
            w.WriteString("apiVersion", $"admission.k8s.io/{reviewVersion}");
            w.WriteStartObject("request");
            w.WriteString("uid", uid);
            Kind(w, "kind", invocation.Kind);
            Resource(w, "resource", invocation.Resource.Group, invocation.Resource.Version, invocation.Resource.Resource);
            if (request.Subresource.Length > 0) w.WriteString("subResource", request.Subresource);
            Kind(w, "requestKind", request.Kind);
            Resource(w, "requestResource", request.Type.Group, request.Type.Version, request.Type.Resource);
            if (request.Subresource.Length > 0) w.WriteString("requestSubResource", request.Subresource);
            if (request.Name.Length > 0) w.WriteString("name", request.Name);
            if (request.Namespace.Length > 0) w.WriteString("namespace", request.Namespace);
            w.WriteString("operation", request.Operation);
            w.WriteStartObject("userInfo");
            w.WriteString("username", AdmissionChain.UserName);
            w.WriteStartArray("groups");
            foreach (var group in AdmissionChain.UserGroups) w.WriteStringValue(group);
            w.WriteEndArray();
            w.WriteEndObject();
            Raw(w, "object", obj);
            Raw(w, "oldObject", old);
            w.WriteBoolean("dryRun", request.DryRun);
            w.WritePropertyName("options");
            request.Options.WriteTo(w);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void Kind(Utf8JsonWriter w, string name, (string Group, string Version, string Kind) kind)
    {
        w.WriteStartObject(name);
        w.WriteString("group", kind.Group);
        w.WriteString("version", kind.Version);
        w.WriteString("kind", kind.Kind);
        w.WriteEndObject();
    }

    private static void Resource(Utf8JsonWriter w, string name, string group, string version, string resource)
    {
        w.WriteStartObject(name);
        w.WriteString("group", group);
        w.WriteString("version", version);
        w.WriteString("resource", resource);
        w.WriteEndObject();
    }

    private static void Raw(Utf8JsonWriter w, string name, byte[]? json)
    {
        w.WritePropertyName(name);
        if (json is null) w.WriteNullValue();
        else w.WriteRawValue(json, skipInputValidation: true);
    }

    /// <summary>
    /// Decodes and verifies an answer. A malformed one throws <see cref="WebhookCallException"/>: stage Call for what
    /// fails decoding (kube: "failed to call webhook: ..."), with <see cref="InvalidResponse"/> for what fails
    /// verification (kube: "received invalid webhook response: ...").
    /// </summary>
    public static AdmissionResponse Response(JsonObject answer, string reviewVersion, string uid, bool mutating)
    {
        var response = answer["response"];
        if (response is not (null or JsonObject)) throw Undecodable("response", "struct", response);
        var r = response as JsonObject;
        var responseUid = Field<string>(r, "uid", "string");
        var allowed = Field<bool>(r, "allowed", "bool");
        var patchText = Field<string>(r, "patch", "[]uint8");
        var patchType = r?["patchType"] is not null ? Field<string>(r, "patchType", "string") : null;
        if (r?["status"] is not (null or JsonObject)) throw Undecodable("response.status", "v1.Status", r!["status"]);
        var warningList = r?["warnings"];
        var badWarning = (warningList as JsonArray)?.Any(x => x is not JsonValue v || !v.TryGetValue<string>(out _)) == true;
        if (warningList is not (null or JsonArray) || badWarning)
            throw Undecodable("response.warnings", "[]string", warningList);
        byte[]? patch = null;
        if (!string.IsNullOrEmpty(patchText))
        {
            try
            {
                patch = Convert.FromBase64String(patchText);
            }
            catch (FormatException)
            {
                throw new WebhookCallException(WebhookCallStage.Call, "illegal base64 data in response.patch");
            }
        }
        if (r is null) throw InvalidResponse("webhook response was absent");
        if (reviewVersion == "v1")
        {
            if (responseUid != uid) throw InvalidResponse($"expected response.uid=\"{uid}\", got \"{responseUid}\"");
            var apiVersion = Json.Str(answer, "apiVersion") ?? "";
            var kind = Json.Str(answer, "kind") ?? "";
            if (apiVersion != "admission.k8s.io/v1" || kind != "AdmissionReview")
            {
                throw InvalidResponse(
                    $"expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got {apiVersion}, Kind={kind}");
            }
            if (mutating)
            {
                var hasPatch = patch is { Length: > 0 };
                if (hasPatch && patchType is null) throw InvalidResponse("webhook returned response.patch but not response.patchType");
                if (!hasPatch && patchType is not null) throw InvalidResponse("webhook returned response.patchType but not response.patch");
                if (patchType is { Length: 0 }) throw InvalidResponse("webhook returned invalid response.patchType of \"\"");
            }
        }
        else if (mutating && patch is { Length: > 0 })
        {
            patchType = "JSONPatch";   // v1beta1 never verified the type: pinned to the only one
        }
        if (!mutating)
        {
            if (patch is { Length: > 0 }) throw InvalidResponse("validating webhook may not return response.patch");
            if (patchType is not null) throw InvalidResponse("validating webhook may not return response.patchType");
        }
        var warnings = (r["warnings"] as JsonArray ?? []).Select(Json.ScalarText).OfType<string>().ToArray();
        return new AdmissionResponse(allowed, mutating ? patch : null, patchType, r["status"] as JsonObject, warnings);
    }

    private static T? Field<T>(JsonObject? r, string name, string goType)
    {
        if (r is null || !r.TryGetPropertyValue(name, out var node) || node is null) return default;
        if (node is JsonValue v && v.TryGetValue<T>(out var value)) return value;
        throw Undecodable($"response.{name}", goType, node);
    }

    private static WebhookCallException Undecodable(string field, string goType, JsonNode? node)
    {
        var kind = node?.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => "number",
            JsonValueKind.True or JsonValueKind.False => "bool",
            JsonValueKind.Array => "array",
            JsonValueKind.Object => "object",
            _ => "null",
        };
        return new WebhookCallException(WebhookCallStage.Call,
            $"json: cannot unmarshal {kind} into Go struct field AdmissionReview.{field} of type {goType}");
    }

    /// <summary>An answer that decoded but breaks kube's rules (always counted as a call failure).</summary>
    public sealed class InvalidResponseException(string message) : Exception(message);

    private static InvalidResponseException InvalidResponse(string message) => new(message);
}

/// <summary>A verified AdmissionResponse: the decision, a JSON patch (mutating only), the Status and the warnings.</summary>
internal sealed record AdmissionResponse(bool Allowed, byte[]? Patch, string? PatchType, JsonObject? Status, string[] Warnings);
