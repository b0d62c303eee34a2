using System.Collections.Concurrent;
using Orkestra.Runtime.Queues;

namespace Orkestra.Runtime.Tests.Queues;

/// <summary>The work queue's written guarantees (see WorkQueue.cs), one test per guarantee, plus stress.</summary>
public class WorkQueueTests
{
    private static async Task<string> Take(WorkQueue<string> queue)
    {
        var item = await queue.TakeAsync().Within();
        item.Ok.ShouldBeTrue();
        return item.Key;
    }

    private static async Task ShouldBeEmpty(WorkQueue<string> queue)
    {
        queue.Depth.ShouldBe(0);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        await Should.ThrowAsync<OperationCanceledException>(async () => await queue.TakeAsync(cts.Token));
    }

    [Test]
    public async Task Hands_out_keys_in_the_order_they_were_added()
    {
        using var queue = new WorkQueue<string>();
        foreach (var k in new[] { "a", "b", "c" }) queue.Add(k);
        (await Take(queue)).ShouldBe("a");
        (await Take(queue)).ShouldBe("b");
        (await Take(queue)).ShouldBe("c");
    }

    [Test]
    public async Task In_flight_reports_the_sum_and_the_longest_time_keys_have_been_held()
    {
        var time = new ManualTimeProvider();
        using var queue = new WorkQueue<string>(time: time);
        queue.Add("a"); queue.Add("b"); queue.Add("c");
        await Take(queue);
        time.Advance(TimeSpan.FromSeconds(3));
        await Take(queue);
        time.Advance(TimeSpan.FromSeconds(2));
        queue.InFlight().ShouldBe((TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(5)));   // a: 5 s, b: 2 s, c waiting
        queue.Done("a");
        queue.InFlight().ShouldBe((TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2)));
        queue.Done("b");
        queue.InFlight().ShouldBe((TimeSpan.Zero, TimeSpan.Zero));
    }

    [Test]
    public async Task Repeated_adds_of_a_waiting_key_collapse()
    {
        using var queue = new WorkQueue<string>();
        queue.Add("a"); queue.Add("b"); queue.Add("a"); queue.Add("a");
        queue.Depth.ShouldBe(2);
        (await Take(queue)).ShouldBe("a");
        (await Take(queue)).ShouldBe("b");
        queue.Done("a"); queue.Done("b");
        await ShouldBeEmpty(queue);
    }

    [Test]
    public async Task A_key_added_while_held_is_not_handed_out_until_done_and_then_runs_again()
    {
        using var queue = new WorkQueue<string>();
        queue.Add("a");
        (await Take(queue)).ShouldBe("a");
        queue.Add("a");
        queue.Add("a");
        queue.Depth.ShouldBe(0);
        queue.Done("a");
        queue.Depth.ShouldBe(1);
        (await Take(queue)).ShouldBe("a");
        queue.Done("a");
        await ShouldBeEmpty(queue);
    }

    [Test]
    public async Task A_full_ring_spills_over_without_losing_a_key_or_the_order()
    {
        using var queue = new WorkQueue<string>(capacity: 4);
        var keys = Enumerable.Range(0, 100).Select(i => $"k{i:D3}").ToArray();
        foreach (var k in keys) queue.Add(k);
        queue.Depth.ShouldBe(100);
        var taken = new List<string>();
        for (var i = 0; i < keys.Length; i++) taken.Add(await Take(queue));
        taken.ShouldBe(keys);
    }

    [Test]
    public void Done_for_a_key_nobody_holds_is_a_programming_error()
    {
        using var queue = new WorkQueue<string>();
        Should.Throw<InvalidOperationException>(() => queue.Done("ghost"));
        queue.Add("a");
        Should.Throw<InvalidOperationException>(() => queue.Done("a")).Message.ShouldContain("no worker holds");
    }

    [Test]
    public async Task Rate_limited_adds_back_off_exponentially_up_to_the_cap()
    {
        var time = new ManualTimeProvider();
        using var queue = new WorkQueue<string>(retry: new RetryPolicy(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), 2, 0), time: time);
        var expected = new[] { 1, 2, 3, 3 };
        foreach (var seconds in expected)
        {
            queue.AddRateLimited("a").ShouldBeTrue();
            time.Advance(TimeSpan.FromSeconds(seconds) - TimeSpan.FromMilliseconds(1));
            queue.Depth.ShouldBe(0, $"still waiting before {seconds}s");
            time.Advance(TimeSpan.FromMilliseconds(1));
            queue.Depth.ShouldBe(1, $"ready after {seconds}s");
            (await Take(queue)).ShouldBe("a");
            queue.Done("a");
        }
        queue.Failures("a").ShouldBe(4);
        queue.Forget("a");
        queue.Failures("a").ShouldBe(0);
        queue.AddRateLimited("a").ShouldBeTrue();
        time.Advance(TimeSpan.FromSeconds(1));
        queue.Depth.ShouldBe(1);
    }

    [Test]
    public void Rate_limited_adds_give_up_after_max_attempts()
    {
        var time = new ManualTimeProvider();
        using var queue = new WorkQueue<string>(retry: new RetryPolicy(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), 2, 2), time: time);
        queue.AddRateLimited("a").ShouldBeTrue();
        queue.AddRateLimited("a").ShouldBeTrue();
        queue.AddRateLimited("a").ShouldBeFalse();
    }

    [Test]
    public void The_earliest_of_several_delayed_adds_wins_and_the_later_one_does_not_fire_again()
    {
        var time = new ManualTimeProvider();
        using var queue = new WorkQueue<string>(time: time);
        queue.AddAfter("a", TimeSpan.FromSeconds(5));
        queue.AddAfter("a", TimeSpan.FromSeconds(1));
        queue.AddAfter("a", TimeSpan.FromSeconds(3));
        time.Advance(TimeSpan.FromSeconds(1));
        queue.Depth.ShouldBe(1);
        time.Advance(TimeSpan.FromSeconds(10));
        queue.Depth.ShouldBe(1);
        time.PendingTimers.ShouldBe(0);
    }

    [Test]
    public async Task Shutting_down_releases_waiting_workers_and_cancels_delays()
    {
        var time = new ManualTimeProvider();
        var queue = new WorkQueue<string>(time: time);
        queue.AddAfter("later", TimeSpan.FromSeconds(1));
        var waiting = queue.TakeAsync();
        queue.ShutDown();
        (await waiting.Within()).Ok.ShouldBeFalse();
        (await queue.TakeAsync().Within()).Ok.ShouldBeFalse();
        time.PendingTimers.ShouldBe(0);
        queue.Add("x");
        queue.Depth.ShouldBe(0);
    }

    [Test]
    public async Task Removing_an_idle_key_drops_its_state_and_a_later_add_starts_fresh()
    {
        using var queue = new WorkQueue<string>();
        queue.Add("a");
        queue.Remove("a").ShouldBeFalse("a queued key is not removed");
        (await Take(queue)).ShouldBe("a");
        queue.Remove("a").ShouldBeFalse("a held key is not removed");
        queue.Done("a");
        queue.Remove("a").ShouldBeTrue();
        queue.KeyCount.ShouldBe(0);
        queue.Add("a");
        (await Take(queue)).ShouldBe("a");
    }

    /// <summary>
    /// Stress with real interleaving: producers and workers start together (every worker is waiting for a key
    /// before the first add), and after every 250 adds each producer waits (bounded) until the workers have
    /// finished more keys, so adds keep meeting keys that workers hold and keys keep cycling
    /// Idle → Queued → Processing → Idle while the producers run.
    /// Asserts (1) no key is ever held by two workers at once, (2) no add is lost: every key is processed after
    /// its last add, and (3) the run interleaved: adds met held keys (without that, (1) and (2) prove little).
    /// </summary>
    [Test]
    public async Task Under_contention_no_key_is_processed_twice_at_once_and_no_add_is_lost()
    {
        const int keyCount = 64, producers = 6, addsPerProducer = 5_000, workers = 8, batch = 250;
        using var queue = new WorkQueue<string>(capacity: 16);
        var keys = Enumerable.Range(0, keyCount).Select(i => $"ns/obj-{i}").ToArray();
        var lastAdd = new long[keyCount];        // version of the newest add per key
        var seenAtTake = new long[keyCount];     // newest version a worker had observed when it took the key
        var held = new ConcurrentDictionary<string, byte>();
        var violations = 0;
        long version = 0, processed = 0, addsToHeldKeys = 0;
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var workersWaiting = new CountdownEvent(workers);

        using var stop = new CancellationTokenSource();
        var working = Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            var first = true;
            while (true)
            {
                Dequeued<string> item;
                try
                {
                    var take = queue.TakeAsync(stop.Token);
                    if (first) workersWaiting.Signal();
                    first = false;
                    item = await take;
                }
                catch (OperationCanceledException) { return; }
                if (!item.Ok) return;
                var k = Array.IndexOf(keys, item.Key);
                if (!held.TryAdd(item.Key, (byte)0)) Interlocked.Increment(ref violations);
                InterlockedMax(ref seenAtTake[k], Volatile.Read(ref lastAdd[k]));
                await Task.Yield();   // hold the key across a turn of the thread pool: producers add meanwhile
                held.TryRemove(item.Key, out byte _);
                queue.Done(item.Key);
                Interlocked.Increment(ref processed);
            }
        })).ToArray();

        var producing = Enumerable.Range(0, producers).Select(p => Task.Run(async () =>
        {
            await go.Task;
            var random = new Random(p);
            for (var i = 0; i < addsPerProducer; i++)
            {
                if (i % batch == batch - 1)
                {
                    var before = Volatile.Read(ref processed);
                    await Bounded.UntilAsync(() => Volatile.Read(ref processed) >= before + workers,
                        "the workers to finish more keys meanwhile");
                }
                var k = random.Next(keyCount);
                var v = Interlocked.Increment(ref version);
                InterlockedMax(ref lastAdd[k], v);
                if (held.ContainsKey(keys[k])) Interlocked.Increment(ref addsToHeldKeys);
                queue.Add(keys[k]);
            }
        })).ToArray();

        workersWaiting.Wait(Bounded.Default).ShouldBeTrue("every worker waits for a key before the first add");
        go.SetResult();
        await Task.WhenAll(producing).Within(TimeSpan.FromSeconds(60));
        // Drain: every key must be processed after its last add (bounded).
        bool AllProcessedAfterLastAdd() =>
            Enumerable.Range(0, keyCount).All(k => Volatile.Read(ref seenAtTake[k]) >= Volatile.Read(ref lastAdd[k]));
        await Bounded.UntilAsync(AllProcessedAfterLastAdd, "every key processed after its last add (keys were lost otherwise)");
        await stop.CancelAsync();
        queue.ShutDown();
        await Task.WhenAll(working).Within();
        violations.ShouldBe(0, "a key was handed to a second worker while one held it");
        Interlocked.Read(ref addsToHeldKeys).ShouldBeGreaterThan(0, "adds met keys that workers held");
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current) return;
            current = seen;
        }
    }
}
