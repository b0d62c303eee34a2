using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Meta;

namespace Orkestra.Sandbox.Api;

/// <summary>JSON helpers shared by every part of the sandbox. All AOT-safe (JsonNode + Utf8JsonWriter only).</summary>
internal static class Json
{
    private static readonly JsonWriterOptions Compact = new()
    {
        MaxDepth = DecodeLimits.MaxAnswerDepth, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false, SkipValidation = true,
    };
    private static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };
    // Duplicate keys are refused at parse time (400): JsonObject would otherwise throw on first access (a 500).
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = false, MaxDepth = DecodeLimits.MaxDepth, AllowDuplicateProperties = false,
    };

    /// <summary>Serialises one node compactly (never indented: watch lines depend on it).</summary>
    public static byte[] ToBytes(JsonNode? node)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, Compact))
        {
            if (node is null) writer.WriteNullValue();
            else node.WriteTo(writer);
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static string ToText(JsonNode? node) => System.Text.Encoding.UTF8.GetString(ToBytes(node));

    public static void Write(Utf8JsonWriter writer, JsonNode? node)
    {
        if (node is null) writer.WriteNullValue();
        else node.WriteTo(writer);
    }

    public static Utf8JsonWriter CreateWriter(IBufferWriter<byte> output) => new(output, Compact);

    /// <summary>Parses a request body; malformed JSON becomes the kube-style 400.</summary>
    public static JsonNode? Parse(ReadOnlySpan<byte> body, string what)
    {
        try
        {
            return JsonNode.Parse(body, NodeOptions, DocumentOptions);
        }
        catch (JsonException e)
        {
            throw ApiError.BadRequest($"{what}: {e.Message}");
        }
    }

    public static JsonObject ParseObject(ReadOnlySpan<byte> body, string what) =>
        Parse(body, what) as JsonObject ?? throw ApiError.BadRequest($"{what}: the body must be a JSON object");

    public static JsonObject Obj(JsonObject parent, string key)
    {
        if (parent[key] is JsonObject existing) return existing;
        var created = new JsonObject();
        parent[key] = created;
        return created;
    }

    public static string? Str(JsonNode? node, string key) =>
        node is JsonObject o && o.TryGetPropertyValue(key, out var v) && v is JsonValue value && value.TryGetValue<string>(out var s) ? s
            : null;

    public static long? Long(JsonNode? node, string key)
    {
        if (node is not JsonObject o || !o.TryGetPropertyValue(key, out var v) || v is not JsonValue value) return null;
        if (value.TryGetValue<long>(out var l)) return l;
        if (value.TryGetValue<int>(out var i)) return i;
        if (value.TryGetValue<double>(out var d) && d == Math.Floor(d)) return (long)d;
        if (value.TryGetValue<JsonElement>(out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var el)) return el;
        return null;
    }

    public static bool? Bool(JsonNode? node, string key) =>
        node is JsonObject o && o.TryGetPropertyValue(key, out var v) && v is JsonValue value && value.TryGetValue<bool>(out var b) ? b
            : null;

    /// <summary>Follows a dotted path (<c>spec.template.metadata</c>) through objects; null when absent.</summary>
    public static JsonNode? Path(JsonNode? node, string dotted)
    {
        foreach (var part in dotted.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            if (node is not JsonObject o || !o.TryGetPropertyValue(part, out node)) return null;
        }
        return node;
    }

    /// <summary>A scalar rendered as a selector/label value would be: strings raw, other scalars as JSON text.</summary>
    public static string? ScalarText(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v => v.ToJsonString(),
        _ => null,
    };

    /// <summary>Renders a bad value the way kube's field errors do: strings quoted, numbers bare.</summary>
    public static string Render(JsonNode? node) => node switch
    {
        null => "null",
        JsonValue v when v.TryGetValue<string>(out var s) => "\"" + s + "\"",
        _ => ToText(node),
    };

    /// <summary>Adds a node to an array (the non-generic overload; <c>Add&lt;T&gt;</c> is not AOT-safe).</summary>
    public static void Push(this JsonArray array, JsonNode? node) => array.Add(node);

    public static bool DeepEquals(JsonNode? a, JsonNode? b) => JsonNode.DeepEquals(a, b);
}
