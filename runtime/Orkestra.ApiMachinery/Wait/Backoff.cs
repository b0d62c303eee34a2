namespace Orkestra.ApiMachinery.Wait;

/// <summary>
/// How long to wait before the next attempt after the n-th consecutive failure — the one retry-delay function of
/// ork (client-go keeps its equivalent, <c>wait.Backoff</c>, in k8s.io/apimachinery/pkg/util/wait):
/// the ceiling is <c>min(Max, Initial × Multiplier^(n-1))</c>, then jitter scales it by a factor drawn uniformly from
/// [<see cref="JitterFrom"/>, <see cref="JitterTo"/>) with the caller's random number in [0, 1).
/// Without jitter the delay is the ceiling exactly (to the tick). A pure value: no clock, no state — the caller counts
/// failures, supplies the random number and waits on its own <see cref="TimeProvider"/>.
/// </summary>
/// <param name="Initial">The delay after the first failure (capped by <paramref name="Max"/>).</param>
/// <param name="Max">The largest ceiling; a product that overflows or is not a number is this.</param>
/// <param name="Multiplier">Growth per further failure; 1 makes a constant period.</param>
public readonly record struct Backoff(TimeSpan Initial, TimeSpan Max, double Multiplier = 2.0)
{
    /// <summary>Lowest jitter factor (1 with <see cref="JitterTo"/> 1 = no jitter).</summary>
    public double JitterFrom { get; init; } = 1.0;

    /// <summary>Highest jitter factor (exclusive).</summary>
    public double JitterTo { get; init; } = 1.0;

    /// <summary>The same <paramref name="period"/> after every failure.</summary>
    public static Backoff Constant(TimeSpan period) => new(period, period, 1.0);

    /// <summary>"Equal jitter": a delay in [ceiling/2, ceiling), so clients failing together spread out and no wait
    /// exceeds <see cref="Max"/>.</summary>
    public Backoff WithEqualJitter() => this with { JitterFrom = 0.5, JitterTo = 1.0 };

    /// <summary>client-go's <c>wait.Jitter(d, factor)</c>: a delay in [ceiling, ceiling × (1 + factor)); 0 = none.</summary>
    public Backoff WithJitterUpTo(double factor) => this with { JitterFrom = 1.0, JitterTo = 1.0 + factor };

    /// <summary>The delay before jitter after <paramref name="failures"/> consecutive failures (≤ 1 = the first).</summary>
    public TimeSpan Ceiling(int failures)
    {
        if (failures <= 1) return Initial <= Max ? Initial : Max;
        var ticks = Initial.Ticks * Math.Pow(Multiplier, failures - 1);
        return ticks >= Max.Ticks || double.IsNaN(ticks) ? Max : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>The delay after <paramref name="failures"/> consecutive failures, jittered by <paramref name="random"/>
    /// (a number in [0, 1); ignored without jitter).</summary>
    public TimeSpan Delay(int failures, double random = 0)
    {
        var ceiling = Ceiling(failures);
        if (JitterFrom == 1.0 && JitterTo == 1.0) return ceiling;
        var factor = JitterFrom + (JitterTo - JitterFrom) * random;
        return TimeSpan.FromTicks((long)Math.Round(ceiling.Ticks * factor));
    }
}
