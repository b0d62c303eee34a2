using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orkestra.Katalog.Rendering;

/// <summary>
/// Status field helpers: coercion to the declared <c>type</c> and writing at a dot path
/// relative to <c>status</c>. Pure and thread-safe.
/// </summary>
public static class StatusValues
{
    /// <summary>
    /// Coerces a rendered value. An empty or missing value becomes 0 / 0.0 / false for numeric and bool types
    /// (an absent child reads as zero); text that is not a number or bool fails with a message.
    /// </summary>
    public static bool TryCoerce(JsonNode? value, string type, out JsonNode? result, out string? error)
    {
        error = null;
        result = null;
        var text = value switch
        {
            null => "",
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            JsonValue v => v.ToJsonString(),
            _ => null,
        };
        switch (type)
        {
            case "string":
                result = JsonValue.Create(text ?? value!.ToJsonString());
                return true;
            case "int":
                if (string.IsNullOrWhiteSpace(text)) { result = JsonValue.Create(0L); return true; }
                if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture,
                    out var l)) { result = JsonValue.Create(l); return true; }
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture,
                    out var d) && double.IsFinite(d)) { result = JsonValue.Create((long)Math.Truncate(d)); return true; }
                error = $"\"{text ?? value!.ToJsonString()}\" is not an integer";
                return false;
            case "float":
                if (string.IsNullOrWhiteSpace(text)) { result = JsonValue.Create(0.0); return true; }
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture,
                    out var f) && double.IsFinite(f)) { result = JsonValue.Create(f); return true; }
                error = $"\"{text ?? value!.ToJsonString()}\" is not a number";
                return false;
            case "bool":
                switch ((text ?? "").Trim().ToLowerInvariant())
                {
                    case "" or "false" or "0" or "no" or "off": result = JsonValue.Create(false); return true;
                    case "true" or "1" or "yes" or "on": result = JsonValue.Create(true); return true;
                }
                error = $"\"{text ?? value!.ToJsonString()}\" is not a bool";
                return false;
            default: // auto: keep typed values, infer from text
                if (text is null || value is not JsonValue jv
                    || jv.GetValueKind() != JsonValueKind.String) { result = value?.DeepClone(); return true; }
                if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture,
                    out var al)) result = JsonValue.Create(al);
                else if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture,
                    out var ad) && double.IsFinite(ad)) result = JsonValue.Create(ad);
                else if (text is "true" or "false") result = JsonValue.Create(text == "true");
                else result = JsonValue.Create(text);
                return true;
        }
    }

    /// <summary>Sets <paramref name="dotPath"/> (e.g. <c>db.host</c>) under <paramref name="status"/>, creating maps on the way.</summary>
    public static bool TrySet(JsonObject status, string dotPath, JsonNode? value, out string? error)
    {
        error = null;
        var segments = dotPath.Split('.');
        if (segments.Any(s => s.Length == 0))
        {
            error = $"status path \"{dotPath}\" has an empty segment";
            return false;
        }
        var current = status;
        for (var i = 0; i < segments.Length - 1; i++)
        {
            switch (current[segments[i]])
            {
                case JsonObject next:
                    current = next;
                    break;
                case null:
                    var created = new JsonObject();
                    current[segments[i]] = created;
                    current = created;
                    break;
                default:
                    error = $"status path \"{dotPath}\": \"{string.Join('.', segments[..(i + 1)])}\" is not an object";
                    return false;
            }
        }
        current[segments[^1]] = value;
        return true;
    }
}
