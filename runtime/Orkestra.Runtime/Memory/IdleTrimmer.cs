namespace Orkestra.Runtime.Memory;

/// <summary>When <see cref="IdleTrimmer"/> collects.</summary>
/// <param name="Interval">How often the allocation counter is sampled.</param>
/// <param name="QuietFor">How long allocation must stay below <paramref name="QuietBytesPerInterval"/> per interval.</param>
/// <param name="QuietBytesPerInterval">Allocation per interval that still counts as quiet (idle timers, watch bookmarks).</param>
/// <param name="BurstBytes">Allocation since the last collection that makes one worth its pause.</param>
public sealed record IdleTrimOptions(TimeSpan Interval, TimeSpan QuietFor, long QuietBytesPerInterval, long BurstBytes)
{
    /// <summary>The settings <c>ork run</c> uses: sample every second, collect after 2 s quiet following ≥ 4 MiB of allocation.</summary>
    public static IdleTrimOptions Default { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), 256 * 1024, 4 * 1024 * 1024);
}

/// <summary>
/// The trimming decision, fed one sample of the process's cumulative allocated bytes per interval. Pure; not
/// thread-safe (one sampling loop owns it).
/// </summary>
public sealed class IdleTrimPolicy(IdleTrimOptions options)
{
    private long? _previous;        // the last sample
    private long _atLastCollect;    // the counter right after the last collection (0 before the first)
    private int _quietIntervals;    // consecutive intervals below QuietBytesPerInterval

    private int QuietIntervalsNeeded => Math.Max(1, (int)Math.Ceiling(options.QuietFor / options.Interval));

    /// <summary>
    /// Takes one sample; true when the process should collect now: it has been quiet long enough, and it allocated at
    /// least <see cref="IdleTrimOptions.BurstBytes"/> since the last collection or a collection was
    /// <paramref name="requested"/>.
    /// </summary>
    public bool Observe(long allocatedBytes, bool requested = false)
    {
        var previous = _previous ?? allocatedBytes;
        _previous = allocatedBytes;
        _quietIntervals = allocatedBytes - previous <= options.QuietBytesPerInterval ? _quietIntervals + 1 : 0;
        return _quietIntervals >= QuietIntervalsNeeded && (requested || allocatedBytes - _atLastCollect >= options.BurstBytes);
    }

    /// <summary>Records a collection; <paramref name="allocatedBytes"/> is the counter after it.</summary>
    public void Collected(long allocatedBytes)
    {
        _atLastCollect = allocatedBytes;
        _previous = allocatedBytes;
        _quietIntervals = 0;
    }
}

/// <summary>
/// Runs <see cref="IdleTrimPolicy"/> on a timer and, when it says so, collects aggressively (blocking, compacting,
/// returning free memory to the OS). See README.md.
/// </summary>
public sealed class IdleTrimmer
{
    private readonly IdleTrimPolicy _policy;
    private readonly IdleTrimOptions _options;
    private readonly TimeProvider _time;
    private readonly Func<long> _allocatedBytes;
    private readonly Action _collect;
    private readonly Action? _collected;

    /// <param name="allocatedBytes">The process's cumulative allocation (default <see cref="GC.GetTotalAllocatedBytes"/>).</param>
    /// <param name="collect">The collection (default: an aggressive full GC).</param>
    /// <param name="collected">Called after each collection (metrics, logs).</param>
    public IdleTrimmer(IdleTrimOptions options, TimeProvider time, Func<long>? allocatedBytes = null, Action? collect = null,
        Action? collected = null)
    {
        _options = options;
        _policy = new IdleTrimPolicy(options);
        _time = time;
        _allocatedBytes = allocatedBytes ?? (() => GC.GetTotalAllocatedBytes(precise: false));
        _collect = collect ?? CollectAggressively;
        _collected = collected;
    }

    /// <summary>Collections done so far.</summary>
    public int Collections => Volatile.Read(ref _collections);

    private int _collections;

    // 1 from Request() until the collection it asked for starts; written by any thread, read by the sampling loop.
    private int _requested;

    /// <summary>Collects at the next quiet point even if less than a burst was allocated since the last collection.</summary>
    public void Request() => Volatile.Write(ref _requested, 1);

    /// <summary>Samples until <paramref name="stopping"/> fires.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(_options.Interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                if (!_policy.Observe(_allocatedBytes(), Volatile.Read(ref _requested) == 1)) continue;
                // A Request() that lands between the read above and this reset is served by this very collection.
                Volatile.Write(ref _requested, 0);
                _collect();
                Interlocked.Increment(ref _collections);
                _policy.Collected(_allocatedBytes());
                _collected?.Invoke();
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private static void CollectAggressively() =>
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
}
