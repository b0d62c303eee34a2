using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Orkestra.ApiMachinery.Meta;

namespace Orkestra.Kube.Client;

/// <summary>
/// Turns a watch response body into events. The server writes one <c>{"type":…,"object":…}</c> document per line,
/// but chunk (HTTP/1.1) and DATA-frame (HTTP/2) boundaries fall anywhere, and client-go tolerates any whitespace
/// between documents, so the decoder does too: it buffers bytes and cuts complete JSON values with
/// <see cref="Utf8JsonReader"/>, whatever the framing. A partial value is re-tried only once a newline arrives or the
/// pending bytes have doubled, so a large object split into many reads costs O(n log n), not O(n²). One decoder per
/// stream; not thread-safe.
/// </summary>
internal static class WatchStreamDecoder
{
    /// <summary>No single event may exceed this (the API server's own request limit is 3 MiB).</summary>
    public const int MaxEventBytes = 64 * 1024 * 1024;

    public static async IAsyncEnumerable<WatchEvent> ReadAsync(Stream body, bool stripManagedFields,
        [EnumeratorCancellation] CancellationToken cancellation)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        int start = 0, end = 0, nextAttemptAt = 0;
        try
        {
            while (true)
            {
                if (end - start >= nextAttemptAt)
                {
                    while (TryTakeEvent(buffer.AsSpan(start, end - start), stripManagedFields, out var consumed, out var evt))
                    {
                        start += consumed;
                        if (evt is not null) yield return evt;
                    }
                    nextAttemptAt = (end - start) * 2;   // a partial value is left: wait for a newline or twice the bytes
                }
                var pending = end - start;
                if (start > 0)
                {
                    Buffer.BlockCopy(buffer, start, buffer, 0, pending);
                    start = 0;
                    end = pending;
                }
                if (end == buffer.Length)
                {
                    if (buffer.Length >= MaxEventBytes)
                        throw new InvalidDataException($"watch stream: one event is larger than {MaxEventBytes} bytes");
                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, MaxEventBytes));
                    Buffer.BlockCopy(buffer, 0, bigger, 0, end);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                var read = await body.ReadAsync(buffer.AsMemory(end), cancellation).ConfigureAwait(false);
                if (read == 0)
                {
                    if (buffer.AsSpan(0, end).IndexOfAnyExcept(" \t\r\n"u8) >= 0)
                    {
                        if (TryTakeEvent(buffer.AsSpan(0, end), stripManagedFields, out _, out var last) && last is not null)
                        {
                            yield return last;
                            yield break;
                        }
                        throw new InvalidDataException($"watch stream ended inside an event ({end} bytes pending)");
                    }
                    yield break;
                }
                if (buffer.AsSpan(end, read).IndexOf((byte)'\n') >= 0) nextAttemptAt = 0;
                end += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Takes one complete JSON value off the front of <paramref name="data"/>; false when it is not complete yet.
    /// Whitespace alone is consumed with a null event.</summary>
    private static bool TryTakeEvent(ReadOnlySpan<byte> data, bool stripManagedFields, out int consumed, out WatchEvent? evt)
    {
        evt = null;
        var skip = data.IndexOfAnyExcept(" \t\r\n"u8);
        if (skip < 0)
        {
            consumed = data.Length;
            return data.Length > 0;
        }
        var reader = new Utf8JsonReader(data[skip..], isFinalBlock: false, new JsonReaderState(DecodeLimits.Reader));
        JsonDocument? document;
        try
        {
            if (!JsonDocument.TryParseValue(ref reader, out document))
            {
                consumed = 0;
                return false;
            }
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"watch stream: malformed event: {e.Message}", e);
        }
        consumed = skip + (int)reader.BytesConsumed;
        using (document) evt = ToEvent(document!.RootElement, stripManagedFields);
        return true;
    }

    internal static WatchEvent ToEvent(JsonElement root, bool stripManagedFields)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var typeElement)
            || typeElement.ValueKind != JsonValueKind.String)
            throw new InvalidDataException("watch stream: an event without a string \"type\"");
        if (!root.TryGetProperty("object", out var obj) || obj.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"watch stream: {typeElement.GetString()} event without an \"object\"");
        if (!WatchEventTypes.TryParse(typeElement.GetString(), out var type))
            throw new InvalidDataException($"watch stream: unknown event type \"{typeElement.GetString()}\"");
        if (type == WatchEventType.Error)
        {
            var status = obj.Clone();
            return new WatchEvent(type, status, KubeApiException.FromStatus(status, 500));
        }
        return new WatchEvent(type, CompactJson.Copy(obj, stripManagedFields));
    }
}
