namespace Orkestra.Kube.Informers;

/// <summary>
/// Exponential backoff with "equal jitter": the n-th consecutive failure waits a random duration in
/// [d/2, d) where d = min(max, initial × 2ⁿ), so many informers failing together spread out and no wait exceeds max.
/// Not thread-safe: owned by one reflector loop.
/// </summary>
internal sealed class JitteredBackoff(TimeSpan initial, TimeSpan max, Func<double> random)
{
    int _failures;

    public TimeSpan Next()
    {
        var exponent = Math.Min(_failures, 30);
        _failures++;
        var ceiling = Math.Min(max.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, exponent));
        return TimeSpan.FromMilliseconds(ceiling / 2 + random() * ceiling / 2);
    }

    public void Reset() => _failures = 0;
}
