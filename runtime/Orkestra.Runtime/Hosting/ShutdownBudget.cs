namespace Orkestra.Runtime.Hosting;

/// <summary>
/// One deadline for the whole stop of <c>ork run</c> (<see cref="RuntimeOptions.ShutdownTimeout"/>, default 10 s), spent in a fixed order.
/// It starts when <c>stopping</c> fires; each step ends at the latest at its mark, a fraction of the total, so a slow
/// step can never starve the later ones of all their time, and time a step leaves over goes to the steps after it:
/// <list type="number">
/// <item>stop intake: workers take no new keys (at once);</item>
/// <item>drain: in-flight reconciles finish, or are cancelled at <see cref="DrainEnd"/> (half the total, or
/// <see cref="RuntimeOptions.Drain"/> when shorter);</item>
/// <item>Events: the pending ones are flushed until <see cref="EventsEnd"/> (six tenths); the rest are dropped;</item>
/// <item>Lease: released, then deleted, until <see cref="LeaseEnd"/> (eight tenths);</item>
/// <item>webhook registrations and CRD conversion patches removed until <see cref="End"/> (the total).</item>
/// </list>
/// Then informers and HTTP stop, which needs no API call. Every token fires on the injected clock. Thread-safe.
/// </summary>
internal sealed class ShutdownBudget : IDisposable
{
    private readonly CancellationTokenSource _drain;
    private readonly CancellationTokenSource _events;
    private readonly CancellationTokenSource _lease;
    private readonly CancellationTokenSource _end;
    private readonly CancellationTokenRegistration _start;

    public ShutdownBudget(TimeSpan total, TimeSpan drain, TimeProvider time, CancellationToken stopping)
    {
        if (total <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(total), total, "the shutdown timeout must be positive");
        Total = total;
        Drain = drain < total / 2 ? drain : total / 2;
        _drain = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        _events = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        _lease = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        _end = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        _start = stopping.Register(() =>
        {
            _drain.CancelAfter(Drain);
            _events.CancelAfter(total * 0.6);
            _lease.CancelAfter(total * 0.8);
            _end.CancelAfter(total);
        });
    }

    public TimeSpan Total { get; }

    /// <summary>How long in-flight reconciles may run after the stop.</summary>
    public TimeSpan Drain { get; }

    public CancellationToken DrainEnd => _drain.Token;

    public CancellationToken EventsEnd => _events.Token;

    public CancellationToken LeaseEnd => _lease.Token;

    public CancellationToken End => _end.Token;

    public void Dispose()
    {
        _start.Dispose();
        _drain.Dispose();
        _events.Dispose();
        _lease.Dispose();
        _end.Dispose();
    }
}
