using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.FieldSets;

namespace Orkestra.ApiMachinery.Apply;

/// <summary>
/// kube's bridge from client-side to server-side apply, for the field manager <c>kubectl</c> only: conflicts on
/// fields whose live value still equals the <c>kubectl.kubernetes.io/last-applied-configuration</c> annotation are
/// not conflicts (the applier wrote them, client-side), and an object that carries the annotation gets it rewritten
/// to the applied configuration. Pure.
/// </summary>
internal static class LastApplied
{
    public const string Annotation = "kubectl.kubernetes.io/last-applied-configuration";
    public const string Manager = "kubectl";

    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    /// <summary>Fields the annotation proves were applied with their live value; null when there is no usable annotation.</summary>
    public static FieldSet? AllowedConflicts(JsonObject? live, FieldManagerContext context)
    {
        if (Text(live) is not { Length: > 0 } text) return null;
        JsonObject lastApplied;
        try
        {
            if (JsonNode.Parse(text) is not JsonObject parsed) return null;
            lastApplied = parsed;
        }
        catch (JsonException)
        {
            return null;
        }
        if (lastApplied["apiVersion"] is not JsonValue v || !v.TryGetValue<string>(out var apiVersion) || apiVersion != context.ApiVersion)
            return null;
        try
        {
            var liveBody = (JsonObject)live!.DeepClone();
            (liveBody["metadata"] as JsonObject)?.Remove("managedFields");
            var comparison = Typed.Compare(lastApplied, liveBody, context.Shape);
            return Typed.ToFieldSet(lastApplied, context.Shape).Difference(comparison.Modified).Difference(comparison.Added)
                .Difference(comparison.Removed);
        }
        catch (InvalidStructureException)
        {
            return null;
        }
    }

    /// <summary>When <paramref name="live"/> carries the annotation, sets it on <paramref name="result"/> to the applied configuration
    /// (without the annotation itself).</summary>
    public static void Sync(JsonObject? live, JsonObject result, JsonObject applied)
    {
        if (Text(live) is null || result["metadata"] is not JsonObject metadata) return;
        var copy = (JsonObject)applied.DeepClone();
        ((copy["metadata"] as JsonObject)?["annotations"] as JsonObject)?.Remove(Annotation);
        if (metadata["annotations"] is not JsonObject annotations)
        {
            annotations = new JsonObject();
            metadata["annotations"] = annotations;
        }
        annotations[Annotation] = SortedJson(copy) + "\n";
    }

    private static string? Text(JsonObject? obj) =>
        obj?["metadata"]?["annotations"]?[Annotation] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>Compact JSON with object keys sorted, as Go's encoder writes maps.</summary>
    private static string SortedJson(JsonNode node)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, Compact)) Write(writer, node);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Write(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (name, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(name);
                    Write(writer, value);
                }
                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array) Write(writer, item);
                writer.WriteEndArray();
                break;
            case null:
                writer.WriteNullValue();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }
}
