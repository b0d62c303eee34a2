using Orkestra.Runtime.Controllers;
using Orkestra.Runtime.Queues;
using Prometheus;

namespace Orkestra.Runtime.Observability;

/// <summary>
/// One operator's view of <see cref="RuntimeMetrics"/>: feeds its work queue and controller events into the
/// labelled series for its CRD (<c>crd</c> for Orkestra's names, <c>controller</c> and <c>name</c> for
/// controller-runtime's and client-go's; the value is the CRD's name in the Katalog). Created when the operator starts;
/// every series exists from then on, at zero. Thread-safe (prometheus-net children are).
/// </summary>
public sealed class OperatorMetrics : IWorkQueueMetrics, IControllerObserver
{
    private readonly Counter.Child _success, _failure, _noop, _adds, _retries, _crErrors;
    private readonly Counter.Child _crSuccess, _crError, _crRequeueAfter;
    private readonly Histogram.Child _duration, _crTime, _latency, _work;
    private readonly Gauge.Child _queueDepth, _workqueueDepth, _workers, _crWorkers, _resources, _healthy, _unfinished, _longest;

    internal OperatorMetrics(RuntimeMetrics metrics, string crd, int workers)
    {
        Crd = crd;
        _success = metrics.ReconcileTotal.WithLabels(crd, "success");
        _failure = metrics.ReconcileTotal.WithLabels(crd, "failure");
        _duration = metrics.ReconcileDuration.WithLabels(crd);
        _queueDepth = metrics.QueueDepth.WithLabels(crd);
        _workers = metrics.WorkersActive.WithLabels(crd);
        _resources = metrics.ResourceCount.WithLabels(crd);
        _healthy = metrics.Healthy.WithLabels(crd);
        _noop = metrics.ReconcileNoop.WithLabels(crd);

        // controller-runtime creates every result at zero; "requeue" (Requeue without a delay) has no Katalog form.
        var results = RuntimeMetrics.ControllerRuntimeResults.Select(r => metrics.CrReconcileTotal.WithLabels(crd, r)).ToArray();
        (_crSuccess, _crError, _crRequeueAfter) = (results[0], results[1], results[3]);
        _crErrors = metrics.CrReconcileErrors.WithLabels(crd);
        _crTime = metrics.CrReconcileTime.WithLabels(crd);
        _crWorkers = metrics.CrActiveWorkers.WithLabels(crd);
        metrics.MaxConcurrentReconciles.WithLabels(crd).Set(workers);

        _workqueueDepth = metrics.WorkqueueDepth.WithLabels(crd);
        _adds = metrics.WorkqueueAdds.WithLabels(crd);
        _latency = metrics.WorkqueueLatency.WithLabels(crd);
        _work = metrics.WorkqueueWork.WithLabels(crd);
        _retries = metrics.WorkqueueRetries.WithLabels(crd);
        _unfinished = metrics.WorkqueueUnfinished.WithLabels(crd);
        _longest = metrics.WorkqueueLongest.WithLabels(crd);
        _unfinished.Set(0);
        _longest.Set(0);
        _healthy.Set(1);
        metrics.Registry.AddBeforeCollectCallback(Sample);
    }

    public string Crd { get; }

    private Func<(TimeSpan Unfinished, TimeSpan Longest)>? _inFlight;

    /// <summary>Where the in-flight gauges (<c>workqueue_unfinished_work_seconds</c>,
    /// <c>workqueue_longest_running_processor_seconds</c>) are read from at each scrape: the operator's queue.</summary>
    public void SampleInFlightFrom(Func<(TimeSpan Unfinished, TimeSpan Longest)> inFlight) => _inFlight = inFlight;

    private void Sample()
    {
        if (_inFlight is not { } inFlight) return;
        var (unfinished, longest) = inFlight();
        _unfinished.Set(unfinished.TotalSeconds);
        _longest.Set(longest.TotalSeconds);
    }

    public void ResourceCount(int count) => _resources.Set(count);

    void IWorkQueueMetrics.Added() => _adds.Inc();
    void IWorkQueueMetrics.DepthChanged(int depth)
    {
        _queueDepth.Set(depth);
        _workqueueDepth.Set(depth);
    }
    void IWorkQueueMetrics.Waited(TimeSpan latency) => _latency.Observe(latency.TotalSeconds);
    void IWorkQueueMetrics.Worked(TimeSpan duration) => _work.Observe(duration.TotalSeconds);
    void IWorkQueueMetrics.Retried() => _retries.Inc();

    void IControllerObserver.WorkersActive(int active)
    {
        _workers.Set(active);
        _crWorkers.Set(active);
    }

    void IControllerObserver.Reconciled(ReconcileScope reconcile, ReconcileOutcome outcome, TimeSpan duration, Exception? error)
    {
        _duration.Observe(duration.TotalSeconds);
        _crTime.Observe(duration.TotalSeconds);
        var succeeded = outcome is ReconcileOutcome.Success or ReconcileOutcome.Requeue;
        (succeeded ? _success : _failure).Inc();
        if (succeeded && reconcile.Changes.Count == 0) _noop.Inc();
        switch (outcome)
        {
            case ReconcileOutcome.Success: _crSuccess.Inc(); break;
            case ReconcileOutcome.Requeue: _crRequeueAfter.Inc(); break;
            default:
                _crError.Inc();
                _crErrors.Inc();
                break;
        }
    }

    void IControllerObserver.HealthChanged(ControllerHealth health) => _healthy.Set(health.State == ControllerHealthState.Healthy ? 1 : 0);
}
