using System.Text.Json.Nodes;

namespace Orkestra.Sandbox.Resources;

/// <summary>
/// The JSONPath subset printer columns and selectable fields use: <c>.a.b</c>, <c>.a[0]</c>, <c>.a[*].b</c> (first
/// match) and <c>.a[?(@.type=="Ready")].status</c>. Returns the first matching node, or null.
/// </summary>
internal static class JsonPathLite
{
    public static JsonNode? Evaluate(JsonNode? root, string path)
    {
        var p = path.Trim();
        if (p.StartsWith('{') && p.EndsWith('}')) p = p[1..^1];
        if (p.StartsWith('$')) p = p[1..];
        return Walk(root, p, 0);
    }

    private static JsonNode? Walk(JsonNode? node, string p, int i)
    {
        while (i < p.Length && node is not null)
        {
            if (p[i] == '.')
            {
                var end = i + 1;
                while (end < p.Length && p[end] != '.' && p[end] != '[') end++;
                var key = p[(i + 1)..end];
                node = key.Length == 0 ? node : node is JsonObject o && o.TryGetPropertyValue(key, out var child) ? child : null;
                i = end;
            }
            else if (p[i] == '[')
            {
                var close = FindClose(p, i);
                if (close < 0) return null;
                var inner = p[(i + 1)..close].Trim();
                i = close + 1;
                if (node is not JsonArray array) return null;
                if (inner == "*")
                {
                    foreach (var item in array)
                    {
                        if (Walk(item, p, i) is { } found) return found;
                    }
                    return null;
                }
                if (inner.StartsWith("?(", StringComparison.Ordinal) && inner.EndsWith(')'))
                {
                    var condition = inner[2..^1];
                    var eq = condition.IndexOf("==", StringComparison.Ordinal);
                    if (eq < 0 || !condition.StartsWith("@", StringComparison.Ordinal)) return null;
                    var left = condition[1..eq].Trim();
                    var right = condition[(eq + 2)..].Trim().Trim('"', '\'');
                    foreach (var item in array)
                    {
                        if (Json(Walk(item, left, 0)) == right && Walk(item, p, i) is { } found) return found;
                    }
                    return null;
                }
                if (!int.TryParse(inner, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture,
                    out var index)) return null;
                if (index < 0) index += array.Count;
                node = index >= 0 && index < array.Count ? array[index] : null;
            }
            else return null;
        }
        return node;
    }

    private static string? Json(JsonNode? node) => Api.Json.ScalarText(node);

    private static int FindClose(string p, int open)
    {
        var depth = 0;
        for (var i = open; i < p.Length; i++)
        {
            if (p[i] == '[') depth++;
            else if (p[i] == ']' && --depth == 0) return i;
        }
        return -1;
    }
}
