using System.Threading.Channels;
using Orkestra.Runtime.Leadership;

namespace Orkestra.Runtime.Tests.Leadership;

public class LeaderElectorTests
{
    /// <summary>One Lease with optimistic concurrency, shared by the candidates; a candidate's view can be cut off.</summary>
    private sealed class MemoryLeaseStore
    {
        private readonly object _gate = new();
        private LeaseRecord? _record;
        private int _version;

        public LeaseRecord? Current { get { lock (_gate) return _record; } }

        public ILeaseStore ViewFor(Func<bool> reachable) => new View(this, reachable);

        private sealed class View(MemoryLeaseStore owner, Func<bool> reachable) : ILeaseStore
        {
            private void Check()
            {
                if (!reachable()) throw new HttpRequestException("connection refused");
            }

            public ValueTask<LeaseRecord?> GetAsync(CancellationToken cancellation)
            {
                Check();
                lock (owner._gate) return ValueTask.FromResult(owner._record);
            }

            public ValueTask<LeaseRecord> CreateAsync(LeaseRecord record, CancellationToken cancellation)
            {
                Check();
                lock (owner._gate)
                {
                    if (owner._record is not null) throw new LeaseConflictException("already exists");
                    owner._record = record with { ResourceVersion = (++owner._version).ToString() };
                    return ValueTask.FromResult(owner._record);
                }
            }

            public ValueTask<LeaseRecord> UpdateAsync(LeaseRecord record, CancellationToken cancellation)
            {
                Check();
                lock (owner._gate)
                {
                    if (owner._record?.ResourceVersion != record.ResourceVersion) throw new LeaseConflictException("conflict");
                    owner._record = record with { ResourceVersion = (++owner._version).ToString() };
                    return ValueTask.FromResult(owner._record);
                }
            }
        }
    }

    /// <summary>
    /// Issue 15's target with the default settings: a kill -9 of the leader (its renews stop) hands over within 10 s,
    /// whenever between two renews it happens and whatever the follower's jitter, the old leader has stepped down before
    /// the new one leads, and nobody sends more than one request per 2 s in steady state.
    /// </summary>
    [Test]
    public async Task With_the_defaults_failover_after_a_kill_takes_at_most_10_s_at_one_request_per_2_s()
    {
        var worst = TimeSpan.Zero;
        foreach (var jitterDraw in new[] { 0.0, 0.5, 0.999 })
        {
            foreach (var killAfterRenew in new[] { 0.0, 0.5, 1.0, 1.5, 1.9 })
            {
                var time = new ManualTimeProvider();
                var step = TimeSpan.FromMilliseconds(100);
                var store = new MemoryLeaseStore();
                var a = new Candidate("a", store, time, options: new LeaderElectionOptions("a"));
                (await a.NextChange()).ShouldBeTrue();
                var b = new Candidate("b", store, time, random: new FixedRandom(jitterDraw), options: new LeaderElectionOptions("b"));
                // Steady state: a renews at 2, 4, …, 20 s; b polls.
                for (var t = 0; t < 200; t++) await Step(time, step, waiting: 2);
                (a.Calls, b.Calls).ShouldSatisfyAllConditions(
                    () => a.Calls.ShouldBeLessThanOrEqualTo(2 * 11, "the leader: one renew (GET and PUT, as client-go) per 2 s"),
                    () => b.Calls.ShouldBeLessThanOrEqualTo(11, "the follower: one poll per 2 s or more"));
                for (var t = 0; t < (int)(killAfterRenew * 10); t++) await Step(time, step, waiting: 2);

                a.Reachable = false;   // kill -9: nothing of a reaches the API any more
                var killed = TimeSpan.Zero;
                while (!b.Elector.IsLeader)
                {
                    await Step(time, step, waiting: 2);
                    killed += step;
                    if (killed > TimeSpan.FromSeconds(30)) Assert.Fail("b never took over");
                }
                a.Elector.IsLeader.ShouldBeFalse($"a had stepped down before b led (kill {killAfterRenew} s after a renew)");
                killed.ShouldBeLessThanOrEqualTo(TimeSpan.FromSeconds(10), $"kill {killAfterRenew} s after a renew, jitter draw {jitterDraw}");
                if (killed > worst) worst = killed;
                a.Stop.Cancel();
                b.Stop.Cancel();
                await Task.WhenAll(a.Running, b.Running).WaitAsync(Bounded.Default);
            }
        }
        TestContext.Out.WriteLine($"worst failover on the manual clock: {worst.TotalSeconds} s");
    }

    [Test]
    public void A_lease_duration_scales_the_timing_keeping_a_retry_period_between_step_down_and_takeover()
    {
        var defaults = new LeaderElectionOptions("x");
        LeaderElectionOptions.ForLeaseDuration("x", LeaderElectionOptions.DefaultLeaseDuration).ShouldBe(defaults);
        var longer = LeaderElectionOptions.ForLeaseDuration("x", TimeSpan.FromSeconds(15));
        (longer.RenewDeadline, longer.RetryPeriod).ShouldBe((TimeSpan.FromSeconds(13), TimeSpan.FromSeconds(2)));
        var shortest = LeaderElectionOptions.ForLeaseDuration("x", TimeSpan.FromSeconds(3));
        (shortest.RenewDeadline, shortest.RetryPeriod).ShouldBe((TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)));
        shortest.Validate();
    }

    private sealed class Candidate : ILeadershipObserver
    {
        public readonly Channel<bool> Changes = Channel.CreateUnbounded<bool>();
        public readonly LeaderElector Elector;
        public readonly CancellationTokenSource Stop = new();
        public readonly Task Running;
        public volatile bool Reachable = true;

        private int _calls;

        public Candidate(string name, MemoryLeaseStore store, ManualTimeProvider time, double jitter = 0, Random? random = null,
            LeaderElectionOptions? options = null, Func<bool>? wanted = null, Func<CancellationToken, Task>? lead = null)
        {
            options ??= new LeaderElectionOptions(name) { JitterFactor = jitter };
            Elector = new LeaderElector(store.ViewFor(() =>
            {
                Interlocked.Increment(ref _calls);
                return Reachable;
            }), options, time, random ?? new Random(1), this);
            Running = Elector.RunAsync(lead ?? (ct => Task.Delay(Timeout.Infinite, ct)), Stop.Token, wanted: wanted);
        }

        public void LeadershipChanged(bool leading) => Changes.Writer.TryWrite(leading);
        public void LeaderObserved(string? identity) { }

        public async Task<bool> NextChange() => await Changes.Reader.ReadAsync().AsTask().WaitAsync(Bounded.Default);
        public bool HasPendingChange => Changes.Reader.TryPeek(out _);

        /// <summary>Requests this candidate sent to the Lease (a renew is a GET and a PUT, a follower's poll a GET).</summary>
        public int Calls => Volatile.Read(ref _calls);
    }

    /// <summary>Advances the clock one step at a time, each only after every running candidate is waiting on it.</summary>
    private static async Task Step(ManualTimeProvider time, TimeSpan by, int waiting)
    {
        await Idle(time, waiting);
        time.Advance(by);
    }

    /// <summary>Waits (bounded) until <paramref name="waiting"/> candidates have finished their attempt and wait on the clock.</summary>
    private static async Task Idle(ManualTimeProvider time, int waiting)
    {
        var deadline = DateTime.UtcNow + Bounded.Default;
        while (time.PendingTimers < waiting)
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"expected {waiting} candidates waiting, saw {time.PendingTimers}");
            await Task.Delay(1);
        }
    }

    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(2);

    private sealed class FixedRandom(double value) : Random
    {
        public override double NextDouble() => value;
    }

    [Test]
    public async Task A_follower_retries_every_retry_period_plus_jitter_up_to_the_factor()
    {
        var time = new ManualTimeProvider();
        var store = new MemoryLeaseStore();
        var a = new Candidate("a", store, time);
        (await a.NextChange()).ShouldBeTrue();
        var b = new Candidate("b", store, time, jitter: 0.5, random: new FixedRandom(0.5));
        await Idle(time, 2);
        time.Requested.ShouldContain(TimeSpan.FromSeconds(2.5), "2 s × (1 + 0.5 × 0.5)");
        b.Elector.IsLeader.ShouldBeFalse();
        a.Stop.Cancel();
        b.Stop.Cancel();
        await Task.WhenAll(a.Running, b.Running).WaitAsync(Bounded.Default);
    }

    [Test]
    public async Task The_first_candidate_creates_the_lease_and_leads()
    {
        var time = new ManualTimeProvider();
        var store = new MemoryLeaseStore();
        var a = new Candidate("a", store, time);
        (await a.NextChange()).ShouldBeTrue();
        a.Elector.IsLeader.ShouldBeTrue();
        store.Current!.HolderIdentity.ShouldBe("a");
        store.Current.LeaseDurationSeconds.ShouldBe(7);
        store.Current.LeaseTransitions.ShouldBe(0);
        a.Stop.Cancel();
        await a.Running.WaitAsync(Bounded.Default);
    }

    [Test]
    public async Task A_follower_stays_follower_while_the_leader_renews_and_a_graceful_stop_hands_over_at_once()
    {
        var time = new ManualTimeProvider();
        var store = new MemoryLeaseStore();
        var a = new Candidate("a", store, time);
        (await a.NextChange()).ShouldBeTrue();
        var b = new Candidate("b", store, time);
        for (var i = 0; i < 15; i++) await Step(time, Retry, waiting: 2);
        b.HasPendingChange.ShouldBeFalse("b never led while a renewed");
        await Idle(time, waiting: 2);
        store.Current!.HolderIdentity.ShouldBe("a");

        a.Stop.Cancel();
        await a.Running.WaitAsync(Bounded.Default);
        (await a.NextChange()).ShouldBeFalse();
        store.Current!.HolderIdentity.ShouldBeNull("a released the lease");
        await Step(time, Retry, waiting: 1);
        (await b.NextChange()).ShouldBeTrue("b takes over at its next attempt, without waiting out the lease");
        store.Current!.HolderIdentity.ShouldBe("b");
        store.Current.LeaseTransitions.ShouldBe(1);
        b.Stop.Cancel();
        await b.Running.WaitAsync(Bounded.Default);
    }

    [Test]
    public async Task When_the_leader_vanishes_a_follower_leads_within_lease_duration_plus_retry_period()
    {
        var time = new ManualTimeProvider();
        var store = new MemoryLeaseStore();
        var a = new Candidate("a", store, time);
        (await a.NextChange()).ShouldBeTrue();
        var b = new Candidate("b", store, time);
        await Step(time, Retry, waiting: 2);

        a.Reachable = false; // kill -9: a's renewals stop reaching the API
        var elapsed = TimeSpan.Zero;
        while (!b.Elector.IsLeader)
        {
            // Both loops keep running (a as a failing follower after it steps down), so both wait on the clock.
            await Step(time, Retry, waiting: 2);
            elapsed += Retry;
            if (elapsed > TimeSpan.FromSeconds(60)) Assert.Fail("b never took over");
            if (b.HasPendingChange) (await b.NextChange()).ShouldBeTrue();
        }
        elapsed.ShouldBeLessThanOrEqualTo(TimeSpan.FromSeconds(7) + Retry + Retry);
        store.Current!.HolderIdentity.ShouldBe("b");
        a.Elector.IsLeader.ShouldBeFalse("a stepped down after its renew deadline");
        a.Stop.Cancel(); b.Stop.Cancel();
        await Task.WhenAll(a.Running, b.Running).WaitAsync(Bounded.Default);
    }

    /// <summary>Shard buckets: a candidate that is not wanted only reads the Lease, never takes it — not even an expired
    /// one — but because it kept observing, it takes an expired Lease at its next attempt once it is wanted.</summary>
    [Test]
    public async Task An_unwanted_candidate_only_observes_and_takes_an_expired_lease_at_once_when_wanted()
    {
        var time = new ManualTimeProvider();
        var store = new MemoryLeaseStore();
        var a = new Candidate("a", store, time);
        (await a.NextChange()).ShouldBeTrue();
        var wanted = false;
        var b = new Candidate("b", store, time, wanted: () => Volatile.Read(ref wanted));
        await Step(time, Retry, waiting: 2);
        a.Reachable = false;
        for (var i = 0; i < 10; i++) await Step(time, Retry, waiting: 2);   // 20 s: far past the lease duration
        b.Elector.IsLeader.ShouldBeFalse("an unwanted candidate never takes the lease");
        store.Current!.HolderIdentity.ShouldBe("a");

        Volatile.Write(ref wanted, true);
        await Step(time, Retry, waiting: 2);
        (await b.NextChange()).ShouldBeTrue("wanted, it takes the lease it already saw expire at its next attempt");
        store.Current!.HolderIdentity.ShouldBe("b");
        a.Stop.Cancel(); b.Stop.Cancel();
        await Task.WhenAll(a.Running, b.Running).WaitAsync(Bounded.Default);
    }

    /// <summary>A leader that is no longer wanted yields at its next renew: its lead token is cancelled, and the Lease is
    /// released only after the lead callback (its workers) returned; the wanted follower takes it at its next attempt.</summary>
    [Test]
    public async Task A_leader_no_longer_wanted_stops_its_work_then_releases_and_the_wanted_one_takes_over()
    {
        var time = new ManualTimeProvider();
        var store = new MemoryLeaseStore();
        var aWanted = true;
        LeaseRecord? heldWhenWorkEnded = null;
        var workEnded = new TaskCompletionSource();
        var a = new Candidate("a", store, time, wanted: () => Volatile.Read(ref aWanted), lead: async ct =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            finally
            {
                heldWhenWorkEnded = store.Current;
                workEnded.TrySetResult();
            }
        });
        (await a.NextChange()).ShouldBeTrue();
        var b = new Candidate("b", store, time, wanted: () => !Volatile.Read(ref aWanted));
        await Step(time, Retry, waiting: 2);
        b.Elector.IsLeader.ShouldBeFalse();

        Volatile.Write(ref aWanted, false);
        await Step(time, Retry, waiting: 2);
        (await a.NextChange()).ShouldBeFalse("a yields at its next renew");
        await workEnded.Task.WaitAsync(Bounded.Default);
        heldWhenWorkEnded!.HolderIdentity.ShouldBe("a", "the Lease was still a's when its work ended: released only after");
        await Idle(time, waiting: 2);
        store.Current!.HolderIdentity.ShouldNotBe("a", "a released the Lease");
        if (!b.HasPendingChange) await Step(time, Retry * 1.2, waiting: 2);
        (await b.NextChange()).ShouldBeTrue("b takes the released Lease at its next attempt, not after the lease duration");
        a.Stop.Cancel(); b.Stop.Cancel();
        await Task.WhenAll(a.Running, b.Running).WaitAsync(Bounded.Default);
    }

    [Test]
    public async Task A_leader_that_cannot_renew_within_the_deadline_stops_leading()
    {
        var time = new ManualTimeProvider();
        var store = new MemoryLeaseStore();
        var a = new Candidate("a", store, time);
        (await a.NextChange()).ShouldBeTrue();
        a.Reachable = false;
        for (var i = 0; i < 5; i++) await Step(time, Retry, waiting: 1);
        (await a.NextChange()).ShouldBeFalse();
        a.Elector.IsLeader.ShouldBeFalse();
        a.Stop.Cancel();
        await a.Running.WaitAsync(Bounded.Default);
    }

    [Test]
    public void Inconsistent_timings_are_rejected()
    {
        Should.Throw<ArgumentException>(() => new LeaderElectionOptions("x") { LeaseDuration = TimeSpan.FromSeconds(5) }.Validate());
        Should.Throw<ArgumentException>(() => new LeaderElectionOptions("x") { RetryPeriod = TimeSpan.FromSeconds(12) }.Validate());
        Should.Throw<ArgumentException>(() => new LeaderElectionOptions("").Validate());
    }
}
