using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Orkestra.Runtime.Queues;

/// <summary>A counter alone on its cache line, so producers and consumers of a ring do not false-share.</summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal struct PaddedPosition
{
    [FieldOffset(64)] public long Value;
}

/// <summary>
/// A bounded, lock-free, multi-producer multi-consumer FIFO ring of references (the sequence-number ring
/// design: every cell carries a sequence that says whether it is ready to be written or read for a given lap).
///
/// Invariants:
/// <list type="bullet">
/// <item>Cell i holds sequence <c>pos</c> when it is free for the producer that claims position <c>pos</c>, and
/// <c>pos + 1</c> once that producer published its item; a consumer that took it sets <c>pos + capacity</c>.</item>
/// <item><see cref="_enqueuePos"/> and <see cref="_dequeuePos"/> only grow; a position is claimed with one CAS.</item>
/// <item>A claimed-but-unpublished cell makes <see cref="TryDequeue"/> answer "empty" for that instant even if
/// later cells are published (callers that know an item exists spin — see <see cref="WorkQueue{TKey}"/>).</item>
/// </list>
/// </summary>
[DebuggerDisplay("Count = {Count}, Capacity = {Capacity}")]
internal sealed class MpmcRing<T> where T : class
{
    [StructLayout(LayoutKind.Sequential)]
    private struct Cell
    {
        public long Sequence;
        public T? Item;
    }

    private readonly Cell[] _cells;
    private readonly long _mask;
    private PaddedPosition _enqueuePos;
    private PaddedPosition _dequeuePos;

    public MpmcRing(int capacity)
    {
        if (capacity < 2) capacity = 2;
        var size = (int)BitOperations.RoundUpToPowerOf2((uint)capacity);
        _cells = new Cell[size];
        _mask = size - 1;
        for (var i = 0; i < size; i++) _cells[i].Sequence = i;
    }

    public int Capacity => _cells.Length;

    /// <summary>Approximate number of items (exact when no operation is in flight).</summary>
    public int Count => (int)Math.Max(0, Volatile.Read(ref _enqueuePos.Value) - Volatile.Read(ref _dequeuePos.Value));

    public bool TryEnqueue(T item)
    {
        var pos = Volatile.Read(ref _enqueuePos.Value);
        while (true)
        {
            ref var cell = ref _cells[pos & _mask];
            var diff = Volatile.Read(ref cell.Sequence) - pos;
            if (diff == 0)
            {
                if (Interlocked.CompareExchange(ref _enqueuePos.Value, pos + 1, pos) == pos)
                {
                    cell.Item = item;
                    Volatile.Write(ref cell.Sequence, pos + 1);
                    return true;
                }
            }
            else if (diff < 0)
            {
                return false; // full: the cell still holds an item from the previous lap
            }
            pos = Volatile.Read(ref _enqueuePos.Value);
        }
    }

    public bool TryDequeue(out T item)
    {
        var pos = Volatile.Read(ref _dequeuePos.Value);
        while (true)
        {
            ref var cell = ref _cells[pos & _mask];
            var diff = Volatile.Read(ref cell.Sequence) - (pos + 1);
            if (diff == 0)
            {
                if (Interlocked.CompareExchange(ref _dequeuePos.Value, pos + 1, pos) == pos)
                {
                    item = cell.Item!;
                    cell.Item = null;
                    Volatile.Write(ref cell.Sequence, pos + _mask + 1);
                    return true;
                }
            }
            else if (diff < 0)
            {
                item = null!;
                return false; // empty (or the next cell is claimed but not yet published)
            }
            pos = Volatile.Read(ref _dequeuePos.Value);
        }
    }
}
