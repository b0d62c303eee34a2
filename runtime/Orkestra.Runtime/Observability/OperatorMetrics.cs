using Orkestra.ApiMachinery.Meta;
using Orkestra.Runtime.Controllers;
using Orkestra.Runtime.Queues;
using Prometheus;

namespace Orkestra.Runtime.Observability;

/// <summary>
/// One operator's view of <see cref="RuntimeMetrics"/>: feeds its work queue and controller events into the
/// labelled series for its CRD. Created when the operator starts; every series exists from then on, at zero.
/// Thread-safe (prometheus-net children are).
/// </summary>
public sealed class OperatorMetrics : IWorkQueueMetrics, IControllerObserver
{
    private readonly Counter.Child _success, _failure, _adds, _retries;
    private readonly Histogram.Child _duration, _latency, _work;
    private readonly Gauge.Child _queueDepth, _workqueueDepth, _workers, _resources, _healthy;

    internal OperatorMetrics(RuntimeMetrics metrics, string crd)
    {
        Crd = crd;
        _success = metrics.ReconcileTotal.WithLabels(crd, "success");
        _failure = metrics.ReconcileTotal.WithLabels(crd, "failure");
        _duration = metrics.ReconcileDuration.WithLabels(crd);
        _queueDepth = metrics.QueueDepth.WithLabels(crd);
        _workers = metrics.WorkersActive.WithLabels(crd);
        _resources = metrics.ResourceCount.WithLabels(crd);
        _healthy = metrics.Healthy.WithLabels(crd);
        _workqueueDepth = metrics.WorkqueueDepth.WithLabels(crd);
        _adds = metrics.WorkqueueAdds.WithLabels(crd);
        _latency = metrics.WorkqueueLatency.WithLabels(crd);
        _work = metrics.WorkqueueWork.WithLabels(crd);
        _retries = metrics.WorkqueueRetries.WithLabels(crd);
        _healthy.Set(1);
    }

    public string Crd { get; }

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

    void IControllerObserver.WorkersActive(int active) => _workers.Set(active);
    void IControllerObserver.Reconciled(ObjectKey key, ReconcileOutcome outcome, TimeSpan duration, Exception? error)
    {
        _duration.Observe(duration.TotalSeconds);
        (outcome is ReconcileOutcome.Success or ReconcileOutcome.Requeue ? _success : _failure).Inc();
    }
    void IControllerObserver.HealthChanged(ControllerHealth health) => _healthy.Set(health.State == ControllerHealthState.Healthy ? 1 : 0);
}
