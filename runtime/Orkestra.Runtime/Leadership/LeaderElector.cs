using Orkestra.ApiMachinery.Wait;

namespace Orkestra.Runtime.Leadership;

/// <summary>Hears what an election does (logs and the <c>orkestra_leader</c> gauge). Must be thread-safe, must not throw.</summary>
public interface ILeadershipObserver
{
    void LeadershipChanged(bool leading);
    void LeaderObserved(string? identity);
}

/// <summary>
/// Lease-based leader election among <c>ork</c> processes (client-go's algorithm). A follower polls the Lease every
/// retry period and takes it over once it has not changed for the lease duration — measured from when this
/// process saw it change, never from the timestamps in it, so clocks need not agree. A leader renews every retry
/// period and steps down when it could not renew for the renew deadline or finds another holder. A leader that
/// stops gracefully releases the Lease (empty holder) so a follower takes over at its next attempt instead of
/// waiting out the lease.
///
/// One elector per process; <see cref="RunAsync"/> is called once. <see cref="IsLeader"/> may be read from any
/// thread. The observed record and its timestamp are touched only by the loop.
/// </summary>
public sealed class LeaderElector
{
    private readonly ILeaseStore _store;
    private readonly LeaderElectionOptions _options;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly ILeadershipObserver? _observer;
    private readonly Backoff _followerRetry;   // RetryPeriod, jittered up to JitterFactor (client-go's wait.Jitter)
    private LeaseRecord? _observed;      // last lease record seen (loop only)
    private long _observedAt;            // timestamp when _observed last changed (loop only)
    private volatile bool _leading;
    private Func<bool>? _wanted;         // set once by RunAsync

    public LeaderElector(ILeaseStore store, LeaderElectionOptions options, TimeProvider? time = null,
        Random? random = null, ILeadershipObserver? observer = null)
    {
        options.Validate();
        _store = store;
        _options = options;
        _time = time ?? TimeProvider.System;
        _random = random ?? Random.Shared;
        _observer = observer;
        _followerRetry = Backoff.Constant(options.RetryPeriod).WithJitterUpTo(options.JitterFactor);
    }

    public bool IsLeader => _leading;

    public string Identity => _options.Identity;

    /// <summary>
    /// Campaigns until <paramref name="stopping"/> is cancelled. Each time this process becomes leader,
    /// <paramref name="lead"/> is called with a token that is cancelled when leadership ends (lost or stopping);
    /// it should run the workers until then. After a loss the process is a follower again and keeps campaigning.
    /// On stop the Lease is released (bounded by the renew deadline) unless <paramref name="releaseOnStop"/> is false:
    /// then the caller releases it with <see cref="ReleaseAsync"/> when its shutdown order says so.
    /// With <paramref name="wanted"/> (shard buckets) the process only takes the Lease while it returns true — a follower
    /// still reads the Lease every retry period, so it takes over at the lease's expiry the moment it is wanted — and a
    /// leader that is no longer wanted yields: its <paramref name="lead"/> token is cancelled, <paramref name="lead"/> is
    /// awaited (its workers have stopped) and only then is the Lease released for the replica that wants it.
    /// </summary>
    public async Task RunAsync(Func<CancellationToken, Task> lead, CancellationToken stopping, bool releaseOnStop = true,
        Func<bool>? wanted = null)
    {
        _wanted = wanted;
        while (!stopping.IsCancellationRequested)
        {
            if (!await AcquireAsync(stopping).ConfigureAwait(false)) break;
            using var leadership = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            SetLeading(true);
            var leading = RunLeaderAsync(lead, leadership.Token);
            var end = await RenewAsync(stopping).ConfigureAwait(false);
            SetLeading(false);
            leadership.Cancel();
            await leading.ConfigureAwait(false);
            if (end == Ended.Lost) continue;
            if (end == Ended.Yielded || releaseOnStop)
            {
                using var bound = new CancellationTokenSource(_options.RenewDeadline, _time);
                await ReleaseAsync(bound.Token).ConfigureAwait(false);
            }
            if (end == Ended.Stopping) break;
        }
    }

    private enum Ended { Stopping, Lost, Yielded }

    private bool Wanted => _wanted?.Invoke() ?? true;

    private static async Task RunLeaderAsync(Func<CancellationToken, Task> lead, CancellationToken leadership)
    {
        try
        {
            await lead(leadership).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (leadership.IsCancellationRequested)
        {
        }
    }

    /// <summary>Tries until the lease is ours (true) or we are stopping (false).</summary>
    private async Task<bool> AcquireAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            if (await TryAcquireOrRenewAsync(stopping, acquiring: true).ConfigureAwait(false)) return true;
            if (!await DelayAsync(NextAttempt(), stopping).ConfigureAwait(false)) return false;
        }
        return false;
    }

    /// <summary>A follower's next attempt: after the jittered retry period, or at the moment the observed lease expires
    /// when that comes first — so a takeover costs no extra poll of granularity, and no extra request either (the
    /// attempt moves earlier, it is not added).</summary>
    private TimeSpan NextAttempt()
    {
        var delay = _followerRetry.Delay(1, _random.NextDouble());
        if (_observed?.HolderIdentity is { Length: > 0 } holder && holder != _options.Identity)
        {
            var untilExpiry = _options.LeaseDuration - _time.GetElapsedTime(_observedAt);
            if (untilExpiry > TimeSpan.Zero && untilExpiry < delay) delay = untilExpiry;
        }
        return delay;
    }

    /// <summary>
    /// Renews every retry period until leadership was lost, this process is stopping, or it is no longer wanted (yielded).
    /// Leadership ends exactly at the renew deadline after the start of the last successful renew: each attempt is cut at
    /// it (a request that hangs cannot keep a leader past it), and the wait before an attempt never passes it. Followers
    /// take over no earlier than the lease duration after they saw that renew, so with renewDeadline ≤ leaseDuration − retryPeriod
    /// two processes never lead at once, up to a retry period of clock-rate difference and request latency.
    /// </summary>
    private async Task<Ended> RenewAsync(CancellationToken stopping)
    {
        var lastRenew = _time.GetTimestamp();
        while (true)
        {
            var left = _options.RenewDeadline - _time.GetElapsedTime(lastRenew);
            if (left <= TimeSpan.Zero) return Ended.Lost;
            var wait = left < _options.RetryPeriod ? left : _options.RetryPeriod;
            if (!await DelayAsync(wait, stopping).ConfigureAwait(false)) return Ended.Stopping;
            if (!Wanted) return Ended.Yielded;
            left = _options.RenewDeadline - _time.GetElapsedTime(lastRenew);
            if (left <= TimeSpan.Zero) return Ended.Lost;
            var started = _time.GetTimestamp();
            using var attempt = new CancellationTokenSource(left, _time);
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(stopping, attempt.Token);
            if (await TryAcquireOrRenewAsync(bounded.Token, acquiring: false).ConfigureAwait(false))
            {
                lastRenew = started;
                continue;
            }
            if (stopping.IsCancellationRequested) return Ended.Stopping;
            if (_observed?.HolderIdentity is { Length: > 0 } holder && holder != _options.Identity) return Ended.Lost;
        }
    }

    /// <summary>One attempt. While <paramref name="acquiring"/> and not <see cref="Wanted"/> it only reads (and observes) the
    /// Lease.</summary>
    private async Task<bool> TryAcquireOrRenewAsync(CancellationToken cancellation, bool acquiring)
    {
        var now = _time.GetUtcNow();
        try
        {
            var existing = await _store.GetAsync(cancellation).ConfigureAwait(false);
            if (acquiring && !Wanted)
            {
                if (existing is not null) Observe(existing);
                return false;
            }
            if (existing is null)
            {
                var fresh = new LeaseRecord(_options.Identity, LeaseSeconds, now, now, 0);
                var created = await _store.CreateAsync(fresh, cancellation).ConfigureAwait(false);
                Observe(created);
                return true;
            }
            Observe(existing);
            var ours = existing.HolderIdentity == _options.Identity;
            var free = string.IsNullOrEmpty(existing.HolderIdentity);
            if (!ours && !free && _time.GetElapsedTime(_observedAt) < _options.LeaseDuration) return false;

            var next = new LeaseRecord(
                _options.Identity,
                LeaseSeconds,
                ours ? existing.AcquireTime ?? now : now,
                now,
                ours ? existing.LeaseTransitions : existing.LeaseTransitions + 1,
                existing.ResourceVersion);
            Observe(await _store.UpdateAsync(next, cancellation).ConfigureAwait(false));
            return true;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception)
        {
            // A conflict or a failed request is a failed attempt; the loops decide what it means.
            return false;
        }
    }

    /// <summary>
    /// After <see cref="RunAsync"/> returned: empties the holder of the Lease this process last held, so a follower
    /// takes over at its next attempt. Returns the released record (its resourceVersion guards a delete), or null when
    /// the Lease was not ours or the release failed — best effort: followers then take over when the lease expires.
    /// </summary>
    public async Task<LeaseRecord?> ReleaseAsync(CancellationToken cancellation)
    {
        if (_leading || _observed?.HolderIdentity != _options.Identity) return null;
        var now = _time.GetUtcNow();
        try
        {
            var released = new LeaseRecord(null, 1, now, now, _observed.LeaseTransitions, _observed.ResourceVersion);
            var stored = await _store.UpdateAsync(released, cancellation).ConfigureAwait(false);
            Observe(stored);
            return stored;
        }
        catch (Exception)
        {
            return null;
        }
    }

    private void Observe(LeaseRecord record)
    {
        var previous = _observed;
        if (previous is null || previous.HolderIdentity != record.HolderIdentity || previous.RenewTime != record.RenewTime
            || previous.ResourceVersion != record.ResourceVersion)
        {
            _observed = record;
            _observedAt = _time.GetTimestamp();
            if (previous?.HolderIdentity != record.HolderIdentity) _observer?.LeaderObserved(record.HolderIdentity);
        }
    }

    private void SetLeading(bool leading)
    {
        _leading = leading;
        _observer?.LeadershipChanged(leading);
    }

    private int LeaseSeconds => (int)Math.Ceiling(_options.LeaseDuration.TotalSeconds);

    private async Task<bool> DelayAsync(TimeSpan delay, CancellationToken cancellation)
    {
        try
        {
            await Task.Delay(delay, _time, cancellation).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
