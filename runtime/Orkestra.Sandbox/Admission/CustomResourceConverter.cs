using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Schema;
using Orkestra.Sandbox.Api;
using Orkestra.Sandbox.Resources;

namespace Orkestra.Sandbox.Admission;

/// <summary>A CRD's <c>spec.conversion</c> with <c>strategy: Webhook</c>, compiled when the CRD is stored.</summary>
internal sealed record ConversionWebhook(WebhookEndpoint Endpoint, string? ReviewVersion);

/// <summary>
/// Converts custom resources between the versions of their CRD (APIEXT <c>conversion/webhook_converter.go</c>):
/// strategy <c>None</c> rewrites <c>apiVersion</c> only; <c>Webhook</c> sends every object not already in the desired
/// version in one ConversionReview, applies kube's response checks (review kind, uid, <c>result.status</c>, count,
/// apiVersion/kind/name/namespace/uid of each object) and keeps only labels and annotations of the returned
/// metadata. Converted objects are pruned and defaulted by the target version's schema. A failure is the 500 kube
/// answers (<c>conversion webhook for G/V, Kind=K failed: ...</c>). Stateless apart from the shared client.
/// </summary>
internal sealed class CustomResourceConverter
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly WebhookClient _client;

    public CustomResourceConverter(WebhookClient client) => _client = client;

    /// <summary>True when showing <paramref name="obj"/> as <paramref name="type"/> takes a webhook call.</summary>
    public static bool NeedsCall(ResourceType type, JsonObject obj) =>
        type.Custom?.Conversion is not null && Json.Str(obj, "apiVersion") != type.GroupVersion;

    /// <summary>
    /// <paramref name="objects"/> (of one CRD) in <paramref name="desiredApiVersion"/>. Objects already in that version are
    /// returned as they are (callers must not change them); the others are new objects. <paramref name="targetSchema"/>
    /// prunes and defaults converted objects (null: none). <paramref name="listKind"/> names the list in errors.
    /// </summary>
    public async ValueTask<JsonObject[]> ConvertAsync(CustomResourceInfo crd, string kind, IReadOnlyList<JsonObject> objects,
        string desiredApiVersion, StructuralSchema? targetSchema, string? listKind = null)
    {
        var result = objects.ToArray();
        var pending = Enumerable.Range(0, result.Length).Where(i => Json.Str(result[i], "apiVersion") != desiredApiVersion).ToList();
        if (pending.Count == 0) return result;
        if (crd.Conversion is not { } webhook)
        {
            foreach (var i in pending)
            {
                var copy = (JsonObject)result[i].DeepClone();
                copy["apiVersion"] = desiredApiVersion;
                result[i] = Coerce(copy, targetSchema);
            }
            return result;
        }
        var gvk = $"{Json.Str(result[pending[0]], "apiVersion")}, Kind={listKind ?? kind}";
        var converted = await CallAsync(webhook, gvk, pending.Select(i => result[i]).ToList(), desiredApiVersion).ConfigureAwait(false);
        for (var n = 0; n < pending.Count; n++)
        {
            var original = result[pending[n]];
            var where = listKind is null ? "invalid object" : $"invalid converted object at index {n}";
            var output = converted[n] as JsonObject
                         ?? throw Failure($"conversion webhook for {gvk} returned {where}: the object is not a JSON object");
            var apiVersion = Json.Str(output, "apiVersion") ?? "";
            if (apiVersion != desiredApiVersion)
            {
                throw Failure($"conversion webhook for {gvk} returned {(listKind is null ? "invalid object at index 0" : where)}: " +
                              $"invalid groupVersion (expected {desiredApiVersion}, received {apiVersion})");
            }
            if (CheckIdentity(original, output) is { } problem) throw Failure($"conversion webhook for {gvk} returned {where}: {problem}");
            if (RestoreMetadata(original, output) is { } bad)
            {
                var at = listKind is null ? "" : $" in object at index {n}";
                throw Failure($"conversion webhook for {gvk} returned invalid metadata{at}: {bad}");
            }
            result[pending[n]] = Coerce(output, targetSchema);
        }
        return result;
    }

    private async Task<JsonArray> CallAsync(ConversionWebhook webhook, string gvk, List<JsonObject> objects, string desiredApiVersion)
    {
        if (webhook.ReviewVersion is null) throw Failure($"conversion webhook for {gvk} failed: no supported conversion review versions");
        var reviewApiVersion = $"apiextensions.k8s.io/{webhook.ReviewVersion}";
        var uid = Guid.NewGuid().ToString();
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(4096);
        using (var writer = Json.CreateWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("kind", "ConversionReview");
            writer.WriteString("apiVersion", reviewApiVersion);
            writer.WriteStartObject("request");
            writer.WriteString("uid", uid);
            writer.WriteString("desiredAPIVersion", desiredApiVersion);
            writer.WriteStartArray("objects");
            foreach (var o in objects) o.WriteTo(writer);
            writer.WriteEndArray();
            writer.WriteEndObject();
            // kube sends the empty response stub it decodes into
            writer.WritePropertyName("response");
            writer.WriteRawValue("""{"uid":"","convertedObjects":null,"result":{"metadata":{}}}"""u8, skipInputValidation: true);
            writer.WriteEndObject();
        }
        JsonObject answer;
        try
        {
            answer = await _client.PostAsync(webhook.Endpoint, buffer.WrittenSpan.ToArray(), Timeout).ConfigureAwait(false);
        }
        catch (WebhookCallException e)
        {
            throw Failure($"conversion webhook for {gvk} failed: {e.Message}");
        }
        if (Problem(answer, reviewApiVersion, uid) is { } problem) throw Failure($"conversion webhook for {gvk} failed: {problem}");
        var converted = answer["response"]!["convertedObjects"] as JsonArray ?? [];
        if (converted.Count != objects.Count)
            throw Failure($"conversion webhook for {gvk} returned {converted.Count} objects, expected {objects.Count}");
        return converted;
    }

    /// <summary>getConvertedObjectsFromResponse's checks; null when the response is usable.</summary>
    private static string? Problem(JsonObject answer, string reviewApiVersion, string uid)
    {
        var strict = reviewApiVersion.EndsWith("/v1", StringComparison.Ordinal);
        var apiVersion = Json.Str(answer, "apiVersion") ?? "";
        var kind = Json.Str(answer, "kind") ?? "";
        if (strict && (apiVersion != reviewApiVersion || kind != "ConversionReview"))
            return $"expected webhook response of {reviewApiVersion}, Kind=ConversionReview, got {apiVersion}, Kind={kind}";
        if (answer["response"] is not JsonObject response) return "no response provided";
        if (strict && Json.Str(response, "uid") is var got && got != uid) return $"expected response.uid=\"{uid}\", got \"{got}\"";
        var status = Json.Str(response["result"], "status") ?? "";
        if (status != "Success")
        {
            var message = Json.Str(response["result"], "message");
            return string.IsNullOrEmpty(message) ? $"response.result.status was '{status}', not 'Success'" : message;
        }
        if (response["convertedObjects"] is not (null or JsonArray)) return "response.convertedObjects must be an array";
        return null;
    }

    /// <summary>validateConvertedObject: kind, name, namespace and uid must survive the conversion.</summary>
    private static string? CheckIdentity(JsonObject original, JsonObject converted)
    {
        foreach (var (label, read) in new (string, Func<JsonObject, string>)[]
                 {
                     ("kind", o => Json.Str(o, "kind") ?? ""),
                     ("name", o => Json.Str(o["metadata"], "name") ?? ""),
                     ("namespace", o => Json.Str(o["metadata"], "namespace") ?? ""),
                     ("UID", o => Json.Str(o["metadata"], "uid") ?? ""),
                 })
        {
            var (expected, actual) = (read(original), read(converted));
            if (expected != actual) return $"must have the same {label}: {expected} != {actual}";
        }
        return null;
    }

    /// <summary>restoreObjectMeta: the original metadata with the converted object's labels and annotations.</summary>
    private static string? RestoreMetadata(JsonObject original, JsonObject converted)
    {
        if (converted["metadata"] is not JsonObject returned)
            return converted.ContainsKey("metadata") ? "invalid metadata in converted object" : "missing metadata in converted object";
        var metadata = original["metadata"]?.DeepClone() as JsonObject ?? new JsonObject();
        foreach (var field in new[] { "labels", "annotations" })
        {
            var value = returned[field];
            if (value is null)
            {
                metadata.Remove(field);
                continue;
            }
            if (value is not JsonObject map) return $"invalid metadata.{field} in converted object";
            foreach (var (key, entry) in map)
            {
                if (entry is not JsonValue v || !v.TryGetValue<string>(out _)) return $"metadata.{field}[{key}] must be a string";
            }
            metadata[field] = map.DeepClone();
        }
        converted["metadata"] = metadata;
        return null;
    }

    private static JsonObject Coerce(JsonObject obj, StructuralSchema? schema)
    {
        if (schema is null) return obj;
        schema.Prune(obj);
        schema.Default(obj);
        return obj;
    }

    private static ApiError Failure(string message) => new(500, "", message);
}
