using System.Buffers;
using System.Text.Json;

namespace Orkestra.Runtime.Webhooks;

/// <summary>
/// The byte buffers of one webhook request: from <see cref="ArrayPool{T}.Shared"/> up to <see cref="MaxPooled"/>, plain
/// arrays above it (a 64 MiB ConversionReview must not stay cached in the pool after its request). Thread-safe.
/// </summary>
internal static class PooledBuffers
{
    public const int MaxPooled = 1024 * 1024;

    public static byte[] Rent(int size) =>
        size <= MaxPooled ? ArrayPool<byte>.Shared.Rent(size) : GC.AllocateUninitializedArray<byte>(size);

    public static void Return(byte[] buffer)
    {
        if (buffer.Length is > 0 and <= MaxPooled) ArrayPool<byte>.Shared.Return(buffer);
    }
}

/// <summary>
/// An <see cref="IBufferWriter{T}"/> over <see cref="PooledBuffers"/>, with the <see cref="Utf8JsonWriter"/> that writes
/// into it: one per thread, taken with <see cref="Take"/> and given back with <see cref="Release"/> before the thread
/// awaits anything (it is used synchronously only). A response larger than its buffer grows it; the buffer goes back
/// to the pool on every release.
/// </summary>
internal sealed class ResponseBuffer : IBufferWriter<byte>
{
    private const int InitialSize = 4096;

    [ThreadStatic]
    private static ResponseBuffer? _cached;

    private byte[] _buffer = [];
    private int _written;
    private readonly Utf8JsonWriter _json;

    private ResponseBuffer() => _json = new Utf8JsonWriter(this);

    /// <summary>The writer, reset onto an empty buffer.</summary>
    public Utf8JsonWriter Json => _json;

    /// <summary>What <see cref="Json"/> wrote (call after <see cref="Utf8JsonWriter.Flush"/>).</summary>
    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _written);

    public static ResponseBuffer Take()
    {
        var buffer = _cached ?? new ResponseBuffer();
        _cached = null;
        buffer._buffer = PooledBuffers.Rent(InitialSize);
        buffer._written = 0;
        buffer._json.Reset(buffer);
        return buffer;
    }

    /// <summary>Drops what was written (the writer starts again on an empty buffer).</summary>
    public void Clear()
    {
        _written = 0;
        _json.Reset(this);
    }

    public void Release()
    {
        _json.Reset();
        PooledBuffers.Return(_buffer);
        _buffer = [];
        _written = 0;
        _cached = this;
    }

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    private void Ensure(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written >= needed) return;
        var bigger = PooledBuffers.Rent(Math.Max(_buffer.Length * 2, _written + needed));
        _buffer.AsSpan(0, _written).CopyTo(bigger);
        PooledBuffers.Return(_buffer);
        _buffer = bigger;
    }
}
