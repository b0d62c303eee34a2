namespace Orkestra.Runtime.Sharding;

/// <summary>
/// Which replicas are alive, from their membership heartbeats (one Lease per replica, renewed every retry period). A
/// member is alive while its heartbeat changed within the lease duration — measured on this process's clock from when
/// it saw the change, never from the timestamps written in it, so clocks need not agree (as leader election). A
/// released heartbeat (empty holder) or one that is gone ends the member at once. This process is always a member
/// while it runs. Not thread-safe: one loop observes and reads.
/// </summary>
public sealed class ShardMembers(string self, TimeSpan leaseDuration, TimeProvider time)
{
    private readonly Dictionary<string, (string Version, long SeenAt)> _seen = new(StringComparer.Ordinal);

    public string Self => self;

    /// <summary>One complete observation: every heartbeat there is now, as (holder, version); a holder missing here is
    /// gone. An empty holder is not a member.</summary>
    public void Observe(IEnumerable<(string? Holder, string Version)> heartbeats)
    {
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (holder, version) in heartbeats)
        {
            if (holder is not { Length: > 0 }) continue;
            present.Add(holder);
            if (!_seen.TryGetValue(holder, out var known) || known.Version != version) _seen[holder] = (version, time.GetTimestamp());
        }
        foreach (var gone in _seen.Keys.Where(k => !present.Contains(k)).ToArray()) _seen.Remove(gone);
    }

    /// <summary>The live replicas, this one included, ordered.</summary>
    public IReadOnlyList<string> Live()
    {
        var live = _seen.Where(p => time.GetElapsedTime(p.Value.SeenAt) < leaseDuration).Select(p => p.Key)
            .ToHashSet(StringComparer.Ordinal);
        live.Add(self);
        return [.. live.Order(StringComparer.Ordinal)];
    }
}
