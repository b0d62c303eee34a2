using Orkestra.ApiMachinery.Wait;

namespace Orkestra.Runtime.Queues;

/// <summary>
/// Per-item exponential retry (Katalog <c>queue.retryBackoff</c>): the n-th consecutive failure of a key waits
/// <c>Initial × Multiplier^(n-1)</c>, capped at <c>Max</c>; after <c>MaxAttempts</c> failures (0 = unlimited)
/// the queue stops retrying that key until it is added again by an event or a resync. Immutable.
/// </summary>
public sealed record RetryPolicy(TimeSpan Initial, TimeSpan Max, double Multiplier, int MaxAttempts)
{
    /// <summary>client-go's default per-item limiter: 5 ms doubling up to 1000 s, unlimited attempts.</summary>
    public static readonly RetryPolicy Default = new(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1000), 2.0, 0);

    /// <summary>The delay before retrying a key after its <paramref name="failures"/>-th consecutive failure
    /// (<see cref="Backoff"/> without jitter, as controller-runtime's per-item limiter).</summary>
    public TimeSpan DelayFor(int failures) => new Backoff(Initial, Max, Multiplier).Delay(failures);

    public bool GivesUpAfter(int failures) => MaxAttempts > 0 && failures > MaxAttempts;
}
