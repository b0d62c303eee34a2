namespace Orkestra.Runtime.Sharding;

/// <summary>
/// Who should hold which bucket of one CRD, given the live replicas: a pure function of (CRD, bucket count, replica
/// set), so every replica that sees the same members computes the same assignment without talking to the others.
/// Each replica gets <c>floor(N / R)</c> buckets and <c>N mod R</c> of them one more (ceil); which replicas get the
/// extra one, and which bucket goes where, follows rendezvous scores (FNV-1a of <c>crd/bucket/replica</c>), so the
/// extra buckets of different CRDs land on different replicas and a change of members moves few buckets. Thread-safe.
/// </summary>
public static class FairShare
{
    /// <summary>The owner of every bucket (index = bucket), or all null without replicas.</summary>
    public static string?[] Assign(string crd, int buckets, IEnumerable<string> replicas)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 1);
        var members = replicas.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var owners = new string?[buckets];
        if (members.Length == 0) return owners;
        var quota = Quotas(crd, buckets, members);
        for (var bucket = 0; bucket < buckets; bucket++)
        {
            var ranked = members.OrderByDescending(m => Score(crd, bucket.ToString(System.Globalization.CultureInfo.InvariantCulture), m))
                .ThenBy(m => m, StringComparer.Ordinal);
            var owner = ranked.First(m => quota[m] > 0);
            quota[owner]--;
            owners[bucket] = owner;
        }
        return owners;
    }

    /// <summary>The buckets <paramref name="replica"/> should hold.</summary>
    public static IReadOnlySet<int> BucketsOf(string crd, int buckets, IEnumerable<string> replicas, string replica)
    {
        var owners = Assign(crd, buckets, replicas);
        var mine = new HashSet<int>();
        for (var i = 0; i < owners.Length; i++)
        {
            if (owners[i] == replica) mine.Add(i);
        }
        return mine;
    }

    /// <summary>How many buckets each replica should hold: floor or ceil of N / R, summing to N.</summary>
    public static Dictionary<string, int> Quotas(string crd, int buckets, IReadOnlyCollection<string> members)
    {
        var floor = buckets / members.Count;
        var extra = buckets % members.Count;
        var byScore = members.OrderByDescending(m => Score(crd, "extra", m)).ThenBy(m => m, StringComparer.Ordinal).ToArray();
        var quota = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < byScore.Length; i++) quota[byScore[i]] = floor + (i < extra ? 1 : 0);
        return quota;
    }

    private static uint Score(string crd, string what, string replica) => ShardHash.Fnv1a($"{crd}/{what}/{replica}");
}
