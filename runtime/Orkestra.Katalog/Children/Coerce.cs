using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orkestra.Katalog.Children;

/// <summary>
/// Reads fields of a rendered entry as the types Kubernetes wants. Numbers accept a JSON number or a numeric
/// string; IntOrString keeps non-numeric text ("http", "25%"); bools accept "true"/"false". Every failure throws
/// <see cref="ChildBuildException"/> whose field path and message name the entry field (e.g.
/// <c>replicas: "three" is not a number</c>). Absent or empty values read as null so defaults apply. Pure; thread-safe.
/// </summary>
internal static class Coerce
{
    public static string? Text(JsonObject entry, string field) => Text(entry[field], field);

    public static string? Text(JsonNode? node, string field) => node switch
    {
        null => null,
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.ToJsonString(),
            _ => null,
        },
        _ => throw new ChildBuildException(field, $"{field}: expected a string, got {Describe(node)}"),
    };

    /// <summary>An int32 field (most Kubernetes counts and ports): a value outside int32 is an error naming the field,
    /// never clamped.</summary>
    public static long? Int(JsonObject entry, string field) => Int(entry[field], field);

    /// <summary>An int64 field (e.g. <c>startingDeadlineSeconds</c>).</summary>
    public static long? Int64(JsonObject entry, string field) => Int(entry[field], field, wide: true);

    public static long? Int(JsonNode? node, string field, bool wide = false)
    {
        if (node is null) return null;
        long? value = null;
        if (node is JsonValue v)
        {
            if (v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var l)) value = l;
            else if (v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<double>(out var d) && d == Math.Truncate(d))
            {
                // (long)d saturates: 1e30 would silently become 9223372036854775807.
                if (d < -9.2233720368547758E18 || d >= 9.2233720368547758E18) throw OutOfRange(node, field, wide);
                value = (long)d;
            }
            else if (v.GetValueKind() == JsonValueKind.String)
            {
                var s = v.GetValue<string>().Trim();
                if (s.Length == 0) return null;
                if (long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out l)) value = l;
                else if (System.Numerics.BigInteger.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
                    throw OutOfRange(node, field, wide);
            }
        }
        if (value is not { } result) throw new ChildBuildException(field, $"{field}: {Describe(node)} is not a number");
        if (!wide && result is < int.MinValue or > int.MaxValue) throw OutOfRange(node, field, wide: false);
        return result;
    }

    private static ChildBuildException OutOfRange(JsonNode node, string field, bool wide) =>
        new(field, $"{field}: {Describe(node)} is out of range for a "
                   + (wide ? "64-bit integer" : "32-bit integer (-2147483648 to 2147483647)"));

    /// <summary>Kubernetes IntOrString: a numeric value becomes a number, other text stays text ("http", "25%").</summary>
    public static JsonNode? IntOrString(JsonObject entry, string field) => IntOrString(entry[field], field);

    public static JsonNode? IntOrString(JsonNode? node, string field)
    {
        if (node is null) return null;
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            var s = v.GetValue<string>().Trim();
            if (s.Length == 0) return null;
            return long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture,
                out var l) ? JsonValue.Create(l) : JsonValue.Create(s);
        }
        return JsonValue.Create(Int(node, field)!.Value);
    }

    public static bool? Bool(JsonObject entry, string field) => Bool(entry[field], field);

    public static bool? Bool(JsonNode? node, string field)
    {
        switch (node)
        {
            case null: return null;
            case JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False: return v.GetValue<bool>();
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                var s = v.GetValue<string>().Trim().ToLowerInvariant();
                if (s is "true" or "false") return s == "true";
                if (s.Length == 0) return null;
                break;
        }
        throw new ChildBuildException(field, $"{field}: {Describe(node)} is not true or false");
    }

    public static JsonObject? StringMap(JsonObject entry, string field) => StringMap(entry[field], field);

    public static JsonObject? StringMap(JsonNode? node, string field)
    {
        if (node is null) return null;
        if (node is not JsonObject obj) throw new ChildBuildException(field, $"{field}: expected a map, got {Describe(node)}");
        var result = new JsonObject();
        foreach (var (k, v) in obj) result[k] = Text(v, $"{field}.{k}") ?? "";
        return result;
    }

    /// <summary>A label or annotation map, as a map or as the list of <c>{key, value}</c> pairs some Orkestra examples
    /// write; anything else is an error naming <paramref name="field"/> (never dropped). A key given twice is an error.</summary>
    public static JsonObject? KeyValueMap(JsonNode? node, string field)
    {
        if (node is not JsonArray list) return StringMap(node, field);
        var result = new JsonObject();
        for (var i = 0; i < list.Count; i++)
        {
            var at = $"{field}[{i}]";
            if (list[i] is not JsonObject pair || pair.Count != 2 || !pair.ContainsKey("key") || !pair.ContainsKey("value"))
                throw new ChildBuildException(at, $"{at}: expected {{key, value}}, got {Describe(list[i])}");
            var key = Text(pair["key"], $"{at}.key");
            if (string.IsNullOrEmpty(key)) throw new ChildBuildException($"{at}.key", $"{at}.key: required");
            if (result.ContainsKey(key)) throw new ChildBuildException($"{at}.key", $"{at}.key: \"{key}\" is given twice");
            result[key] = Text(pair["value"], $"{at}.value") ?? "";
        }
        return result;
    }

    public static JsonArray? StringList(JsonObject entry, string field) => StringList(entry[field], field);

    public static JsonArray? StringList(JsonNode? node, string field)
    {
        switch (node)
        {
            case null: return null;
            case JsonArray arr:
                var result = new JsonArray();
                for (var i = 0; i < arr.Count; i++) result.AddNode(JsonValue.Create(Text(arr[i], $"{field}[{i}]") ?? ""));
                return result;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                return new JsonArray(v.GetValue<string>());
            default:
                throw new ChildBuildException(field, $"{field}: expected a list of strings, got {Describe(node)}");
        }
    }

    public static JsonObject? Object(JsonObject entry, string field)
    {
        var node = entry[field];
        return node switch
        {
            null => null,
            JsonObject obj => (JsonObject)obj.DeepClone(),
            _ => throw new ChildBuildException(field, $"{field}: expected a map, got {Describe(node)}"),
        };
    }

    public static JsonArray? List(JsonObject entry, string field)
    {
        var node = entry[field];
        return node switch
        {
            null => null,
            JsonArray arr => (JsonArray)arr.DeepClone(),
            _ => throw new ChildBuildException(field, $"{field}: expected a list, got {Describe(node)}"),
        };
    }

    public static string Describe(JsonNode? node) => node switch
    {
        null => "nothing",
        JsonObject => "a map",
        JsonArray => "a list",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => $"\"{v.GetValue<string>()}\"",
        _ => node.ToJsonString(),
    };

    public static void Put(JsonObject target, string key, JsonNode? value)
    {
        if (value is not null) target[key] = value;
    }

    /// <summary>
    /// A structured sub-map of the entry: with <paramref name="allowed"/> keys, any other key is an error; without,
    /// its fields pass through. A <c>profile</c> key is always an error.
    /// </summary>
    public static JsonObject? Section(JsonObject entry, string field, params string[] allowed)
    {
        if (Object(entry, field) is not { } obj) return null;
        if (allowed.Length > 0) OnlyKeys(obj, field, allowed);
        else NoProfile(obj, field);
        return obj;
    }

    /// <summary>Rejects a <c>profile</c> key: Orkestra documents no profile values, so we cannot build one.</summary>
    public static void NoProfile(JsonObject obj, string field)
    {
        if (obj.ContainsKey("profile"))
            throw new ChildBuildException($"{field}.profile",
                $"{field}.profile: not supported yet (Orkestra documents no profile values); write the fields explicitly");
    }

    /// <summary>Rejects any key of <paramref name="obj"/> outside <paramref name="allowed"/>, naming it.</summary>
    public static void OnlyKeys(JsonObject obj, string field, params string[] allowed)
    {
        NoProfile(obj, field);
        foreach (var (key, _) in obj)
        {
            if (Array.IndexOf(allowed, key) < 0)
                throw new ChildBuildException($"{field}.{key}", $"{field}: unknown key \"{key}\" ({string.Join(", ", allowed)})");
        }
    }
}
