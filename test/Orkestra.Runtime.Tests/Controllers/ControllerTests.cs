using System.Collections.Concurrent;
using System.Threading.Channels;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Runtime.Controllers;
using Orkestra.Runtime.Queues;

namespace Orkestra.Runtime.Tests.Controllers;

public class ControllerTests
{
    private sealed class Recorder : IControllerObserver
    {
        public readonly Channel<(ObjectKey Key, ReconcileOutcome Outcome, Exception? Error)> Outcomes = Channel.CreateUnbounded<(ObjectKey, ReconcileOutcome, Exception?)>();
        public readonly ConcurrentQueue<ControllerHealth> Health = new();
        public void WorkersActive(int active) { }
        public readonly ConcurrentQueue<ReconcileScope> Scopes = new();
        public void Reconciled(ReconcileScope reconcile, ReconcileOutcome outcome, TimeSpan duration, Exception? error)
        {
            Scopes.Enqueue(reconcile);
            Outcomes.Writer.TryWrite((reconcile.Key, outcome, error));
        }
        public void HealthChanged(ControllerHealth health) => Health.Enqueue(health);

        public async Task<(ObjectKey Key, ReconcileOutcome Outcome, Exception? Error)> Next() =>
            await Outcomes.Reader.ReadAsync().AsTask().WaitAsync(Bounded.Default);
    }

    private sealed class Scripted(Func<ObjectKey, int, CancellationToken, ValueTask<ReconcileResult>> body) : IReconciler
    {
        private readonly ConcurrentDictionary<ObjectKey, int> _calls = new();
        public int Calls(ObjectKey key) => _calls.GetValueOrDefault(key);
        public ValueTask<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellation) =>
            body(key, _calls.AddOrUpdate(key, 1, (_, n) => n + 1), cancellation);
    }

    private sealed class Reporting(Scripted inner) : IReconciler, IReconcileFailureReporter
    {
        public readonly Channel<(ObjectKey Key, string Message)> Reports = Channel.CreateUnbounded<(ObjectKey, string)>();
        public ValueTask<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellation) => inner.ReconcileAsync(key, cancellation);
        public ValueTask ReportFailureAsync(ObjectKey key, string message, CancellationToken cancellation)
        {
            Reports.Writer.TryWrite((key, message));
            return ValueTask.CompletedTask;
        }
    }

    private sealed class Harness : IAsyncDisposable
    {
        public readonly ManualTimeProvider Time = new();
        public readonly Recorder Observer = new();
        public readonly WorkQueue<ObjectKey> Queue;
        public readonly Controller Controller;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _running;

        public Harness(IReconciler reconciler, ControllerOptions? options = null)
        {
            Queue = new WorkQueue<ObjectKey>(retry: new RetryPolicy(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), 2, 0), time: Time);
            Controller = new Controller("test", reconciler, Queue, options ?? new ControllerOptions { Workers = 2 }, Observer, Time);
            _running = Controller.RunAsync(_stop.Token);
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            Queue.ShutDown();
            await _running.WaitAsync(Bounded.Default);
        }
    }

    private static readonly ObjectKey A = new("default", "a");
    private static readonly ObjectKey B = new("default", "b");

    [Test]
    public async Task A_success_is_forgotten_and_not_run_again()
    {
        var reconciler = new Scripted((_, _, _) => ValueTask.FromResult(ReconcileResult.Done));
        await using var h = new Harness(reconciler);
        h.Queue.Add(A);
        (await h.Observer.Next()).Outcome.ShouldBe(ReconcileOutcome.Success);
        h.Time.Advance(TimeSpan.FromHours(1));
        h.Queue.Depth.ShouldBe(0);
        reconciler.Calls(A).ShouldBe(1);
    }

    [Test]
    public async Task Each_reconcile_has_its_own_scope_that_the_reconciler_records_writes_into()
    {
        var reconciler = new Scripted((key, call, _) =>
        {
            var scope = ReconcileScope.Current.ShouldNotBeNull();
            scope.Key.ShouldBe(key);
            if (call == 1) scope.Changed("created", "Deployment " + key.Name);
            return ValueTask.FromResult(ReconcileResult.Done);
        });
        await using var h = new Harness(reconciler);
        h.Queue.Add(A);
        await h.Observer.Next();
        h.Queue.Add(A);
        await h.Observer.Next();
        var scopes = h.Observer.Scopes.ToArray();
        scopes.Length.ShouldBe(2);
        scopes[0].Changes.ShouldBe(["created Deployment a"]);
        scopes[1].Changes.ShouldBeEmpty();
        Guid.TryParse(scopes[0].Id, out _).ShouldBeTrue();
        scopes[1].Id.ShouldNotBe(scopes[0].Id);
        ReconcileScope.Current.ShouldBeNull();   // the test's own flow is outside any reconcile
    }

    [Test]
    public async Task RequeueAfter_runs_the_key_again_after_the_delay()
    {
        var reconciler = new Scripted((_, _, _) => ValueTask.FromResult(ReconcileResult.After(TimeSpan.FromSeconds(30))));
        await using var h = new Harness(reconciler);
        h.Queue.Add(A);
        (await h.Observer.Next()).Outcome.ShouldBe(ReconcileOutcome.Requeue);
        h.Time.Advance(TimeSpan.FromSeconds(29));
        h.Queue.Depth.ShouldBe(0);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        (await h.Observer.Next()).Outcome.ShouldBe(ReconcileOutcome.Requeue);
        reconciler.Calls(A).ShouldBe(2);
    }

    [Test]
    public async Task An_exception_is_retried_with_backoff_and_a_success_resets_the_failures()
    {
        var reconciler = new Scripted((_, call, _) => call < 3 ? throw new InvalidOperationException($"boom {call}") : ValueTask.FromResult(ReconcileResult.Done));
        await using var h = new Harness(reconciler);
        h.Queue.Add(A);
        var first = await h.Observer.Next();
        first.Outcome.ShouldBe(ReconcileOutcome.Error);
        first.Error!.Message.ShouldBe("boom 1");
        h.Controller.Health.ConsecutiveFailures.ShouldBe(1);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        (await h.Observer.Next()).Outcome.ShouldBe(ReconcileOutcome.Error);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        h.Queue.Depth.ShouldBe(0, "the second retry waits 2s");
        h.Time.Advance(TimeSpan.FromSeconds(1));
        (await h.Observer.Next()).Outcome.ShouldBe(ReconcileOutcome.Success);
        h.Controller.Health.ConsecutiveFailures.ShouldBe(0);
        h.Queue.Failures(A).ShouldBe(0);
    }

    [Test]
    public async Task A_terminal_failure_is_not_retried()
    {
        var reconciler = new Scripted((_, _, _) => throw new TerminalReconcileException("denied by rule"));
        await using var h = new Harness(reconciler);
        h.Queue.Add(A);
        (await h.Observer.Next()).Outcome.ShouldBe(ReconcileOutcome.Terminal);
        h.Time.Advance(TimeSpan.FromHours(1));
        h.Queue.Depth.ShouldBe(0);
        reconciler.Calls(A).ShouldBe(1);
    }

    [Test]
    public async Task A_reconcile_that_overruns_its_timeout_is_cancelled_counted_and_retried()
    {
        var reconciler = new Scripted(async (_, call, ct) =>
        {
            if (call == 1) await Task.Delay(Timeout.Infinite, ct);
            return ReconcileResult.Done;
        });
        await using var h = new Harness(reconciler, new ControllerOptions { Workers = 1, ReconcileTimeout = TimeSpan.FromSeconds(10) });
        h.Queue.Add(A);
        await WaitUntil(() => reconciler.Calls(A) == 1);
        h.Time.Advance(TimeSpan.FromSeconds(10));
        (await h.Observer.Next()).Outcome.ShouldBe(ReconcileOutcome.Timeout);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        (await h.Observer.Next()).Outcome.ShouldBe(ReconcileOutcome.Success);
    }

    [Test]
    public async Task A_timed_out_reconcile_is_reported_to_a_reconciler_that_can_show_it()
    {
        var scripted = new Scripted(async (_, call, ct) =>
        {
            if (call == 1) await Task.Delay(Timeout.Infinite, ct);
            return ReconcileResult.Done;
        });
        var reconciler = new Reporting(scripted);
        await using var h = new Harness(reconciler, new ControllerOptions { Workers = 1, ReconcileTimeout = TimeSpan.FromSeconds(10) });
        h.Queue.Add(A);
        await WaitUntil(() => scripted.Calls(A) == 1);
        h.Time.Advance(TimeSpan.FromSeconds(10));
        (await h.Observer.Next()).Outcome.ShouldBe(ReconcileOutcome.Timeout);
        (await reconciler.Reports.Reader.ReadAsync().AsTask().WaitAsync(Bounded.Default)).ShouldBe((A, "reconcile timed out after 10 s"));
    }

    [Test]
    public async Task Consecutive_failures_degrade_the_operator_and_a_success_heals_it()
    {
        var fail = true;
        var reconciler = new Scripted((_, _, _) => Volatile.Read(ref fail) ? throw new InvalidOperationException("x") : ValueTask.FromResult(ReconcileResult.Done));
        await using var h = new Harness(reconciler, new ControllerOptions { Workers = 1, FailureThreshold = 2 });
        h.Queue.Add(A);
        await h.Observer.Next();
        h.Controller.Health.State.ShouldBe(ControllerHealthState.Healthy);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        await h.Observer.Next();
        h.Controller.Health.State.ShouldBe(ControllerHealthState.Degraded);
        Volatile.Write(ref fail, false);
        h.Time.Advance(TimeSpan.FromSeconds(2));
        (await h.Observer.Next()).Outcome.ShouldBe(ReconcileOutcome.Success);
        h.Controller.Health.State.ShouldBe(ControllerHealthState.Healthy);
        h.Observer.Health.Select(x => x.State).ShouldBe([ControllerHealthState.Degraded, ControllerHealthState.Healthy]);
    }

    [Test]
    public async Task A_key_that_always_fails_does_not_hold_up_the_others()
    {
        var reconciler = new Scripted((key, _, _) => key == A ? throw new InvalidOperationException("bad") : ValueTask.FromResult(ReconcileResult.Done));
        await using var h = new Harness(reconciler, new ControllerOptions { Workers = 1 });
        h.Queue.Add(A);
        var others = Enumerable.Range(0, 20).Select(i => new ObjectKey("default", $"ok-{i}")).ToArray();
        foreach (var k in others) h.Queue.Add(k);
        var succeeded = 0;
        for (var i = 0; i < 21; i++)
        {
            var (_, outcome, _) = await h.Observer.Next();
            if (outcome == ReconcileOutcome.Success) succeeded++;
        }
        succeeded.ShouldBe(20);
    }

    [Test]
    public async Task No_key_is_reconciled_by_two_workers_at_once()
    {
        var inFlight = new ConcurrentDictionary<ObjectKey, byte>();
        var violations = 0;
        var reconciler = new Scripted(async (key, _, _) =>
        {
            if (!inFlight.TryAdd(key, 0)) Interlocked.Increment(ref violations);
            await Task.Yield();
            inFlight.TryRemove(key, out byte _);
            return ReconcileResult.Done;
        });
        await using var h = new Harness(reconciler, new ControllerOptions { Workers = 8 });
        var keys = Enumerable.Range(0, 8).Select(i => new ObjectKey("ns", $"k{i}")).ToArray();
        var adds = Task.Run(() =>
        {
            var random = new Random(7);
            for (var i = 0; i < 20_000; i++) h.Queue.Add(keys[random.Next(keys.Length)]);
        });
        await adds.WaitAsync(Bounded.Default);
        await WaitUntil(() => h.Queue.Depth == 0 && h.Controller.ActiveWorkers == 0);
        violations.ShouldBe(0);
        keys.Sum(reconciler.Calls).ShouldBeGreaterThanOrEqualTo(keys.Length);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Bounded.Default;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("condition not reached in time");
            await Task.Delay(2);
        }
    }
}
