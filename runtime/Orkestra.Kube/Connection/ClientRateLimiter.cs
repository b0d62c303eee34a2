namespace Orkestra.Kube.Connection;

/// <summary>
/// Client-side request budget, a token bucket like client-go's <c>flowcontrol</c> limiter: up to <c>burst</c>
/// requests at once, refilled at <c>qps</c> tokens per second. A request that finds the bucket empty reserves the
/// next token and waits for it, so waiters are served in arrival order. Time comes from the injected
/// <see cref="TimeProvider"/>. Thread-safe: all state is guarded by <c>_gate</c>; waiting happens outside it.
/// </summary>
internal sealed class ClientRateLimiter
{
    private readonly object _gate = new();
    private readonly double _qps;
    private readonly double _burst;
    private readonly TimeProvider _time;
    private double _tokens;              // guarded by _gate; negative = reservations waiting for refill
    private long _last;                  // guarded by _gate; timestamp of the last refill

    public ClientRateLimiter(double qps, int burst, TimeProvider time)
    {
        if (qps > 0 && burst < 1) throw new ArgumentOutOfRangeException(nameof(burst), burst, "burst must be at least 1");
        _qps = qps;
        _burst = burst;
        _time = time;
        _tokens = burst;
        _last = time.GetTimestamp();
    }

    public bool Unlimited => _qps <= 0;

    /// <summary>Takes one token, waiting until one is available (or the wait is cancelled, which returns the token).</summary>
    public ValueTask WaitAsync(CancellationToken cancellation)
    {
        if (Unlimited) return ValueTask.CompletedTask;
        TimeSpan wait;
        lock (_gate)
        {
            Refill();
            _tokens -= 1;
            if (_tokens >= 0) return ValueTask.CompletedTask;
            wait = TimeSpan.FromSeconds(-_tokens / _qps);
        }
        return WaitForReservationAsync(wait, cancellation);
    }

    private async ValueTask WaitForReservationAsync(TimeSpan wait, CancellationToken cancellation)
    {
        try
        {
            await Task.Delay(wait, _time, cancellation).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            lock (_gate) _tokens += 1;
            throw;
        }
    }

    private void Refill()
    {
        var now = _time.GetTimestamp();
        var elapsed = _time.GetElapsedTime(_last, now).TotalSeconds;
        _last = now;
        if (elapsed > 0) _tokens = Math.Min(_burst, _tokens + elapsed * _qps);
    }
}
