using System.Collections.Concurrent;
using System.Diagnostics;

namespace Orkestra.Runtime.Queues;

/// <summary>A key taken from a <see cref="WorkQueue{TKey}"/>; <see cref="Ok"/> is false once the queue shut down.</summary>
public readonly record struct Dequeued<TKey>(bool Ok, TKey Key);

/// <summary>
/// The work queue of one operator (one CRD): keys in, workers out, with client-go's guarantees —
/// <list type="number">
/// <item><b>Fair:</b> keys are handed out in the order they became ready (FIFO).</item>
/// <item><b>Exclusive:</b> a key is never held by two workers at once.</item>
/// <item><b>Collapsing:</b> adding a key that is already waiting does nothing.</item>
/// <item><b>Never lost:</b> a key added while a worker holds it is handed out again after
/// <see cref="Done"/>; a full ring spills to an overflow list instead of dropping.</item>
/// <item><b>Rate-limited retries:</b> <see cref="AddRateLimited"/> waits per the key's consecutive failures
/// (<see cref="RetryPolicy"/>); <see cref="Forget"/> resets them.</item>
/// </list>
/// The ready list is a lock-free ring (<see cref="MpmcRing{T}"/>) sized by the Katalog's <c>queue.maxDepth</c>;
/// per-key state is a small state machine advanced with compare-and-swap, so adds, takes and dones never
/// take a lock. Workers wait asynchronously (no thread per queue). Time comes from the injected
/// <see cref="TimeProvider"/>, so tests drive delays without sleeping.
/// </summary>
[DebuggerDisplay("Depth = {Depth}, Keys = {KeyCount}")]
public sealed class WorkQueue<TKey> : IDisposable where TKey : notnull
{
    // Key states. Transitions (all by CAS on Entry.State):
    //   Idle → Queued (Add) → Processing (Take) → Idle (Done)
    //   Processing → ProcessingDirty (Add while held) → Queued (Done re-queues)
    //   Idle → Removed (Remove); a Removed entry is never revived: Add looks the key up again.
    private const int Idle = 0, Queued = 1, Processing = 2, ProcessingDirty = 3, Removed = 4;

    private sealed class Entry(TKey key)
    {
        public readonly TKey Key = key;
        /// <summary>One of the state constants; written only by CAS.</summary>
        public int State;
        /// <summary>Timestamp when the key last became Queued (written by the thread that made it Queued).</summary>
        public long ReadyAt;
        /// <summary>Timestamp when a worker took the key (written by that worker only).</summary>
        public long TakenAt;
        /// <summary>Consecutive failures reported through AddRateLimited; reset by Forget.</summary>
        public int Failures;
        /// <summary>Due time (timestamp) of the earliest pending delayed add, 0 when none. CAS-guarded.</summary>
        public long DelayedDue;
    }

    private readonly ConcurrentDictionary<TKey, Entry> _entries;
    private readonly MpmcRing<Entry> _ring;
    // Used only while the ring is full; while it holds anything, new keys go here too, which keeps FIFO.
    private readonly ConcurrentQueue<Entry> _overflow = new();
    // Counts keys in ring + overflow; a worker may take one key per count it acquires.
    private readonly SemaphoreSlim _ready = new(0);
    private readonly ConcurrentDictionary<ITimer, byte> _timers = new();
    private readonly TimeProvider _time;
    private readonly RetryPolicy _retry;
    private readonly IWorkQueueMetrics _metrics;
    private int _depth;
    private volatile bool _shutDown;

    public WorkQueue(int capacity = 1024, RetryPolicy? retry = null, TimeProvider? time = null,
        IWorkQueueMetrics? metrics = null, IEqualityComparer<TKey>? comparer = null)
    {
        _ring = new MpmcRing<Entry>(capacity <= 0 ? 1024 : capacity);
        _entries = new ConcurrentDictionary<TKey, Entry>(comparer);
        _retry = retry ?? RetryPolicy.Default;
        _time = time ?? TimeProvider.System;
        _metrics = metrics ?? NoWorkQueueMetrics.Instance;
    }

    /// <summary>Keys waiting for a worker (not counting keys being processed or waiting on a delay).</summary>
    public int Depth => Volatile.Read(ref _depth);

    /// <summary>Keys the queue currently tracks state for.</summary>
    public int KeyCount => _entries.Count;

    public int Capacity => _ring.Capacity;

    public bool IsShutDown => _shutDown;

    /// <summary>Marks the key as needing work. Cheap when the key is already waiting.</summary>
    public void Add(TKey key)
    {
        if (_shutDown) return;
        var entry = _entries.GetOrAdd(key, static k => new Entry(k));
        while (true)
        {
            switch (Volatile.Read(ref entry.State))
            {
                case Idle:
                    if (Interlocked.CompareExchange(ref entry.State, Queued, Idle) == Idle)
                    {
                        _metrics.Added();
                        Push(entry);
                        return;
                    }
                    break;
                case Processing:
                    if (Interlocked.CompareExchange(ref entry.State, ProcessingDirty, Processing) == Processing)
                    {
                        _metrics.Added();
                        return;
                    }
                    break;
                case Queued:
                case ProcessingDirty:
                    return; // collapses into the pending run
                case Removed:
                    entry = _entries.GetOrAdd(key, static k => new Entry(k));
                    break;
            }
        }
    }

    /// <summary>Adds the key once <paramref name="delay"/> has passed; of several pending delays the earliest wins.</summary>
    public void AddAfter(TKey key, TimeSpan delay)
    {
        if (_shutDown) return;
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }
        var entry = _entries.GetOrAdd(key, static k => new Entry(k));
        var due = _time.GetTimestamp() + (long)(delay.TotalSeconds * _time.TimestampFrequency);
        while (true)
        {
            var current = Volatile.Read(ref entry.DelayedDue);
            if (current != 0 && current <= due) return; // an earlier delayed add is already pending
            if (Interlocked.CompareExchange(ref entry.DelayedDue, due, current) == current) break;
        }
        var holder = new TimerHolder();
        holder.Timer = _time.CreateTimer(state =>
        {
            // Fire only if this is still the earliest pending delay for the key.
            if (Interlocked.CompareExchange(ref entry.DelayedDue, 0, due) == due) Add(key);
            ReleaseTimer(((TimerHolder)state!).Timer);
        }, holder, delay, Timeout.InfiniteTimeSpan);
        _timers[holder.Timer] = 0;
        // Already fired, superseded by an earlier delay, or shut down meanwhile: nothing will need this timer.
        if (_shutDown || Volatile.Read(ref entry.DelayedDue) != due) ReleaseTimer(holder.Timer);
    }

    private sealed class TimerHolder
    {
        public ITimer? Timer;
    }

    private void ReleaseTimer(ITimer? timer)
    {
        if (timer is not null && _timers.TryRemove(timer, out _)) timer.Dispose();
    }

    /// <summary>
    /// Records a failure of the key and adds it back after its backoff. Returns false (and does not add) when
    /// the key has failed more than the policy's MaxAttempts.
    /// </summary>
    public bool AddRateLimited(TKey key)
    {
        if (_shutDown) return false;
        var entry = _entries.GetOrAdd(key, static k => new Entry(k));
        var failures = Interlocked.Increment(ref entry.Failures);
        if (_retry.GivesUpAfter(failures)) return false;
        _metrics.Retried();
        AddAfter(key, _retry.DelayFor(failures));
        return true;
    }

    /// <summary>The keys workers hold right now: the sum of how long each has been held, and the longest (client-go's
    /// <c>unfinished_work_seconds</c> and <c>longest_running_processor_seconds</c>). Walks the key table; meant for a
    /// metrics scrape, not for every item.</summary>
    public (TimeSpan Unfinished, TimeSpan Longest) InFlight()
    {
        var now = _time.GetTimestamp();
        TimeSpan sum = TimeSpan.Zero, longest = TimeSpan.Zero;
        foreach (var entry in _entries.Values)
        {
            if (Volatile.Read(ref entry.State) is not (Processing or ProcessingDirty)) continue;
            var held = _time.GetElapsedTime(Volatile.Read(ref entry.TakenAt), now);
            if (held < TimeSpan.Zero) continue;
            sum += held;
            if (held > longest) longest = held;
        }
        return (sum, longest);
    }

    /// <summary>Consecutive failures recorded for the key.</summary>
    public int Failures(TKey key) => _entries.TryGetValue(key, out var e) ? Volatile.Read(ref e.Failures) : 0;

    /// <summary>Clears the key's failure count (after a success, or when giving up).</summary>
    public void Forget(TKey key)
    {
        if (_entries.TryGetValue(key, out var e)) Volatile.Write(ref e.Failures, 0);
    }

    /// <summary>Drops all state for an idle key (e.g. its object was deleted). No effect while it is queued or held.</summary>
    public bool Remove(TKey key)
    {
        if (!_entries.TryGetValue(key, out var e)) return false;
        if (Volatile.Read(ref e.DelayedDue) != 0) return false;
        if (Interlocked.CompareExchange(ref e.State, Removed, Idle) != Idle) return false;
        return _entries.TryRemove(new KeyValuePair<TKey, Entry>(key, e));
    }

    /// <summary>
    /// Waits for a key and marks it held by the caller, who must call <see cref="Done"/> with it. Returns
    /// <c>Ok = false</c> once the queue is shut down.
    /// </summary>
    public async ValueTask<Dequeued<TKey>> TakeAsync(CancellationToken cancellation = default)
    {
        while (true)
        {
            if (_shutDown) return default;
            try
            {
                await _ready.WaitAsync(cancellation).ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                return default;
            }
            if (_shutDown) return default;
            var entry = Pop();
            var won = Interlocked.CompareExchange(ref entry.State, Processing, Queued) == Queued;
            Debug.Assert(won, "only Queued entries are in the ring");
            var now = _time.GetTimestamp();
            entry.TakenAt = now;
            _metrics.Waited(_time.GetElapsedTime(entry.ReadyAt, now));
            return new Dequeued<TKey>(true, entry.Key);
        }
    }

    /// <summary>Releases a key taken with <see cref="TakeAsync"/>; if it was added meanwhile it is queued again.</summary>
    public void Done(TKey key)
    {
        if (!_entries.TryGetValue(key, out var entry))
            throw new InvalidOperationException($"Done called for key '{key}' that the queue does not hold");
        _metrics.Worked(_time.GetElapsedTime(entry.TakenAt));
        while (true)
        {
            switch (Volatile.Read(ref entry.State))
            {
                case Processing:
                    if (Interlocked.CompareExchange(ref entry.State, Idle, Processing) == Processing) return;
                    break;
                case ProcessingDirty:
                    if (Interlocked.CompareExchange(ref entry.State, Queued, ProcessingDirty) == ProcessingDirty)
                    {
                        if (_shutDown) return;
                        Push(entry);
                        return;
                    }
                    break;
                default:
                    throw new InvalidOperationException($"Done called for key '{key}' that no worker holds");
            }
        }
    }

    /// <summary>Stops handing out keys: waiting and future takes return <c>Ok = false</c>; pending delays are cancelled.</summary>
    public void ShutDown()
    {
        if (_shutDown) return;
        _shutDown = true;
        foreach (var timer in _timers.Keys) ReleaseTimer(timer);
        // Wake every waiting worker; each sees _shutDown and returns.
        _ready.Release(Math.Max(1, Environment.ProcessorCount * 64));
    }

    public void Dispose() => ShutDown();

    private void Push(Entry entry)
    {
        entry.ReadyAt = _time.GetTimestamp();
        if (!_overflow.IsEmpty || !_ring.TryEnqueue(entry)) _overflow.Enqueue(entry);
        _metrics.DepthChanged(Interlocked.Increment(ref _depth));
        _ready.Release();
    }

    private Entry Pop()
    {
        // The semaphore guarantees an item was published; a concurrent producer may still be finishing the
        // publication of an earlier ring cell, so spin until it is visible.
        var spinner = new SpinWait();
        while (true)
        {
            if (_ring.TryDequeue(out var entry) || _overflow.TryDequeue(out entry))
            {
                _metrics.DepthChanged(Interlocked.Decrement(ref _depth));
                return entry;
            }
            spinner.SpinOnce();
        }
    }
}
