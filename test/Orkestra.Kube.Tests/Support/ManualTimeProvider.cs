namespace Orkestra.Kube.Tests.Support;

/// <summary>
/// A clock the test moves. Timers fire when <see cref="Advance"/> passes their due time. With
/// <see cref="AutoFireUpTo"/> set, a one-shot timer due within that bound fires at once (on the thread pool) and
/// moves the clock by its due time — what retry and backoff tests need to run without waiting — while longer timers
/// (request deadlines) stay pending. Every requested due time is recorded in <see cref="Requested"/>.
/// </summary>
public sealed class ManualTimeProvider : TimeProvider
{
    readonly object _gate = new();
    readonly List<ManualTimer> _timers = new();   // guarded by _gate
    readonly List<TimeSpan> _requested = new();   // guarded by _gate
    long _ticks;                                  // guarded by _gate
    readonly DateTimeOffset _epoch = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public TimeSpan? AutoFireUpTo { get; set; }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp()
    {
        lock (_gate) return _ticks;
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate) return _epoch.AddTicks(_ticks);
    }

    /// <summary>Due times of every timer created so far, in order.</summary>
    public IReadOnlyList<TimeSpan> Requested
    {
        get
        {
            lock (_gate) return _requested.ToList();
        }
    }

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
            fireNow = period == Timeout.InfiniteTimeSpan && dueTime != Timeout.InfiniteTimeSpan && AutoFireUpTo is { } limit && dueTime <= limit;
            if (fireNow) _ticks += dueTime.Ticks;
            else timer.Schedule(_ticks, dueTime, period);
        }
        if (fireNow) ThreadPool.QueueUserWorkItem(_ => timer.Fire());
        return timer;
    }

    /// <summary>Moves the clock and fires every timer that became due (outside the lock, in due order).</summary>
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

    void Remove(ManualTimer timer)
    {
        lock (_gate) _timers.Remove(timer);
    }

    sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public long? Due { get; private set; }   // guarded by owner._gate
        long _period;

        public void Schedule(long now, TimeSpan due, TimeSpan period)
        {
            Due = due == Timeout.InfiniteTimeSpan ? null : now + due.Ticks;
            _period = period == Timeout.InfiniteTimeSpan ? 0 : period.Ticks;
        }

        /// <summary>Called under the owner's lock when this timer fires.</summary>
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
