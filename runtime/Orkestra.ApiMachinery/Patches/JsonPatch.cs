using System.Globalization;
using System.Text.Json.Nodes;

namespace Orkestra.ApiMachinery.Patches;

/// <summary>A JSON patch operation that cannot be applied (kube answers 422 with this text, in evanphx/json-patch's words).</summary>
public sealed class JsonPatchException(string message) : Exception(message);

/// <summary>JSON patch (RFC 6902): add, remove, replace, move, copy, test over JSON pointers. Pure.</summary>
public static class JsonPatch
{
    /// <summary>Applies the operations in order to <paramref name="doc"/> (modified in place); the first failure throws.</summary>
    public static JsonNode? Apply(JsonNode? doc, JsonArray operations)
    {
        foreach (var opNode in operations)
        {
            if (opNode is not JsonObject op) throw Unprocessable("invalid JSON patch operation");
            var kind = Text(op, "op") ?? throw Unprocessable("Unexpected kind: ");
            var path = Text(op, "path") ?? throw Unprocessable($"operation missing path");
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
                    var from = Text(op, "from") ?? throw Unprocessable("move operation missing from");
                    doc = Remove(doc, from, out var moved);
                    doc = Add(doc, path, moved);
                    break;
                }
                case "copy":
                {
                    var from = Text(op, "from") ?? throw Unprocessable("copy operation missing from");
                    var value = Get(doc, from) ?? throw Unprocessable($"copy operation does not apply: doc is missing from path: {from}");
                    doc = Add(doc, path, value.DeepClone());
                    break;
                }
                case "test":
                {
                    var actual = Get(doc, path);
                    if (!JsonNode.DeepEquals(actual, op["value"])) throw Unprocessable($"testing value {path} failed: test failed");
                    break;
                }
                default: throw Unprocessable($"Unexpected kind: {kind}");
            }
        }
        return doc;
    }

    private static JsonNode? Value(JsonObject op) =>
        op.TryGetPropertyValue("value", out var v) ? v?.DeepClone() : throw Unprocessable("missing value");

    private static JsonPatchException Unprocessable(string message) => new(message);

    private static string[] Tokens(string pointer)
    {
        if (pointer.Length == 0) return [];
        if (pointer[0] != '/') throw Unprocessable($"JSON pointer must be empty or start with a \"/\": {pointer}");
        return pointer[1..].Split('/')
            .Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();
    }

    private static JsonNode? Get(JsonNode? doc, string pointer)
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

    private static JsonNode? Add(JsonNode? doc, string pointer, JsonNode? value)
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

    private static JsonNode? Remove(JsonNode? doc, string pointer, out JsonNode? removed)
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

    private static string? Text(JsonObject op, string key) => op[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static string Escape(string token) =>
        token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
