using Orkestra.ApiMachinery.Meta;
using Orkestra.Runtime.Controllers;

namespace Orkestra.Runtime.Sharding;

/// <summary>
/// The buckets of one CRD this replica holds, and the fence on them. A worker enters a key only while its bucket is held
/// (<see cref="TryEnter"/>) and gets a token that is cancelled the moment the bucket stops being held — the bucket
/// Lease's renew deadline passed, or the bucket was yielded to another replica — so its reconcile is cancelled before
/// the Lease can expire and another replica take the key. <see cref="HoldAsync"/> returns only once every reconcile of
/// the bucket has ended (or the bound passed), so a yielded bucket's Lease is released after its workers stopped. Keys
/// of a bucket that is not held are dropped by the worker that takes them. Thread-safe (one lock; a short critical
/// section per reconcile).
/// </summary>
internal sealed class ShardGate(int buckets) : IKeyFence
{
    private readonly object _gate = new();
    private readonly CancellationTokenSource?[] _held = new CancellationTokenSource?[buckets];   // guarded by _gate
    private readonly int[] _inFlight = new int[buckets];                                         // guarded by _gate
    private readonly TaskCompletionSource?[] _drained = new TaskCompletionSource?[buckets];      // guarded by _gate
    private int _heldCount;                                                                      // guarded by _gate

    public int Buckets => buckets;

    public int HeldCount
    {
        get
        {
            lock (_gate) return _heldCount;
        }
    }

    /// <summary>The buckets held now, ascending.</summary>
    public IReadOnlyList<int> Held()
    {
        lock (_gate) return [.. Enumerable.Range(0, buckets).Where(b => _held[b] is not null)];
    }

    public int BucketOf(ObjectKey key) => ShardHash.BucketOf(key, buckets);

    public bool Holds(ObjectKey key)
    {
        var bucket = BucketOf(key);
        lock (_gate) return _held[bucket] is not null;
    }

    public bool TryEnter(ObjectKey key, out CancellationToken fence)
    {
        var bucket = BucketOf(key);
        lock (_gate)
        {
            if (_held[bucket] is not { } held)
            {
                fence = default;
                return false;
            }
            _inFlight[bucket]++;
            fence = held.Token;
            return true;
        }
    }

    public void Exit(ObjectKey key)
    {
        var bucket = BucketOf(key);
        lock (_gate)
        {
            if (--_inFlight[bucket] == 0 && _drained[bucket] is { } drained)
            {
                _drained[bucket] = null;
                drained.TrySetResult();
            }
        }
    }

    /// <summary>Holds <paramref name="bucket"/> until <paramref name="leadership"/> (its Lease) ends: calls
    /// <paramref name="changed"/> with true once held (the caller enqueues the bucket's keys), then on the end fences the
    /// bucket, calls <paramref name="changed"/> with false and waits — at most <paramref name="drainBound"/> — until its
    /// reconciles have ended.</summary>
    public async Task HoldAsync(int bucket, Action<bool> changed, CancellationToken leadership, TimeSpan drainBound, TimeProvider time)
    {
        var fence = new CancellationTokenSource();
        lock (_gate)
        {
            _held[bucket] = fence;
            _heldCount++;
        }
        changed(true);
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, time, leadership).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        TaskCompletionSource? drained = null;
        lock (_gate)
        {
            _held[bucket] = null;
            _heldCount--;
            if (_inFlight[bucket] > 0)
                drained = _drained[bucket] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        // The fence: every reconcile of the bucket is cancelled now, before the Lease can expire. The source is not
        // disposed: reconciles still link to its token.
        await fence.CancelAsync().ConfigureAwait(false);
        changed(false);
        if (drained is null) return;
        try
        {
            await drained.Task.WaitAsync(drainBound, time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
    }
}
