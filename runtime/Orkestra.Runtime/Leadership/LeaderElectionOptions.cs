namespace Orkestra.Runtime.Leadership;

/// <summary>
/// Timing of a Lease-based election (client-go's meaning; defaults 15 s / 10 s / 2 s):
/// followers take over once the lease was not renewed for <see cref="LeaseDuration"/> (measured on their own clock
/// from when they last saw it change, so clock skew between nodes does not matter); a leader that cannot renew
/// within <see cref="RenewDeadline"/> steps down; every attempt is <see cref="RetryPeriod"/> apart (with jitter
/// for followers). Immutable.
/// </summary>
public sealed record LeaderElectionOptions(string Identity)
{
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);
    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);
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
