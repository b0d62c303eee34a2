using Orkestra.ApiMachinery.Meta;
using Orkestra.Runtime.Queues;

namespace Orkestra.Runtime.Controllers;

/// <summary>Tuning of one controller (from the Katalog's <c>operatorBox.reconciler</c>). Immutable.</summary>
public sealed record ControllerOptions
{
    /// <summary>Concurrent reconciles (<c>reconciler.workers</c>, 1–50).</summary>
    public int Workers { get; init; } = 3;

    /// <summary>A reconcile running longer than this is cancelled and counted as a failure.</summary>
    public TimeSpan ReconcileTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Consecutive failures before the operator reports Degraded (<c>queue.failureThreshold</c>).</summary>
    public int FailureThreshold { get; init; } = 5;
}

/// <summary>
/// The worker pool of one operator: takes keys from its <see cref="WorkQueue{TKey}"/>, runs the reconciler with
/// a timeout, and turns every outcome into exactly one queue operation in <see cref="Interpret"/> — the only place
/// that decides retry, requeue or forget. An exception, a timeout or a cancelled reconcile is caught and counted
/// for that key alone; it never stops another key or another operator.
///
/// Workers are async loops on the thread pool (no thread per operator). Concurrency: the queue guarantees a key is
/// held by one worker at a time; <see cref="_consecutiveFailures"/> and <see cref="_active"/> are changed only with
/// Interlocked operations.
/// </summary>
public sealed class Controller
{
    private readonly string _name;
    private readonly IReconciler _reconciler;
    private readonly WorkQueue<ObjectKey> _queue;
    private readonly ControllerOptions _options;
    private readonly IControllerObserver _observer;
    private readonly TimeProvider _time;
    private readonly IKeyFence? _fence;
    private int _active;
    private int _consecutiveFailures;
    private long _succeeded;
    private TaskCompletionSource? _nextOutcome;

    public Controller(string name, IReconciler reconciler, WorkQueue<ObjectKey> queue, ControllerOptions options,
        IControllerObserver? observer = null, TimeProvider? time = null, IKeyFence? fence = null)
    {
        if (options.Workers < 1) throw new ArgumentOutOfRangeException(nameof(options), "workers must be at least 1");
        _name = name;
        _reconciler = reconciler;
        _queue = queue;
        _options = options;
        _observer = observer ?? NoControllerObserver.Instance;
        _time = time ?? TimeProvider.System;
        _fence = fence;
    }

    public string Name => _name;

    public int ActiveWorkers => Volatile.Read(ref _active);

    /// <summary>Reconciles that succeeded since the start.</summary>
    public long Succeeded => Interlocked.Read(ref _succeeded);

    /// <summary>Completes at the next reconcile outcome (success or failure) after this call: take it before reading
    /// <see cref="Health"/>/<see cref="Succeeded"/>, then await it, and no outcome is missed.</summary>
    public Task NextOutcome
    {
        get
        {
            if (Volatile.Read(ref _nextOutcome) is { } pending) return pending.Task;
            var fresh = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return (Interlocked.CompareExchange(ref _nextOutcome, fresh, null) ?? fresh).Task;
        }
    }

    public ControllerHealth Health
    {
        get
        {
            var failures = Volatile.Read(ref _consecutiveFailures);
            return new ControllerHealth(
                _options.FailureThreshold > 0 && failures >= _options.FailureThreshold
                    ? ControllerHealthState.Degraded
                    : ControllerHealthState.Healthy,
                failures);
        }
    }

    /// <summary>
    /// Runs the workers until <paramref name="stopping"/> is cancelled or the queue shuts down. On stop, workers
    /// take no new keys and in-flight reconciles are cancelled after <paramref name="drain"/> (default: at once).
    /// </summary>
    public async Task RunAsync(CancellationToken stopping, TimeSpan? drain = null)
    {
        using var abort = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
        await using var onStop = stopping.Register(() =>
        {
            if (drain is { } grace && grace > TimeSpan.Zero) abort.CancelAfter(grace); else abort.Cancel();
        });
        var workers = new Task[_options.Workers];
        for (var i = 0; i < workers.Length; i++) workers[i] = WorkAsync(stopping, abort.Token);
        await Task.WhenAll(workers).ConfigureAwait(false);
    }

    private async Task WorkAsync(CancellationToken stopping, CancellationToken abort)
    {
        await Task.Yield();
        while (!stopping.IsCancellationRequested)
        {
            Dequeued<ObjectKey> item;
            try
            {
                item = await _queue.TakeAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (!item.Ok) return;
            var fence = CancellationToken.None;
            if (_fence is not null && !_fence.TryEnter(item.Key, out fence))
            {
                // Not ours (a bucket another replica holds): dropped; its holder reconciles it.
                _queue.Forget(item.Key);
                _queue.Done(item.Key);
                continue;
            }
            _observer.WorkersActive(Interlocked.Increment(ref _active));
            try
            {
                await ProcessAsync(item.Key, stopping, abort, fence).ConfigureAwait(false);
            }
            finally
            {
                _fence?.Exit(item.Key);
                _queue.Done(item.Key);
                _observer.WorkersActive(Interlocked.Decrement(ref _active));
            }
        }
    }

    private async Task ProcessAsync(ObjectKey key, CancellationToken stopping, CancellationToken abort, CancellationToken fence)
    {
        var started = _time.GetTimestamp();
        var scope = ReconcileScope.Begin(key);
        using var timeout = new CancellationTokenSource(_options.ReconcileTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, abort, fence);
        ReconcileResult result = default;
        Exception? error = null;
        try
        {
            result = await _reconciler.ReconcileAsync(key, linked.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            error = e;
        }
        // A fenced reconcile (its shard bucket was lost) ends as one at shutdown: no retry here, the new holder has the key.
        var outcome = Interpret(key, result, error, timedOut: timeout.IsCancellationRequested,
            stopping: stopping.IsCancellationRequested || fence.IsCancellationRequested);
        _observer.Reconciled(scope, outcome, _time.GetElapsedTime(started), error);
        if (outcome == ReconcileOutcome.Timeout && _reconciler is IReconcileFailureReporter reporter && !abort.IsCancellationRequested
            && !fence.IsCancellationRequested)
        {
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(10), _time);
            using var report = CancellationTokenSource.CreateLinkedTokenSource(bound.Token, abort, fence);
            var message = $"reconcile timed out after {_options.ReconcileTimeout.TotalSeconds:0.###} s";
            await reporter.ReportFailureAsync(key, message, report.Token).ConfigureAwait(false);
        }
    }

    /// <summary>The one place an outcome becomes a queue operation and a health change.</summary>
    private ReconcileOutcome Interpret(ObjectKey key, ReconcileResult result, Exception? error, bool timedOut, bool stopping)
    {
        if (error is null)
        {
            _queue.Forget(key);
            RecordSuccess();
            if (result.RequeueAfter > TimeSpan.Zero)
            {
                _queue.AddAfter(key, result.RequeueAfter);
                return ReconcileOutcome.Requeue;
            }
            return ReconcileOutcome.Success;
        }
        if (stopping && error is OperationCanceledException)
        {
            // Shutting down: the next leader (or the next start) picks the key up from a fresh list.
            return ReconcileOutcome.Error;
        }
        RecordFailure();
        if (error is TerminalReconcileException)
        {
            _queue.Forget(key);
            return ReconcileOutcome.Terminal;
        }
        if (!_queue.AddRateLimited(key))
        {
            _queue.Forget(key);
            return ReconcileOutcome.GaveUp;
        }
        return timedOut && error is OperationCanceledException ? ReconcileOutcome.Timeout : ReconcileOutcome.Error;
    }

    private void RecordSuccess()
    {
        Interlocked.Increment(ref _succeeded);
        if (Interlocked.Exchange(ref _consecutiveFailures, 0) >= _options.FailureThreshold && _options.FailureThreshold > 0)
            _observer.HealthChanged(Health);
        SignalOutcome();
    }

    private void RecordFailure()
    {
        var failures = Interlocked.Increment(ref _consecutiveFailures);
        if (failures == _options.FailureThreshold) _observer.HealthChanged(Health);
        SignalOutcome();
    }

    private void SignalOutcome()
    {
        if (Volatile.Read(ref _nextOutcome) is not null) Interlocked.Exchange(ref _nextOutcome, null)?.TrySetResult();
    }
}
