using System.Globalization;
using Prometheus;

namespace Orkestra.Runtime.Observability;

/// <summary>
/// Every Prometheus metric the runtime exports, declared once (name, help, labels). Orkestra's names
/// (<c>controller_*</c>, <c>orkestra_*</c>) and controller-runtime's and client-go's (<c>controller_runtime_*</c>,
/// <c>workqueue_*</c>, <c>rest_client_*</c>, <c>leader_election_master_status</c>) with their exact labels, so the
/// dashboards of either work. A quantity with a name in both schemes is exported under the names
/// <see cref="MetricNames"/> chooses; a family of the scheme not chosen is still fed but lives on a registry nobody
/// scrapes. One instance per process, over an injected registry (tests use their own).
/// Series for an operator are created — at zero — when the operator starts (<see cref="ForOperator"/>).
/// </summary>
public sealed class RuntimeMetrics
{
    /// <summary>controller-runtime's <c>result</c> label values of <c>controller_runtime_reconcile_total</c>.</summary>
    internal static readonly string[] ControllerRuntimeResults = ["success", "error", "requeue", "requeue_after"];

    public RuntimeMetrics(CollectorRegistry registry, MetricNames names = MetricNames.Both)
    {
        Registry = registry;
        Names = names;
        var f = Metrics.WithCustomRegistry(registry);
        var unexported = Metrics.WithCustomRegistry(new CollectorRegistry());
        var ork = names == MetricNames.ControllerRuntime ? unexported : f;
        var cr = names == MetricNames.Orkestra ? unexported : f;
        var reconcileBuckets = Histogram.ExponentialBuckets(0.0005, 2, 16);
        var queueBuckets = Histogram.ExponentialBuckets(0.00001, 10, 10);

        ReconcileTotal = ork.CreateCounter("controller_reconcile_total", "Reconciles by CRD and result (success, failure).",
            new CounterConfiguration { LabelNames = ["crd", "result"] });
        ReconcileDuration = ork.CreateHistogram("controller_reconcile_duration_seconds", "Time spent in one reconcile.",
            new HistogramConfiguration { LabelNames = ["crd"], Buckets = reconcileBuckets });
        QueueDepth = ork.CreateGauge("controller_queue_depth", "Keys waiting in the CRD's work queue.",
            new GaugeConfiguration { LabelNames = ["crd"] });
        WorkersActive = ork.CreateGauge("controller_workers_active", "Workers currently reconciling.",
            new GaugeConfiguration { LabelNames = ["crd"] });
        Leader = ork.CreateGauge("orkestra_leader", "1 while this process holds the leader lease.",
            new GaugeConfiguration { LabelNames = ["lease"] });

        CrReconcileTotal = cr.CreateCounter("controller_runtime_reconcile_total",
            "Reconciles by controller and result (success, error, requeue, requeue_after).",
            new CounterConfiguration { LabelNames = ["controller", "result"] });
        CrReconcileErrors = cr.CreateCounter("controller_runtime_reconcile_errors_total", "Reconciles that failed, by controller.",
            new CounterConfiguration { LabelNames = ["controller"] });
        CrReconcileTime = cr.CreateHistogram("controller_runtime_reconcile_time_seconds", "Time spent in one reconcile, by controller.",
            new HistogramConfiguration { LabelNames = ["controller"], Buckets = reconcileBuckets });
        CrActiveWorkers = cr.CreateGauge("controller_runtime_active_workers", "Workers currently reconciling, by controller.",
            new GaugeConfiguration { LabelNames = ["controller"] });
        WorkqueueDepth = cr.CreateGauge("workqueue_depth", "Current depth of the work queue.",
            new GaugeConfiguration { LabelNames = ["name"] });
        LeaderElection = cr.CreateGauge("leader_election_master_status",
            "1 while this process holds the leader lease, 0 while it does not.",
            new GaugeConfiguration { LabelNames = ["name"] });

        MaxConcurrentReconciles = f.CreateGauge("controller_runtime_max_concurrent_reconciles", "Workers of the controller.",
            new GaugeConfiguration { LabelNames = ["controller"] });
        ResourceCount = f.CreateGauge("controller_resource_count", "Custom resources of the CRD in the cache.",
            new GaugeConfiguration { LabelNames = ["crd"] });
        Healthy = f.CreateGauge("controller_healthy", "1 while the CRD's operator is healthy, 0 when degraded.",
            new GaugeConfiguration { LabelNames = ["crd"] });
        ReconcileNoop = f.CreateCounter("orkestra_reconcile_noop_total",
            "Reconciles that found everything converged and wrote nothing, by CRD.",
            new CounterConfiguration { LabelNames = ["crd"] });
        WorkqueueAdds = f.CreateCounter("workqueue_adds_total", "Adds handled by the work queue.",
            new CounterConfiguration { LabelNames = ["name"] });
        WorkqueueLatency = f.CreateHistogram("workqueue_queue_duration_seconds", "Time a key waits in the queue before a worker takes it.",
            new HistogramConfiguration { LabelNames = ["name"], Buckets = queueBuckets });
        WorkqueueWork = f.CreateHistogram("workqueue_work_duration_seconds", "Time a worker holds a key.",
            new HistogramConfiguration { LabelNames = ["name"], Buckets = queueBuckets });
        WorkqueueRetries = f.CreateCounter("workqueue_retries_total", "Rate-limited retries handled by the work queue.",
            new CounterConfiguration { LabelNames = ["name"] });
        WorkqueueUnfinished = f.CreateGauge("workqueue_unfinished_work_seconds",
            "Seconds of work in progress that no worker has finished yet (grows while a reconcile is stuck).",
            new GaugeConfiguration { LabelNames = ["name"] });
        WorkqueueLongest = f.CreateGauge("workqueue_longest_running_processor_seconds",
            "Seconds the longest-running worker of the queue has held its key.",
            new GaugeConfiguration { LabelNames = ["name"] });
        ApiRequests = f.CreateCounter("rest_client_requests_total", "Kubernetes API requests by HTTP status code, method and host.",
            new CounterConfiguration { LabelNames = ["code", "method", "host"] });
        ApiLatency = f.CreateHistogram("rest_client_request_duration_seconds", "Kubernetes API request latency by HTTP method and host.",
            new HistogramConfiguration { LabelNames = ["verb", "host"], Buckets = Histogram.ExponentialBuckets(0.001, 2, 14) });
        WatchRestarts = f.CreateCounter("orkestra_watch_restarts_total", "Watches restarted (dropped, expired or failed), by resource.",
            new CounterConfiguration { LabelNames = ["resource"] });
        ShardBucketsHeld = f.CreateGauge("orkestra_shard_buckets_held", "Shard buckets of the CRD this replica holds (--shards).",
            new GaugeConfiguration { LabelNames = ["crd"] });
        MemoryTrims = f.CreateCounter("orkestra_memory_trims_total",
            "Aggressive garbage collections run after a burst of work, once the process went quiet.");
        ConversionRequests = f.CreateCounter("orkestra_conversion_requests_total",
            "Objects converted by /convert, by kind, versions and result.",
            new CounterConfiguration { LabelNames = ["kind", "from", "to", "result"] });
        ConversionDuration = f.CreateHistogram("orkestra_conversion_duration_seconds", "Time to convert one object.",
            new HistogramConfiguration { LabelNames = ["from", "to"], Buckets = Histogram.ExponentialBuckets(0.00002, 2, 14) });
        AdmissionViolations = f.CreateCounter("controller_admission_validation_violations_total",
            "Validation rules that failed at admission, by CRD and action (deny, warn).",
            new CounterConfiguration { LabelNames = ["crd", "action"] });
        DeletionProtectionBlocked = f.CreateCounter("orkestra_deletion_protection_blocked_total",
            "Deletions denied by deletion protection.");
        NamespaceProtectionBlocked = f.CreateCounter("orkestra_namespace_protection_blocked_total",
            "CRs (admission) and reconciles (reconcile) refused by namespace protection, by CRD plural.",
            new CounterConfiguration { LabelNames = ["resource"] });
        WebhookRequestDuration = f.CreateHistogram("orkestra_webhook_request_duration_seconds",
            "Time to answer one webhook request, by path.",
            new HistogramConfiguration { LabelNames = ["path"], Buckets = Histogram.ExponentialBuckets(0.00005, 2, 16) });
        GcHeap = f.CreateGauge("dotnet_gc_heap_size_bytes", "Managed heap size after the last garbage collection.");
        registry.AddBeforeCollectCallback(() => GcHeap.Set(GC.GetGCMemoryInfo().HeapSizeBytes));
    }

    /// <summary>Adds prometheus-net's process and runtime series (process_*, dotnet_*) — for <c>ork run</c>, not tests.</summary>
    public void IncludeProcessMetrics() => DotNetStats.Register(Registry);

    public CollectorRegistry Registry { get; }

    /// <summary>The names chosen for quantities that have two.</summary>
    public MetricNames Names { get; }

    internal Counter ReconcileTotal { get; }
    internal Histogram ReconcileDuration { get; }
    internal Gauge QueueDepth { get; }
    internal Gauge WorkersActive { get; }
    internal Gauge ResourceCount { get; }
    internal Gauge Healthy { get; }
    internal Counter CrReconcileTotal { get; }
    internal Counter CrReconcileErrors { get; }
    internal Histogram CrReconcileTime { get; }
    internal Gauge CrActiveWorkers { get; }
    internal Gauge MaxConcurrentReconciles { get; }
    internal Counter ReconcileNoop { get; }
    internal Gauge WorkqueueUnfinished { get; }
    internal Gauge WorkqueueLongest { get; }
    internal Gauge WorkqueueDepth { get; }
    internal Counter WorkqueueAdds { get; }
    internal Histogram WorkqueueLatency { get; }
    internal Histogram WorkqueueWork { get; }
    internal Counter WorkqueueRetries { get; }
    internal Counter ApiRequests { get; }
    internal Histogram ApiLatency { get; }
    public Counter WatchRestarts { get; }
    internal Gauge Leader { get; }
    internal Gauge LeaderElection { get; }
    internal Gauge ShardBucketsHeld { get; }
    internal Counter ConversionRequests { get; }
    internal Histogram ConversionDuration { get; }
    internal Counter AdmissionViolations { get; }
    internal Counter DeletionProtectionBlocked { get; }
    internal Counter NamespaceProtectionBlocked { get; }
    internal Histogram WebhookRequestDuration { get; }
    internal Gauge GcHeap { get; }
    internal Counter MemoryTrims { get; }

    /// <summary>The metrics of one operator with <paramref name="workers"/> workers, every series created at zero.</summary>
    public OperatorMetrics ForOperator(string crd, int workers = 0) => new(this, crd, workers);

    /// <summary>Whether this process holds the leader Lease <paramref name="lease"/>.</summary>
    public void Leading(string lease, bool leading)
    {
        Leader.WithLabels(lease).Set(leading ? 1 : 0);
        LeaderElection.WithLabels(lease).Set(leading ? 1 : 0);
    }

    /// <summary>One Kubernetes API request attempt finished (<paramref name="code"/> 0: no response).</summary>
    public void ApiRequest(string method, string host, int code, TimeSpan duration)
    {
        ApiRequests.WithLabels(code == 0 ? "<error>" : code.ToString(CultureInfo.InvariantCulture), method, host).Inc();
        ApiLatency.WithLabels(method, host).Observe(duration.TotalSeconds);
    }

    /// <summary>Writes the Prometheus text exposition.</summary>
    public Task WriteAsync(Stream output, CancellationToken cancellation = default) =>
        Registry.CollectAndExportAsTextAsync(output, cancellation);
}
