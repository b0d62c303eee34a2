using Orkestra.Runtime.Memory;

namespace Orkestra.Runtime.Tests.Memory;

public sealed class IdleTrimPolicyTests
{
    const long MiB = 1024 * 1024;
    static readonly IdleTrimOptions Options = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), 256 * 1024, 4 * MiB);

    [Test]
    public void A_burst_followed_by_quiet_intervals_collects_once_the_quiet_lasted_long_enough()
    {
        var policy = new IdleTrimPolicy(Options);
        policy.Observe(10 * MiB).ShouldBeFalse();          // first sample: quiet for one interval so far
        policy.Observe(20 * MiB).ShouldBeFalse();          // busy
        policy.Observe(20 * MiB + 1000).ShouldBeFalse();   // quiet 1 of 2
        policy.Observe(20 * MiB + 2000).ShouldBeTrue();    // quiet 2 of 2, 20 MiB since the start
    }

    [Test]
    public void Steady_allocation_never_collects()
    {
        var policy = new IdleTrimPolicy(Options);
        for (var i = 1; i <= 50; i++) policy.Observe(i * MiB).ShouldBeFalse();
    }

    [Test]
    public void Quiet_without_a_burst_since_the_last_collection_does_not_collect()
    {
        var policy = new IdleTrimPolicy(Options);
        policy.Observe(8 * MiB);
        policy.Observe(8 * MiB).ShouldBeTrue();
        policy.Collected(8 * MiB);

        // idle allocation below the quiet threshold adds up; only once it reaches the burst size is it worth a collection
        var allocated = 8 * MiB;
        for (var i = 1; i <= 20; i++)
        {
            allocated += 200 * 1024;
            policy.Observe(allocated).ShouldBeFalse($"{i} × 200 KiB since the collection");
        }
        allocated += 200 * 1024;   // 21 × 200 KiB = 4.1 MiB, quiet all along
        policy.Observe(allocated).ShouldBeTrue();
    }

    [Test]
    public void A_requested_collection_needs_quiet_but_no_burst()
    {
        var policy = new IdleTrimPolicy(Options);
        policy.Observe(1 * MiB, requested: true).ShouldBeFalse();   // quiet 1 of 2
        policy.Observe(3 * MiB, requested: true).ShouldBeFalse();   // busy: 2 MiB in an interval
        policy.Observe(3 * MiB, requested: true).ShouldBeFalse();   // quiet 1
        policy.Observe(3 * MiB, requested: false).ShouldBeFalse();  // quiet 2, but 3 MiB is no burst and nothing asked
        policy.Observe(3 * MiB, requested: true).ShouldBeTrue();    // quiet 3, asked
    }

    [Test]
    public void A_new_burst_after_a_collection_collects_again_once_quiet()
    {
        var policy = new IdleTrimPolicy(Options);
        policy.Observe(6 * MiB);
        policy.Observe(6 * MiB).ShouldBeTrue();
        policy.Collected(6 * MiB);
        policy.Observe(6 * MiB).ShouldBeFalse();     // quiet, but nothing new
        policy.Observe(12 * MiB).ShouldBeFalse();    // burst
        policy.Observe(12 * MiB).ShouldBeFalse();    // quiet 1
        policy.Observe(12 * MiB).ShouldBeTrue();     // quiet 2
    }
}

public sealed class IdleTrimmerTests
{
    const long MiB = 1024 * 1024;

    [Test, CancelAfter(10_000)]
    public async Task Collects_on_its_timer_after_a_burst_and_quiet_and_stops_on_cancellation(CancellationToken testTimeout)
    {
        var time = new ManualTimeProvider();
        long allocated = 0;
        var samples = new SemaphoreSlim(0);
        var collections = 0;
        var trimmer = new IdleTrimmer(new IdleTrimOptions(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), 1024, 4 * MiB), time,
            allocatedBytes: () =>
            {
                var value = Interlocked.Read(ref allocated);
                samples.Release();
                return value;
            },
            collect: () => collections++);
        using var stop = new CancellationTokenSource();
        var run = trimmer.RunAsync(stop.Token);

        async Task Tick(long allocatedNow, int samplesExpected = 1)
        {
            Interlocked.Exchange(ref allocated, allocatedNow);
            time.Advance(TimeSpan.FromSeconds(1));
            for (var i = 0; i < samplesExpected; i++) await samples.WaitAsync(testTimeout);
        }

        await Tick(1 * MiB);
        await Tick(9 * MiB);      // the burst
        await Tick(9 * MiB);      // quiet 1
        trimmer.Collections.ShouldBe(0);
        await Tick(9 * MiB, samplesExpected: 2);   // quiet 2: collect, then the counter is read again
        trimmer.Collections.ShouldBe(1);
        collections.ShouldBe(1);
        await Tick(9 * MiB);
        await Tick(9 * MiB);
        await Tick(9 * MiB);
        trimmer.Collections.ShouldBe(1);   // nothing new to return

        trimmer.Request();        // asked for: the next quiet point collects though nothing was allocated
        await Tick(9 * MiB, samplesExpected: 2);
        trimmer.Collections.ShouldBe(2);
        await Tick(9 * MiB);
        await Tick(9 * MiB);
        trimmer.Collections.ShouldBe(2);   // a request is served once

        await stop.CancelAsync();
        await run.WaitAsync(testTimeout);   // ends without throwing
    }
}
