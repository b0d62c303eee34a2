using System.Buffers;
using System.Text.Json;
using Orkestra.ApiMachinery.Meta;

namespace Orkestra.Kube.Client;

/// <summary>
/// Makes standalone copies of objects for long-lived storage: the copy owns exactly the bytes it needs (no pooled
/// buffer, nothing to dispose) and, on request, leaves out <c>metadata.managedFields</c> — often the largest part
/// of an object and never read by an operator. Stripping writes through a per-thread scratch buffer (at most 64 KiB
/// kept), so the only allocation per copy is the copy itself.
/// </summary>
internal static class CompactJson
{
    /// <summary>A self-contained copy of <paramref name="value"/>, without <c>metadata.managedFields</c> when
    /// <paramref name="stripManagedFields"/>.</summary>
    public static JsonElement Copy(JsonElement value, bool stripManagedFields)
    {
        if (!stripManagedFields || !HasManagedFields(value)) return value.Clone();
        // The scratch buffer and writer are per thread and reused: Copy is synchronous and not re-entrant, and the
        // copy below owns its own bytes, so nothing refers to the scratch space once Copy returns.
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer, DecodeLimits.Writer);
        writer.Reset(buffer);
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
        writer.Flush();
        var reader = new Utf8JsonReader(buffer.WrittenSpan, DecodeLimits.Reader);
        var copy = JsonElement.ParseValue(ref reader);
        if (buffer.Capacity > MaxRetainedScratch)
        {
            // One huge object must not pin its buffer on this thread for good.
            t_buffer = null;
            t_writer = null;
        }
        return copy;
    }

    /// <summary>Largest scratch buffer a thread keeps between copies.</summary>
    private const int MaxRetainedScratch = 64 * 1024;

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    private static bool HasManagedFields(JsonElement value) =>
        value.ValueKind == JsonValueKind.Object && value.TryGetProperty("metadata", out var metadata)
        && metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty("managedFields", out _);
}
