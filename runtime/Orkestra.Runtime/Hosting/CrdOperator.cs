using System.Text.Json;
using Microsoft.Extensions.Logging;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Model;
using Orkestra.Katalog.Rendering;
using Orkestra.Kube;
using Orkestra.Kube.Client;
using Orkestra.Kube.Informers;
using Orkestra.Runtime.Cluster;
using Orkestra.Runtime.Controllers;
using Orkestra.Runtime.Observability;
using Orkestra.Runtime.Queues;
using Orkestra.Runtime.Reconciliation;
using Orkestra.Runtime.Sharding;

namespace Orkestra.Runtime.Hosting;

/// <summary>What every operator of one process shares: the API, the informer factory, metrics, events, clock.</summary>
internal sealed record OperatorServices(
    SharedInformerFactory Informers,
    IRestMapper Mapper,
    IObjectWriter Writer,
    IEventRecorder Events,
    RuntimeMetrics Metrics,
    ILoggerFactory Logs,
    TimeProvider Time,
    RuntimeDefaults Defaults,
    ICrossSource Cross,
    string? WatchNamespace,
    ExternalCalls External,
    Func<string, IReconciler, IReconciler>? WrapReconciler = null);

/// <summary>
/// One CRD's complete operator: its own informer on the CRs, subscriptions to the shared child informers, its own
/// lock-free work queue, worker pool (<see cref="Controller"/>), reconciler, resync ticker and metrics. Nothing here
/// is shared with another CRD's operator except the read-only child caches, so one CRD's failure stays its own.
///
/// Lifecycle: <see cref="StartAsync"/> resolves the CRD (retrying in the background while it is not served),
/// starts the informers and completes <see cref="Synced"/>; <see cref="RunWorkersAsync"/> runs the workers and the
/// resync ticker while this process leads; <see cref="Dispose"/> shuts the queue down.
/// Concurrency: informer callbacks arrive on each informer's dispatch task and only add keys to the queue;
/// <see cref="_waiting"/> and <see cref="_customResources"/> are written by the start task and read anywhere (volatile).
/// </summary>
internal sealed class CrdOperator : IDisposable
{
    private readonly OperatorServices _services;
    private readonly ILogger _log;
    private readonly WorkQueue<ObjectKey> _queue;
    private readonly OperatorMetrics _metrics;
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _running = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Action<JsonElement>> _dependents = [];   // filled before start, read-only afterwards
    private volatile string? _waiting = "starting";
    private volatile IInformer? _customResources;
    private volatile Controller? _controller;
    private volatile IInformer[] _informers = [];
    private volatile IObjectReader? _reader;

    private readonly NamespacePolicy? _namespaces;

    /// <param name="shards">With <c>--shards</c>: the buckets of this CRD this replica holds; only their keys are queued
    /// and reconciled. Null: every key.</param>
    public CrdOperator(CompiledOperator op, string katalogName, OperatorServices services, NamespacePolicy? namespaces = null,
        ShardGate? shards = null)
    {
        Op = op;
        Shards = shards;
        KatalogName = katalogName;
        _namespaces = namespaces;
        _services = services;
        _log = services.Logs.CreateLogger("orkestra." + op.Name);
        Options = services.Defaults.ControllerFor(op);
        _metrics = services.Metrics.ForOperator(op.Name, Options.Workers);
        _queue = new WorkQueue<ObjectKey>(RuntimeDefaults.QueueCapacity(op), RuntimeDefaults.RetryFor(op), services.Time, _metrics);
        _metrics.SampleInFlightFrom(_queue.InFlight);
        LastReconciles = new LastReconciles(services.Time, key => _customResources?.Cache.TryGet(key, out _) == true);
    }

    public CompiledOperator Op { get; }

    public ShardGate? Shards { get; }

    public string KatalogName { get; }

    public ControllerOptions Options { get; }

    public string Name => Op.Name;

    /// <summary>Completes once the CR and child caches hold their first lists.</summary>
    public Task Synced => _synced.Task;

    /// <summary>Why the operator is not running yet (CRD not served, dependency not started), or null.</summary>
    public string? Waiting => _waiting;

    public IObjectCache? Cache => _customResources?.Cache;

    /// <summary>The caches the reconciler reads (null until started).</summary>
    public IObjectReader? Reader => _reader;

    /// <summary>How the last reconcile of each CR ended.</summary>
    public LastReconciles LastReconciles { get; }

    public int QueueDepth => _queue.Depth;

    public int ActiveWorkers => _controller?.ActiveWorkers ?? 0;

    public ControllerHealth Health => _controller?.Health ?? new ControllerHealth(ControllerHealthState.Healthy, 0);

    /// <summary>Why this operator's caches are out of contact with the API server: no answer to a list or watch of one of
    /// its informers for <paramref name="bound"/> (or <paramref name="failingBound"/> while they fail), or null.</summary>
    public string? OutOfContact(TimeSpan bound, TimeSpan failingBound)
    {
        foreach (var informer in _informers)
        {
            var contact = informer.Contact;
            if (contact.Since > bound || (contact.LastError is not null && contact.Since > failingBound))
            {
                return $"no answer from the API server to the list/watch of {informer.Key} for {contact.Since.TotalSeconds:0} s" +
                       (contact.LastError is { } error ? $" (last error: {error})" : "");
            }
        }
        return null;
    }

    /// <summary>Called with every changed CR of this operator (cross readers re-enqueue their own CRs). Before start only.</summary>
    public void AddDependent(Action<JsonElement> onChanged) => _dependents.Add(onChanged);

    /// <summary>Enqueues every cached CR of <paramref name="namespace"/> (null: all) this replica reconciles.</summary>
    public void EnqueueAll(string? @namespace = null)
    {
        if (_customResources is not { } informer) return;
        foreach (var key in informer.Cache.Keys(@namespace)) Enqueue(key);
    }

    /// <summary>Enqueues every cached CR of shard bucket <paramref name="bucket"/> (just gained).</summary>
    public void EnqueueBucket(int bucket)
    {
        if (_customResources is not { } informer || Shards is not { } shards) return;
        foreach (var key in informer.Cache.Keys())
        {
            if (shards.BucketOf(key) == bucket) _queue.Add(key);
        }
    }

    /// <summary>Queues the key unless it belongs to a shard bucket another replica holds.</summary>
    private void Enqueue(ObjectKey key)
    {
        if (Shards is null || Shards.Holds(key)) _queue.Add(key);
    }

    /// <summary>Completes once the workers run (this process leads and the caches synced).</summary>
    public Task Running => _running.Task;

    /// <summary>
    /// Waits until <paramref name="dependencies"/> reached their conditions (<c>started</c>: caches synced;
    /// <c>healthy</c>: workers running, at least one reconcile succeeded — or there was no CR to reconcile — and the
    /// consecutive failure count is zero), then resolves the CRD, starts the informers and completes <see cref="Synced"/>.
    /// </summary>
    public async Task StartAsync(IEnumerable<(CrdOperator Operator, DependencyCondition Condition)> dependencies,
        CancellationToken stopping)
    {
        foreach (var (dependency, condition) in dependencies)
        {
            _waiting = $"dependency {dependency.Name} not started";
            await dependency.Synced.WaitAsync(stopping).ConfigureAwait(false);
            if (condition == DependencyCondition.Healthy) await WaitHealthyAsync(dependency, stopping).ConfigureAwait(false);
        }
        var api = Op.ApiTypes;
        var kind = new GroupVersionKind(api.Group, api.Version, api.Kind);
        var notServed = $"{api.Kind}.{api.Group}/{api.Version} is not served (is its CRD installed?)";
        var mapping = await ResolveAsync(kind, notServed, stopping).ConfigureAwait(false);
        var children = new List<IInformer>();
        foreach (var childKind in Op.ObservedKinds.Where(k => k.ApiVersion.Length > 0))
        {
            var childMapping = await ResolveAsync(GroupVersionKind.From(childKind.ApiVersion, childKind.Kind),
                $"child kind {childKind.Kind} ({childKind.ApiVersion}) is not served", stopping).ConfigureAwait(false);
            var informer = _services.Informers.GetInformer(childMapping.Resource, null, WellKnownLabels.Managed + "=true");
            informer.AddLabelIndex(WellKnownLabels.Owner);
            children.Add(informer);
        }
        var crs = _services.Informers.GetInformer(new InformerKey(mapping.Resource,
            mapping.Namespaced ? Op.Settings.Namespace ?? _services.WatchNamespace : null,
            Selector(Op.Settings.LabelSelector), Selector(Op.Settings.FieldSelector)));
        _customResources = crs;
        var reader = new InformerObjectReader(crs, children, api.ApiVersion, api.Kind);
        _reader = reader;
        var plural = Op.ApiTypes.Plural;
        var reconciler = new KatalogReconciler(Op, KatalogName, reader, _services.Writer, _services.Events, _services.Time, _services.Cross,
            _services.External, _namespaces, () => _services.Metrics.NamespaceProtectionBlocked.WithLabels(plural).Inc());
        _controller = new Controller(Op.Name, _services.WrapReconciler?.Invoke(Op.Name, reconciler) ?? reconciler, _queue, Options,
            new ControllerObservers(_metrics, new ControllerLog(Op.Name, _log), LastReconciles), _services.Time, Shards);

        crs.AddEventHandler(new ResourceEventHandler(
            onAdd: (cr, _) => CustomResourceChanged(cr),
            onUpdate: (_, cr) => CustomResourceChanged(cr),
            onDelete: cr =>
            {
                if (cr.TryGetProperty("metadata", out var md) && md.TryGetProperty("uid", out var uid))
                    _services.External.Forget(uid.GetString() ?? "");
                CustomResourceChanged(cr);
            }));
        var childHandler = new ResourceEventHandler(
            onAdd: (c, _) => ChildChanged(c), onUpdate: (_, c) => ChildChanged(c), onDelete: ChildChanged);
        foreach (var informer in children.Distinct()) informer.AddEventHandler(childHandler);
        _informers = [.. children.Append(crs).Distinct()];
        _services.Informers.Start();
        _waiting = null;
        await Task.WhenAll(children.Append(crs).Select(i => i.WaitForSyncAsync(stopping))).ConfigureAwait(false);
        _metrics.ResourceCount(crs.Cache.Count);
        _synced.TrySetResult();
    }

    /// <summary>Runs the workers and the resync ticker until <paramref name="leading"/> is cancelled; in-flight
    /// reconciles get <paramref name="drain"/> to finish. Sharded, the workers run for the whole process and take only
    /// keys of held buckets.</summary>
    public async Task RunWorkersAsync(CancellationToken leading, TimeSpan drain)
    {
        await _synced.Task.WaitAsync(leading).ConfigureAwait(false);
        EnqueueAll();   // a new leader starts from the whole cache, not only from events it saw
        _running.TrySetResult();
        var resync = ResyncAsync(leading);
        await _controller!.RunAsync(leading, drain).ConfigureAwait(false);
        await resync.ConfigureAwait(false);
    }

    private async Task WaitHealthyAsync(CrdOperator dependency, CancellationToken stopping)
    {
        _waiting = $"dependency {dependency.Name} not healthy";
        await dependency.Running.WaitAsync(stopping).ConfigureAwait(false);
        var controller = dependency._controller!;
        var emptyAtStart = dependency.Cache?.Count == 0;
        while (true)
        {
            var next = controller.NextOutcome;
            if (controller.Health.ConsecutiveFailures == 0 && (controller.Succeeded > 0 || emptyAtStart)) return;
            await next.WaitAsync(stopping).ConfigureAwait(false);
        }
    }

    private async Task ResyncAsync(CancellationToken leading)
    {
        var period = _services.Defaults.ResyncFor(Op);
        if (period <= TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(period, _services.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(leading).ConfigureAwait(false)) EnqueueAll();
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task<ResourceMapping> ResolveAsync(GroupVersionKind kind, string waiting, CancellationToken stopping)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            try
            {
                return await _services.Mapper.MapAsync(kind, stopping).ConfigureAwait(false);
            }
            catch (Exception e) when (e is KubeApiException or HttpRequestException && !stopping.IsCancellationRequested)
            {
                if (_waiting != waiting)
                    Log.OperatorWaiting(_log, Op.Name, waiting + (e is KubeApiException { IsNotFound: true } ? "" : ": " + e.Message));
                _waiting = waiting;
            }
            await Task.Delay(delay, _services.Time, stopping).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
        }
    }

    private void CustomResourceChanged(JsonElement cr)
    {
        Enqueue(ObjectMeta.KeyOf(cr));
        if (_customResources is { } informer) _metrics.ResourceCount(informer.Cache.Count);
        foreach (var dependent in _dependents) dependent(cr);
    }

    /// <summary>A child changed: enqueue the CR(s) of this operator that own it (owner label, narrowed by owner references).</summary>
    private void ChildChanged(JsonElement child)
    {
        if (ObjectMeta.Label(child, WellKnownLabels.Owner) is not { } owner || _customResources is not { } informer) return;
        var ns = ObjectMeta.Namespace(child);
        if (OwnerReferences.Of(child) is { } refs)
        {
            foreach (var r in refs)
            {
                if (r.Kind == Op.ApiTypes.Kind && r.ApiVersion == Op.ApiTypes.ApiVersion) Enqueue(new ObjectKey(ns, r.Name));
            }
            return;
        }
        // Tracked by label only (cluster-scoped children, or children in another namespace): every CR of that name.
        // The label holds WellKnownLabels.OwnerValue of the name (a long name is shortened with a hash).
        if (ns is not null && informer.Cache.TryGet(ns, owner, out _)) { Enqueue(new ObjectKey(ns, owner)); return; }
        foreach (var cr in informer.Cache.Keys())
        {
            if (WellKnownLabels.OwnerValue(cr.Name) == owner) Enqueue(cr);
        }
    }

    private static string? Selector(IReadOnlyDictionary<string, string> pairs) =>
        pairs.Count == 0 ? null : string.Join(",", pairs.Select(p => $"{p.Key}={p.Value}"));

    public void Dispose() => _queue.ShutDown();
}
