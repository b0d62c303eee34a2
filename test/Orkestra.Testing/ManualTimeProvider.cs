namespace Orkestra.Testing;

/// <summary>
/// A clock that moves only when a test says so. Timers fire inside <see cref="Advance"/> when it passes their due
/// time, in due order, on the calling thread and outside the internal lock (a callback may create or change timers).
/// With <see cref="AutoFireUpTo"/> set, a one-shot timer due within that bound fires at once (on the thread pool) and
/// moves the clock by its due time — what retry and backoff tests need to run without waiting — while longer timers
/// (request deadlines) stay pending. Every requested due time is recorded in <see cref="Requested"/>. Thread-safe.
/// </summary>
public sealed class ManualTimeProvider : TimeProvider
{
    /// <summary>Where a clock starts unless told otherwise.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly object _gate = new();
    private readonly List<ManualTimer> _timers = [];     // guarded by _gate
    private readonly List<TimeSpan> _requested = [];     // guarded by _gate
    private readonly DateTimeOffset _start;
    private long _ticks;                                 // elapsed since _start; guarded by _gate

    public ManualTimeProvider(DateTimeOffset? start = null) => _start = start ?? DefaultStart;

    /// <summary>One-shot timers due within this bound fire at once and move the clock (null: none do).</summary>
    public TimeSpan? AutoFireUpTo { get; set; }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp()
    {
        lock (_gate) return _ticks;
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate) return _start.AddTicks(_ticks);
    }

    /// <summary>Due times of every timer created so far, in order.</summary>
    public IReadOnlyList<TimeSpan> Requested
    {
        get
        {
            lock (_gate) return _requested.ToList();
        }
    }

    /// <summary>Timers that will fire when the clock reaches their due time.</summary>
    public int PendingTimers
    {
        get
        {
            lock (_gate) return _timers.Count(t => t.Due is not null);
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        bool fireNow;
        lock (_gate)
        {
            _requested.Add(dueTime);
            _timers.Add(timer);
            fireNow = period == Timeout.InfiniteTimeSpan && dueTime != Timeout.InfiniteTimeSpan
                      && AutoFireUpTo is { } limit && dueTime <= limit;
            if (fireNow) _ticks += dueTime.Ticks;
            else timer.Schedule(_ticks, dueTime, period);
        }
        if (fireNow) ThreadPool.QueueUserWorkItem(_ => timer.Fire());
        return timer;
    }

    /// <summary>Moves the clock forward, firing every timer that falls due on the way.</summary>
    public void Advance(TimeSpan by)
    {
        long target;
        lock (_gate) target = _ticks + by.Ticks;
        while (true)
        {
            ManualTimer? next;
            lock (_gate)
            {
                next = _timers.Where(t => t.Due is { } due && due <= target).MinBy(t => t.Due);
                if (next is null)
                {
                    _ticks = target;
                    return;
                }
                _ticks = Math.Max(_ticks, next.Due!.Value);
                next.Advanced();
            }
            next.Fire();
        }
    }

    private void Remove(ManualTimer timer)
    {
        lock (_gate) _timers.Remove(timer);
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        private long _period;

        /// <summary>Absolute due time in clock ticks, null when not scheduled. Guarded by the owner's lock.</summary>
        public long? Due { get; private set; }

        public void Schedule(long now, TimeSpan due, TimeSpan period)
        {
            Due = due == Timeout.InfiniteTimeSpan ? null : now + due.Ticks;
            _period = period == Timeout.InfiniteTimeSpan ? 0 : period.Ticks;
        }

        /// <summary>Called under the owner's lock when this timer fires: a periodic timer is due again.</summary>
        public void Advanced() => Due = _period > 0 ? Due + _period : null;

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate) Schedule(owner._ticks, dueTime, period);
            return true;
        }

        public void Dispose() => owner.Remove(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
