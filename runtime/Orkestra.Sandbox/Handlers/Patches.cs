using System.Globalization;
using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Patches;
using Orkestra.Sandbox.Api;

namespace Orkestra.Sandbox.Handlers;

/// <summary>
/// Applies a PATCH body to the current object by media type (spec §5): RFC 7386 merge patch and RFC 6902 JSON
/// patch for every kind, strategic merge patch for built-in kinds (custom resources are refused with 415 before this).
/// Server-side apply is handled by <c>HttpApi.ServerSideApply</c>.
/// </summary>
internal static class Patches
{
    public static JsonObject Apply(PatchRequest patch, JsonObject current, string name)
    {
        switch (patch.ContentType)
        {
            case "application/merge-patch+json":
            {
                var body = Json.Parse(patch.Body, "error decoding patch");
                return MergePatch(current, body) as JsonObject ?? throw ApiError.BadRequest("the patch must produce an object");
            }
            case "application/json-patch+json":
            {
                var ops = Json.Parse(patch.Body, "error decoding patch") as JsonArray
                          ?? throw ApiError.BadRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
                return JsonPatch(current, ops) as JsonObject ?? throw ApiError.BadRequest("the patch must produce an object");
            }
            case "application/strategic-merge-patch+json":
            {
                var body = Json.Parse(patch.Body, "error decoding patch") as JsonObject
                           ?? throw ApiError.BadRequest("json: cannot unmarshal array into Go value of type map[string]interface {}");
                try
                {
                    return StrategicMergePatch.Apply(current, body, patch.Type.Shape);
                }
                catch (InvalidPatchException e)
                {
                    throw ApiError.BadRequest(e.Message);
                }
            }
            default:
                throw ApiError.UnsupportedMediaType("application/json-patch+json, application/merge-patch+json");
        }
    }

    public static JsonObject ApplyToAbsent(PatchRequest patch, string name) => throw ApiError.NotFound(patch.Type, name);

    /// <summary>RFC 7386: objects merge recursively, null deletes, everything else replaces.</summary>
    internal static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject) return patch?.DeepClone();
        var result = target as JsonObject ?? new JsonObject();
        foreach (var (key, value) in patchObject.ToList())
        {
            if (value is null) result.Remove(key);
            else
            {
                var merged = MergePatch(result[key] is { } existing ? existing : null, value);
                if (merged is not null && merged.Parent is not null) merged = merged.DeepClone();
                result[key] = merged;
            }
        }
        return result;
    }

    /// <summary>RFC 6902 on a node tree; failures answer 422 with a message in the style of evanphx/json-patch.</summary>
    internal static JsonNode? JsonPatch(JsonNode? doc, JsonArray operations)
    {
        foreach (var opNode in operations)
        {
            if (opNode is not JsonObject op) throw Unprocessable("invalid JSON patch operation");
            var kind = Json.Str(op, "op") ?? throw Unprocessable("Unexpected kind: ");
            var path = Json.Str(op, "path") ?? throw Unprocessable($"operation missing path");
            switch (kind)
            {
                case "add": doc = Add(doc, path, Value(op)); break;
                case "remove": doc = Remove(doc, path, out _); break;
                case "replace":
                    _ = Get(doc, path) ?? throw Unprocessable($"replace operation does not apply: doc is missing key: {path}");
                    doc = Remove(doc, path, out _);
                    doc = Add(doc, path, Value(op));
                    break;
                case "move":
                {
                    var from = Json.Str(op, "from") ?? throw Unprocessable("move operation missing from");
                    doc = Remove(doc, from, out var moved);
                    doc = Add(doc, path, moved);
                    break;
                }
                case "copy":
                {
                    var from = Json.Str(op, "from") ?? throw Unprocessable("copy operation missing from");
                    var value = Get(doc, from) ?? throw Unprocessable($"copy operation does not apply: doc is missing from path: {from}");
                    doc = Add(doc, path, value.DeepClone());
                    break;
                }
                case "test":
                {
                    var actual = Get(doc, path);
                    if (!Json.DeepEquals(actual, op["value"])) throw Unprocessable($"testing value {path} failed: test failed");
                    break;
                }
                default: throw Unprocessable($"Unexpected kind: {kind}");
            }
        }
        return doc;
    }

    static JsonNode? Value(JsonObject op) => op.TryGetPropertyValue("value", out var v) ? v?.DeepClone() : throw Unprocessable("missing value");

    static ApiError Unprocessable(string message) => new(422, "Invalid", message);

    static string[] Tokens(string pointer)
    {
        if (pointer.Length == 0) return [];
        if (pointer[0] != '/') throw Unprocessable($"JSON pointer must be empty or start with a \"/\": {pointer}");
        return pointer[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();
    }

    static JsonNode? Get(JsonNode? doc, string pointer)
    {
        var node = doc;
        foreach (var token in Tokens(pointer))
        {
            node = node switch
            {
                JsonObject o => o.TryGetPropertyValue(token, out var child) ? child : null,
                JsonArray a when int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count => a[i],
                _ => null,
            };
            if (node is null) return null;
        }
        return node;
    }

    static JsonNode? Add(JsonNode? doc, string pointer, JsonNode? value)
    {
        var tokens = Tokens(pointer);
        if (tokens.Length == 0) return value;
        var parent = Get(doc, "/" + string.Join('/', tokens[..^1].Select(Escape)));
        if (tokens.Length == 1) parent = doc;
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject o:
                o[last] = value;
                break;
            case JsonArray a:
                if (last == "-") a.Add(value);
                else if (int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i <= a.Count) a.Insert(i, value);
                else throw Unprocessable($"add operation does not apply: index {last} out of bounds");
                break;
            default:
                throw Unprocessable($"add operation does not apply: doc is missing path: \"{pointer}\": missing value");
        }
        return doc;
    }

    static JsonNode? Remove(JsonNode? doc, string pointer, out JsonNode? removed)
    {
        var tokens = Tokens(pointer);
        var parent = tokens.Length == 1 ? doc : Get(doc, "/" + string.Join('/', tokens[..^1].Select(Escape)));
        var last = tokens.Length == 0 ? "" : tokens[^1];
        switch (parent)
        {
            case JsonObject o when o.TryGetPropertyValue(last, out removed):
                o.Remove(last);
                return doc;
            case JsonArray a when int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count:
                removed = a[i];
                a.RemoveAt(i);
                return doc;
            default:
                throw Unprocessable($"remove operation does not apply: doc is missing path: \"{pointer}\": missing value");
        }
    }

    static string Escape(string token) => token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
