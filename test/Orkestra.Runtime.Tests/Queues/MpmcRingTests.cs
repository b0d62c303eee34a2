using System.Collections.Concurrent;
using Orkestra.Runtime.Queues;

namespace Orkestra.Runtime.Tests.Queues;

public class MpmcRingTests
{
    [Test]
    public void Is_fifo_reports_full_and_empty_and_wraps_around()
    {
        var ring = new MpmcRing<string>(4);
        ring.Capacity.ShouldBe(4);
        for (var lap = 0; lap < 3; lap++)
        {
            for (var i = 0; i < 4; i++) ring.TryEnqueue($"{lap}-{i}").ShouldBeTrue();
            ring.TryEnqueue("overflow").ShouldBeFalse();
            ring.Count.ShouldBe(4);
            for (var i = 0; i < 4; i++)
            {
                ring.TryDequeue(out var item).ShouldBeTrue();
                item.ShouldBe($"{lap}-{i}");
            }
            ring.TryDequeue(out _).ShouldBeFalse();
        }
    }

    [Test]
    public void Capacity_rounds_up_to_a_power_of_two() => new MpmcRing<string>(1000).Capacity.ShouldBe(1024);

    [Test]
    public async Task Many_producers_and_consumers_deliver_every_item_exactly_once()
    {
        const int producers = 4, perProducer = 20_000;
        var ring = new MpmcRing<object>(64);
        var seen = new ConcurrentDictionary<object, int>();
        var items = Enumerable.Range(0, producers * perProducer).Select(i => (object)i).ToArray();
        var produced = 0;
        var consumed = 0;
        var producing = Enumerable.Range(0, producers).Select(p => Task.Run(() =>
        {
            for (var i = 0; i < perProducer; i++)
            {
                var item = items[p * perProducer + i];
                var spin = new SpinWait();
                while (!ring.TryEnqueue(item)) spin.SpinOnce();
                Interlocked.Increment(ref produced);
            }
        })).ToArray();
        var consuming = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            var spin = new SpinWait();
            while (Volatile.Read(ref consumed) < items.Length)
            {
                if (ring.TryDequeue(out var item))
                {
                    seen.AddOrUpdate(item, 1, (_, n) => n + 1);
                    Interlocked.Increment(ref consumed);
                }
                else spin.SpinOnce();
            }
        })).ToArray();
        await Task.WhenAll(producing.Concat(consuming)).Within(TimeSpan.FromSeconds(60));
        seen.Count.ShouldBe(items.Length);
        seen.Values.ShouldAllBe(n => n == 1);
    }
}
