using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Orkestra.Runtime.Observability;
using Orkestra.Runtime.Reconciliation;

namespace Orkestra.Runtime.Tests.Observability;

public class EventRecorderTests
{
    private sealed class Sink : IEventSink
    {
        public readonly List<JsonObject> Created = [];
        public readonly List<(string Name, int Count)> Updates = [];
        public ValueTask CreateAsync(JsonObject ev, CancellationToken cancellation)
        {
            Created.Add(ev);
            return ValueTask.CompletedTask;
        }

        public ValueTask UpdateCountAsync(string ns, string name, int count, DateTimeOffset lastTimestamp, CancellationToken cancellation)
        {
            Updates.Add((name, count));
            return ValueTask.CompletedTask;
        }
    }

    private static readonly ObjectRef Cr = new("demo.io/v1", "Website", "default", "hello");

    /// <summary>An API server answering every write after one second (on the manual clock).</summary>
    private sealed class OneSecondSink(TimeProvider time) : IEventSink
    {
        public int Created;

        public async ValueTask CreateAsync(JsonObject ev, CancellationToken cancellation)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), time, cancellation);
            Interlocked.Increment(ref Created);
        }

        public async ValueTask UpdateCountAsync(string ns, string name, int count, DateTimeOffset lastTimestamp, CancellationToken cancellation) =>
            await Task.Delay(TimeSpan.FromSeconds(1), time, cancellation);
    }

    [Test]
    public async Task The_final_flush_ends_at_its_bound_and_counts_what_it_could_not_write()
    {
        var time = new ManualTimeProvider();
        var sink = new OneSecondSink(time);
        var recorder = new EventRecorder(sink, time);
        using var stop = new CancellationTokenSource();
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(3), time);
        stop.Cancel();
        for (var i = 0; i < 30; i++) recorder.Record(Cr, "u", EventType.Normal, "Created", $"created ConfigMap c{i}");
        var pump = recorder.RunAsync(stop.Token, bound.Token);
        for (var s = 0; s < 3 && !pump.IsCompleted; s++)
        {
            await Bounded.UntilAsync(() => time.PendingTimers >= 2 || pump.IsCompleted, "the next write to wait on the clock");
            time.Advance(TimeSpan.FromSeconds(1));
        }
        await pump.Within();
        sink.Created.ShouldBeInRange(2, 3, "one write per second until the bound");
        (sink.Created + recorder.Dropped).ShouldBeInRange(29, 30, "the rest is dropped and counted (a write cut at the bound is lost)");
    }

    [Test]
    public async Task Creates_a_core_v1_event_on_the_cr()
    {
        var sink = new Sink();
        var recorder = new EventRecorder(sink, new ManualTimeProvider(), instance: "test");
        recorder.Record(Cr, "u-1", EventType.Normal, "Created", "created Deployment hello");
        await recorder.FlushAsync(default);
        var ev = sink.Created.ShouldHaveSingleItem();
        ((string)ev["involvedObject"]!["uid"]!).ShouldBe("u-1");
        ((string)ev["involvedObject"]!["kind"]!).ShouldBe("Website");
        ((string)ev["reason"]!).ShouldBe("Created");
        ((string)ev["type"]!).ShouldBe("Normal");
        ((string)ev["metadata"]!["namespace"]!).ShouldBe("default");
        ((int)ev["count"]!).ShouldBe(1);
    }

    [Test]
    public async Task Repeats_aggregate_into_one_event_with_rate_limited_count_updates()
    {
        var time = new ManualTimeProvider();
        var sink = new Sink();
        var recorder = new EventRecorder(sink, time) { MinUpdateInterval = TimeSpan.FromSeconds(10) };
        for (var i = 0; i < 100; i++)
        {
            recorder.Record(Cr, "u", EventType.Warning, "ReconcileError", "boom");
            await recorder.DrainAsync(default);
            time.Advance(TimeSpan.FromSeconds(1));
        }
        sink.Created.Count.ShouldBe(1, "one Event for the whole storm");
        sink.Updates.Count.ShouldBeInRange(9, 11, "at most one count update per 10 s over 100 s");
        await recorder.FlushAsync(default);
        sink.Updates.Last().Count.ShouldBe(100, "the final count is carried, nothing is lost");
    }

    [Test]
    public async Task A_different_message_or_an_expired_window_starts_a_new_event()
    {
        var time = new ManualTimeProvider();
        var sink = new Sink();
        var recorder = new EventRecorder(sink, time) { AggregationWindow = TimeSpan.FromMinutes(10) };
        recorder.Record(Cr, "u", EventType.Normal, "Updated", "a");
        recorder.Record(Cr, "u", EventType.Normal, "Updated", "b");
        await recorder.FlushAsync(default);
        time.Advance(TimeSpan.FromMinutes(11));
        recorder.Record(Cr, "u", EventType.Normal, "Updated", "a");
        await recorder.FlushAsync(default);
        sink.Created.Select(e => (string)e["message"]!).ShouldBe(["a", "b", "a"]);
        sink.Created.Select(e => (string)e["metadata"]!["name"]!).Distinct().Count().ShouldBe(3);
    }

    [Test]
    public async Task Series_are_forgotten_once_their_window_has_passed()
    {
        var time = new ManualTimeProvider();
        var sink = new Sink();
        var recorder = new EventRecorder(sink, time) { AggregationWindow = TimeSpan.FromMinutes(10) };
        for (var i = 0; i < 50; i++) recorder.Record(Cr with { Name = $"cr-{i}" }, "u", EventType.Normal, "Created", "created Deployment x");
        recorder.Record(Cr, "u", EventType.Warning, "Created", "created Deployment x");   // same text, other type: its own series
        await recorder.FlushAsync(default);
        recorder.SeriesCount.ShouldBe(51);

        time.Advance(TimeSpan.FromMinutes(5));
        recorder.Record(Cr, "u", EventType.Normal, "Updated", "updated Service y");
        await recorder.FlushAsync(default);
        recorder.SeriesCount.ShouldBe(52, "nothing has expired yet");

        time.Advance(TimeSpan.FromMinutes(6));   // the first 51 are 11 minutes old, the last one 6
        recorder.Record(Cr, "u", EventType.Normal, "Updated", "updated Service z");
        await recorder.FlushAsync(default);
        recorder.SeriesCount.ShouldBe(2);
        sink.Created.Count.ShouldBe(53);
    }

    [Test]
    public async Task Recording_never_blocks_and_drops_the_oldest_when_the_pump_falls_behind()
    {
        var sink = new Sink();
        var recorder = new EventRecorder(sink, new ManualTimeProvider(), capacity: 8);
        for (var i = 0; i < 20; i++) recorder.Record(Cr, "u", EventType.Normal, "R", $"m{i}");
        recorder.Dropped.ShouldBe(12);
        await recorder.FlushAsync(default);
        sink.Created.Select(e => (string)e["message"]!).ShouldBe(Enumerable.Range(12, 8).Select(i => $"m{i}"));
    }

    /// <summary>The running pump meets the failure: the first write fails inside it, and the next record is still
    /// written by the same pump before it is stopped (not by the flush on the way out).</summary>
    [Test]
    public async Task A_failing_sink_does_not_stop_the_pump()
    {
        var sink = new FailingOnceSink();
        var recorder = new EventRecorder(sink, new ManualTimeProvider());
        using var stop = new CancellationTokenSource();
        var pump = recorder.RunAsync(stop.Token);
        recorder.Record(Cr, "u", EventType.Normal, "R", "lost");
        await sink.Failed.Task.Within();
        recorder.Record(Cr, "u", EventType.Normal, "R", "kept");
        (await sink.Written.Task.Within()).ShouldBe("kept");
        pump.IsCompleted.ShouldBeFalse("the pump still runs after the failed write");
        await stop.CancelAsync();
        await pump.Within();
        sink.Attempts.ShouldBe(["lost", "kept"]);
    }

    /// <summary>A sink whose first create fails (as an API that is down does) and whose later creates succeed.</summary>
    private sealed class FailingOnceSink : IEventSink
    {
        private readonly ConcurrentQueue<string> _attempts = new();

        public TaskCompletionSource Failed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<string> Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyList<string> Attempts => _attempts.ToArray();

        public ValueTask CreateAsync(JsonObject ev, CancellationToken cancellation)
        {
            var message = (string)ev["message"]!;
            _attempts.Enqueue(message);
            if (Failed.TrySetResult()) throw new HttpRequestException("api down");
            Written.TrySetResult(message);
            return ValueTask.CompletedTask;
        }

        public ValueTask UpdateCountAsync(string ns, string name, int count, DateTimeOffset lastTimestamp,
            CancellationToken cancellation) => ValueTask.CompletedTask;
    }

    [Test]
    public async Task Stopping_the_pump_while_it_writes_an_event_still_writes_that_event()
    {
        var sink = new SlowSink();
        var recorder = new EventRecorder(sink, new ManualTimeProvider());
        using var stop = new CancellationTokenSource();
        var pump = recorder.RunAsync(stop.Token);
        recorder.Record(Cr, "u", EventType.Normal, "Created", "in flight at shutdown");
        await sink.Entered.Task.WaitAsync(Bounded.Default);
        await stop.CancelAsync();
        sink.Release.SetResult();
        await pump.WaitAsync(Bounded.Default);
        sink.Created.ShouldBe(["in flight at shutdown"]);
    }

    /// <summary>A sink whose create waits for the test, honouring cancellation like an HTTP request.</summary>
    private sealed class SlowSink : IEventSink
    {
        public readonly TaskCompletionSource Entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly TaskCompletionSource Release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly List<string> Created = [];

        public async ValueTask CreateAsync(JsonObject ev, CancellationToken cancellation)
        {
            Entered.TrySetResult();
            await Release.Task.WaitAsync(cancellation);
            Created.Add((string)ev["message"]!);
        }

        public ValueTask UpdateCountAsync(string ns, string name, int count, DateTimeOffset lastTimestamp, CancellationToken cancellation) =>
            ValueTask.CompletedTask;
    }
}
