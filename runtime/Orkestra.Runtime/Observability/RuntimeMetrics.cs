using Prometheus;

namespace Orkestra.Runtime.Observability;

/// <summary>
/// Every Prometheus metric the runtime exports, declared once (name, help, labels). Names follow Orkestra's
/// (<c>controller_*</c>, as controller-runtime's) and client-go's (<c>workqueue_*</c>, <c>rest_client_*</c>) so existing
/// dashboards work. One instance per process, over an injected registry (tests use their own).
/// Series for an operator are created — at zero — when the operator starts (<see cref="ForOperator"/>).
/// </summary>
public sealed class RuntimeMetrics
{
    public RuntimeMetrics(CollectorRegistry registry)
    {
        Registry = registry;
        var f = Metrics.WithCustomRegistry(registry);
        ReconcileTotal = f.CreateCounter("controller_reconcile_total", "Reconciles by CRD and result (success, failure).",
            new CounterConfiguration { LabelNames = ["crd", "result"] });
        ReconcileDuration = f.CreateHistogram("controller_reconcile_duration_seconds", "Time spent in one reconcile.",
            new HistogramConfiguration { LabelNames = ["crd"], Buckets = Histogram.ExponentialBuckets(0.0005, 2, 16) });
        QueueDepth = f.CreateGauge("controller_queue_depth", "Keys waiting in the CRD's work queue.",
            new GaugeConfiguration { LabelNames = ["crd"] });
        WorkersActive = f.CreateGauge("controller_workers_active", "Workers currently reconciling.",
            new GaugeConfiguration { LabelNames = ["crd"] });
        ResourceCount = f.CreateGauge("controller_resource_count", "Custom resources of the CRD in the cache.",
            new GaugeConfiguration { LabelNames = ["crd"] });
        Healthy = f.CreateGauge("controller_healthy", "1 while the CRD's operator is healthy, 0 when degraded.",
            new GaugeConfiguration { LabelNames = ["crd"] });

        WorkqueueDepth = f.CreateGauge("workqueue_depth", "Current depth of the work queue.",
            new GaugeConfiguration { LabelNames = ["name"] });
        WorkqueueAdds = f.CreateCounter("workqueue_adds_total", "Adds handled by the work queue.",
            new CounterConfiguration { LabelNames = ["name"] });
        WorkqueueLatency = f.CreateHistogram("workqueue_queue_duration_seconds", "Time a key waits in the queue before a worker takes it.",
            new HistogramConfiguration { LabelNames = ["name"], Buckets = Histogram.ExponentialBuckets(0.00001, 10, 10) });
        WorkqueueWork = f.CreateHistogram("workqueue_work_duration_seconds", "Time a worker holds a key.",
            new HistogramConfiguration { LabelNames = ["name"], Buckets = Histogram.ExponentialBuckets(0.00001, 10, 10) });
        WorkqueueRetries = f.CreateCounter("workqueue_retries_total", "Rate-limited retries handled by the work queue.",
            new CounterConfiguration { LabelNames = ["name"] });

        ApiRequests = f.CreateCounter("rest_client_requests_total", "Kubernetes API requests by verb and HTTP code.",
            new CounterConfiguration { LabelNames = ["verb", "code"] });
        ApiLatency = f.CreateHistogram("rest_client_request_duration_seconds", "Kubernetes API request latency by verb.",
            new HistogramConfiguration { LabelNames = ["verb"], Buckets = Histogram.ExponentialBuckets(0.001, 2, 14) });
        WatchRestarts = f.CreateCounter("orkestra_watch_restarts_total", "Watches restarted (dropped, expired or failed), by resource.",
            new CounterConfiguration { LabelNames = ["resource"] });
        Leader = f.CreateGauge("orkestra_leader", "1 while this process holds the leader lease.",
            new GaugeConfiguration { LabelNames = ["lease"] });
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

    internal Counter ReconcileTotal { get; }
    internal Histogram ReconcileDuration { get; }
    internal Gauge QueueDepth { get; }
    internal Gauge WorkersActive { get; }
    internal Gauge ResourceCount { get; }
    internal Gauge Healthy { get; }
    internal Gauge WorkqueueDepth { get; }
    internal Counter WorkqueueAdds { get; }
    internal Histogram WorkqueueLatency { get; }
    internal Histogram WorkqueueWork { get; }
    internal Counter WorkqueueRetries { get; }
    public Counter ApiRequests { get; }
    public Histogram ApiLatency { get; }
    public Counter WatchRestarts { get; }
    public Gauge Leader { get; }
    internal Counter ConversionRequests { get; }
    internal Histogram ConversionDuration { get; }
    internal Counter AdmissionViolations { get; }
    internal Counter DeletionProtectionBlocked { get; }
    internal Counter NamespaceProtectionBlocked { get; }
    internal Histogram WebhookRequestDuration { get; }
    internal Gauge GcHeap { get; }
    internal Counter MemoryTrims { get; }

    /// <summary>The metrics of one operator, every series created at zero.</summary>
    public OperatorMetrics ForOperator(string crd) => new(this, crd);

    /// <summary>Writes the Prometheus text exposition.</summary>
    public Task WriteAsync(Stream output, CancellationToken cancellation = default) =>
        Registry.CollectAndExportAsTextAsync(output, cancellation);
}
