using System.Buffers;
using System.Text.Json;

namespace Orkestra.Kube.Client;

/// <summary>
/// Makes standalone copies of objects for long-lived storage: the copy owns exactly the bytes it needs (no pooled
/// buffer, nothing to dispose) and, on request, leaves out <c>metadata.managedFields</c> — often the largest part
/// of an object and never read by an operator.
/// </summary>
internal static class CompactJson
{
    /// <summary>A self-contained copy of <paramref name="value"/>, without <c>metadata.managedFields</c> when <paramref name="stripManagedFields"/>.</summary>
    public static JsonElement Copy(JsonElement value, bool stripManagedFields)
    {
        if (!stripManagedFields || !HasManagedFields(value)) return value.Clone();
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var property in value.EnumerateObject())
            {
                if (property.NameEquals("metadata") && property.Value.ValueKind == JsonValueKind.Object)
                {
                    writer.WritePropertyName(property.Name);
                    writer.WriteStartObject();
                    foreach (var field in property.Value.EnumerateObject())
                        if (!field.NameEquals("managedFields")) field.WriteTo(writer);
                    writer.WriteEndObject();
                }
                else
                {
                    property.WriteTo(writer);
                }
            }
            writer.WriteEndObject();
        }
        var reader = new Utf8JsonReader(buffer.WrittenSpan);
        return JsonElement.ParseValue(ref reader);
    }

    static bool HasManagedFields(JsonElement value) =>
        value.ValueKind == JsonValueKind.Object && value.TryGetProperty("metadata", out var metadata)
        && metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty("managedFields", out _);
}
