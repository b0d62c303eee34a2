using System.Diagnostics;
using System.Text.Json;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Rendering;
using Orkestra.Kube;
using Orkestra.Kube.Client;
using Orkestra.Kube.Informers;
using Orkestra.Runtime.Cluster;
using Orkestra.Runtime.Hosting;
using Orkestra.Runtime.Reconciliation;

namespace Orkestra.Runtime.Simulation;

/// <summary>What to simulate: the operators (already started CRDs and CRs in the cluster), the CR each one
/// reconciles, and how many cycles at most.</summary>
public sealed record SimulationRequest(
    IReadOnlyList<CompiledKatalog> Katalogs,
    IReadOnlyList<(CompiledOperator Operator, ObjectKey Cr)> Targets,
    int Cycles,
    ExternalCalls? External);

/// <summary>
/// Runs the production reconciler in cycles against a cluster (in practice the in-process sandbox with its workload
/// simulators): the same informers, <see cref="InformerObjectReader"/>, <see cref="KatalogReconciler"/> and
/// <see cref="KubeObjectWriter"/> as <c>ork run</c>, without the queue and workers, so the run is deterministic.
/// A cycle first waits until every informer holds exactly what the server holds (what the previous cycle wrote and
/// what the simulators made of it, e.g. a Deployment turned Available), then reconciles every target once, in
/// order, recording each write (<see cref="RecordingWriter"/>), each failure and each Warning event. The run stops at
/// the steady state (<see cref="SteadyState"/>) or after the cycle budget.
/// </summary>
public static class CycleSimulator
{
    /// <summary>How long a cycle waits for the informers to catch up with the server before it fails the run.</summary>
    public static readonly TimeSpan CatchUpTimeout = TimeSpan.FromSeconds(30);

    public static async Task<SimulationRun> RunAsync(IKubeClient client, IRestMapper mapper, SimulationRequest request,
        TimeProvider time, CancellationToken cancellation)
    {
        await using var informers = new SharedInformerFactory(client, new InformerOptions { TimeProvider = time });
        var writer = new RecordingWriter(new KubeObjectWriter(client, client, mapper, informers), client, mapper);
        var events = new RecordingEvents();
        var cross = new CrossCaches();
        var katalogOf = request.Katalogs.SelectMany(k => k.Operators.Select(o => (o, k.Name))).ToDictionary(p => p.o, p => p.Name);
        var reconcilers = new List<(string Crd, ObjectKey Key, KatalogReconciler Reconciler)>();
        foreach (var (op, key) in request.Targets)
        {
            var (crs, children) = await InformersForAsync(op, mapper, informers, cancellation).ConfigureAwait(false);
            cross.Add(op, crs);
            var reader = new InformerObjectReader(crs, children, op.ApiTypes.ApiVersion, op.ApiTypes.Kind);
            reconcilers.Add((op.Name, key, new KatalogReconciler(op, katalogOf[op], reader, writer, events, time, cross,
                request.External, NamespacePolicy.For(op, request.Katalogs.First(k => k.Name == katalogOf[op]).Source.Security))));
        }
        informers.Start();
        await informers.WaitForCacheSyncAsync(cancellation).ConfigureAwait(false);

        var cycles = new List<Cycle>();
        var clock = Stopwatch.StartNew();
        for (var number = 1; number <= request.Cycles; number++)
        {
            await CatchUpAsync(client, informers, cancellation).ConfigureAwait(false);
            var started = clock.Elapsed;
            var errors = new List<CycleNote>();
            foreach (var (crd, key, reconciler) in reconcilers)
            {
                writer.Crd = crd;
                events.Crd = crd;
                try
                {
                    await reconciler.ReconcileAsync(key, cancellation).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellation.IsCancellationRequested)
                {
                    errors.Add(new CycleNote(crd, key.ToString(), e.Message));
                }
            }
            cycles.Add(new Cycle(number, writer.Take(), errors, events.Take(), clock.Elapsed - started));
            if (SteadyState.Find(cycles) is not null) break;
        }
        return new SimulationRun(cycles, SteadyState.Find(cycles), clock.Elapsed,
            request.Targets.Select(t => t.Operator.Name).Distinct().ToArray());
    }

    /// <summary>The CR informer and the child informers of <paramref name="op"/>, keyed as the operator's own.</summary>
    private static async Task<(IInformer Crs, IReadOnlyList<IInformer> Children)> InformersForAsync(CompiledOperator op,
        IRestMapper mapper, SharedInformerFactory informers, CancellationToken cancellation)
    {
        var api = op.ApiTypes;
        var mapping = await mapper.MapAsync(new GroupVersionKind(api.Group, api.Version, api.Kind), cancellation).ConfigureAwait(false);
        var children = new List<IInformer>();
        foreach (var kind in op.ObservedKinds.Where(k => k.ApiVersion.Length > 0))
        {
            var child = await mapper.MapAsync(GroupVersionKind.From(kind.ApiVersion, kind.Kind), cancellation).ConfigureAwait(false);
            var informer = informers.GetInformer(child.Resource, null, WellKnownLabels.Managed + "=true");
            informer.AddLabelIndex(WellKnownLabels.Owner);
            children.Add(informer);
        }
        return (informers.GetInformer(mapping.Resource), children);
    }

    /// <summary>Waits until every informer's cache holds the same objects at the same resourceVersions as a fresh list.</summary>
    private static async Task CatchUpAsync(IKubeClient client, SharedInformerFactory informers, CancellationToken cancellation)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(CatchUpTimeout);
        foreach (var informer in informers.Informers)
        {
            var options = new ListOptions { LabelSelector = informer.Key.LabelSelector, FieldSelector = informer.Key.FieldSelector };
            using var changed = new SemaphoreSlim(0);
            using var subscription = informer.AddEventHandler(new ResourceEventHandler(
                onAdd: (_, initial) => { if (!initial) changed.Release(); },
                onUpdate: (_, _) => changed.Release(),
                onDelete: _ => changed.Release()));
            while (true)
            {
                var list = await client.ListAsync(informer.Key.Resource, informer.Key.Namespace, options, deadline.Token)
                    .ConfigureAwait(false);
                if (Matches(informer.Cache, list.Items)) break;
                try
                {
                    await changed.WaitAsync(TimeSpan.FromMilliseconds(50), deadline.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
                {
                    throw new TimeoutException(
                        $"the cache of {informer.Key} did not catch up with the server within {CatchUpTimeout.TotalSeconds:0} s");
                }
            }
        }
    }

    private static bool Matches(IObjectCache cache, IReadOnlyList<JsonElement> items)
    {
        if (cache.Count != items.Count) return false;
        foreach (var item in items)
        {
            if (!cache.TryGet(Kube.ObjectMeta.Namespace(item), Kube.ObjectMeta.Name(item) ?? "", out var cached)) return false;
            if (Kube.ObjectMeta.ResourceVersion(cached) != Kube.ObjectMeta.ResourceVersion(item)) return false;
        }
        return true;
    }

    /// <summary>Events are kept in memory per cycle (Warnings reported), never written.</summary>
    private sealed class RecordingEvents : IEventRecorder
    {
        private readonly List<CycleNote> _warnings = [];

        public string Crd { get; set; } = "";

        public void Record(ObjectRef involved, string? uid, EventType type, string reason, string message)
        {
            if (type == EventType.Warning) _warnings.Add(new CycleNote(Crd, involved.ToString(), $"{reason}: {message}"));
        }

        public IReadOnlyList<CycleNote> Take()
        {
            var taken = _warnings.ToArray();
            _warnings.Clear();
            return taken;
        }
    }

    /// <summary><c>cross</c> reads from the simulated operators' CR caches (as <c>ork run</c>'s directory of operators).</summary>
    private sealed class CrossCaches : ICrossSource
    {
        private readonly Dictionary<string, (CompiledOperator Op, IInformer Crs)> _byName = new(StringComparer.Ordinal);

        public void Add(CompiledOperator op, IInformer crs) => _byName[op.Name] = (op, crs);

        public IReadOnlyList<JsonElement> List(string crd, string @namespace) =>
            _byName.TryGetValue(crd, out var entry) && entry.Op.Settings.CrossAccess
                ? entry.Crs.Cache.List(@namespace.Length == 0 ? null : @namespace)
                : [];
    }
}
