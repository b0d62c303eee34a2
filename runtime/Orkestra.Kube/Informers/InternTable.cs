using System.Buffers.Binary;
using System.Numerics;

namespace Orkestra.Kube.Informers;

/// <summary>
/// The strings shared by the entries of one <see cref="EntryCodec"/>, by id: JSON string contents exactly as they
/// appear in the text (still escaped, without quotes). Append-only and bounded: an id, once given, names the same
/// bytes for the table's lifetime; after <see cref="Capacity"/> ids, <see cref="Add"/> is refused and callers keep
/// strings inline. Nothing is ever removed, so strings of deleted objects stay until the process ends — the cap is
/// what bounds them.
/// Concurrency: one writer at a time (the codec's encode gate) calls <see cref="TryGetId"/> and <see cref="Add"/>;
/// any thread may call <see cref="Get"/> without a lock.
/// </summary>
internal sealed class InternTable
{
    /// <summary>Bytes → id, for the writer only.</summary>
    private readonly Dictionary<byte[], int> _ids = new(Utf8Comparer.Instance);
    private readonly Dictionary<byte[], int>.AlternateLookup<ReadOnlySpan<byte>> _lookup;

    /// <summary>Id → bytes, for readers. Invariant: slots [0, <see cref="Count"/>) are set before any entry that
    /// names them is published, and never change; the array is only ever replaced by a larger copy holding every
    /// slot set so far (published with a volatile write), so any array a reader sees is a prefix of the table.</summary>
    private byte[][] _strings = [];

    public InternTable(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        Capacity = capacity;
        _lookup = _ids.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    /// <summary>Most ids the table gives out.</summary>
    public int Capacity { get; }

    /// <summary>Ids given out so far (writer's view; readers may lag).</summary>
    public int Count { get; private set; }

    /// <summary>Sum of the interned strings' lengths.</summary>
    public long Bytes { get; private set; }

    public bool IsFull => Count >= Capacity;

    /// <summary>Writer only.</summary>
    public bool TryGetId(ReadOnlySpan<byte> utf8, out int id) => _lookup.TryGetValue(utf8, out id);

    /// <summary>Gives <paramref name="utf8"/> the next id. Writer only; the caller checked <see cref="IsFull"/> and
    /// <see cref="TryGetId"/>.</summary>
    public int Add(ReadOnlySpan<byte> utf8)
    {
        if (IsFull) throw new InvalidOperationException("the intern table is full");
        var copy = utf8.ToArray();
        var id = Count;
        var strings = _strings;
        if (id < strings.Length)
        {
            strings[id] = copy;
        }
        else
        {
            var grown = new byte[Math.Min(Capacity, Math.Max(16, strings.Length * 2))][];
            strings.CopyTo(grown, 0);
            grown[id] = copy;
            Volatile.Write(ref _strings, grown);
        }
        _ids.Add(copy, id);
        Count = id + 1;
        Bytes += copy.Length;
        return id;
    }

    /// <summary>The bytes of <paramref name="id"/>, which an entry this thread has read names. Lock-free.</summary>
    public byte[] Get(int id)
    {
        var strings = Volatile.Read(ref _strings);
        return (uint)id < (uint)strings.Length && strings[id] is { } utf8 ? utf8 : GetAfterFence(id);
    }

    /// <summary>The reader saw an entry naming <paramref name="id"/> but an older array or slot: the writer set the
    /// slot before it published the entry, so after a full fence this thread sees it.</summary>
    private byte[] GetAfterFence(int id)
    {
        Interlocked.MemoryBarrier();
        var strings = Volatile.Read(ref _strings);
        return (uint)id < (uint)strings.Length && strings[id] is { } utf8 ? utf8
            : throw new InvalidOperationException($"cache entry names intern id {id}, which the table does not hold");
    }

    /// <summary>Ordinal byte equality, with span lookups so probing the table allocates nothing.</summary>
    private sealed class Utf8Comparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly Utf8Comparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);
        public int GetHashCode(byte[] obj) => Hash(obj);
        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);
        public int GetHashCode(ReadOnlySpan<byte> alternate) => Hash(alternate);
        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
    }

    /// <summary>The hash the table and the codec use for <paramref name="utf8"/>: a multiply-rotate hash over 8 bytes
    /// at a time (with <see cref="HashCode.AddBytes"/>, encoding took ~5 times the bare token walk instead of ~3;
    /// the strings are at most a few dozen bytes), seeded per process so colliding strings cannot be prepared in
    /// advance. A collision costs a
    /// comparison in the table, or lets a string seen once be interned — never a wrong id.</summary>
    public static int Hash(ReadOnlySpan<byte> utf8)
    {
        const ulong K = 0x517cc1b727220a95;
        var h = Seed ^ (ulong)utf8.Length;
        for (; utf8.Length >= 8; utf8 = utf8[8..]) h = (BitOperations.RotateLeft(h, 5) ^ BinaryPrimitives.ReadUInt64LittleEndian(utf8)) * K;
        if (utf8.Length >= 4)
        {
            h = (BitOperations.RotateLeft(h, 5) ^ BinaryPrimitives.ReadUInt32LittleEndian(utf8)) * K;
            utf8 = utf8[4..];
        }
        foreach (var b in utf8) h = (BitOperations.RotateLeft(h, 5) ^ b) * K;
        return (int)(h ^ (h >> 29) ^ (h >> 47));
    }

    private static readonly ulong Seed = (ulong)Random.Shared.NextInt64();
}
