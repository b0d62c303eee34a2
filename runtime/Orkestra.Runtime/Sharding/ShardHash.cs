using System.Text;
using Orkestra.ApiMachinery.Meta;

namespace Orkestra.Runtime.Sharding;

/// <summary>
/// Which bucket a CR belongs to: the 32-bit FNV-1a hash (offset basis 2166136261, prime 16777619) of the UTF-8 bytes
/// of its key text — <c>namespace/name</c>, or <c>name</c> for a cluster-scoped CR (<see cref="ObjectKey.ToString"/>) —
/// modulo the number of buckets. Fixed by this definition, so every process and every version of <c>ork</c> agrees
/// (never <c>string.GetHashCode</c>, which is randomized per process). Pure and thread-safe.
/// </summary>
public static class ShardHash
{
    private const uint OffsetBasis = 2166136261;
    private const uint Prime = 16777619;

    public static uint Fnv1a(ReadOnlySpan<byte> bytes)
    {
        var hash = OffsetBasis;
        foreach (var b in bytes) hash = unchecked((hash ^ b) * Prime);
        return hash;
    }

    /// <summary>FNV-1a of the UTF-8 encoding of <paramref name="text"/>.</summary>
    public static uint Fnv1a(string text)
    {
        var length = Encoding.UTF8.GetByteCount(text);
        var bytes = length <= 512 ? stackalloc byte[length] : new byte[length];
        Encoding.UTF8.GetBytes(text, bytes);
        return Fnv1a(bytes);
    }

    public static int BucketOf(ObjectKey key, int buckets)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 1);
        return (int)(Fnv1a(key.ToString()) % (uint)buckets);
    }
}
