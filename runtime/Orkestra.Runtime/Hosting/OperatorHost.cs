using System.Text.Json;
using Microsoft.Extensions.Logging;
using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Model;
using Orkestra.Katalog.Rendering;
using Orkestra.Kube.Client;
using Orkestra.Kube.Connection;
using Orkestra.Kube.Informers;
using Orkestra.Runtime.Cluster;
using Orkestra.Runtime.Leadership;
using Orkestra.Runtime.Memory;
using Orkestra.Runtime.Observability;
using Orkestra.Runtime.Reconciliation;
using Orkestra.Runtime.Sharding;
using Orkestra.Runtime.Webhooks;
using Prometheus;

namespace Orkestra.Runtime.Hosting;

/// <summary>
/// The process behind <c>ork run</c>: one <see cref="CrdOperator"/> per enabled CRD of the compiled Katalogs, over one
/// connection, one shared informer factory, one event recorder and one HTTP surface.
/// <see cref="RunAsync"/> does, in order: serve HTTP (probes answer from the first moment); apply crdFile and setup
/// manifests and wait for the CRDs (per <see cref="ApplyMode"/>); start every operator in <c>dependsOn</c> order, each
/// retrying in the background while its CRD is not served; apply crFiles once all are synced; reconcile — at once, or
/// while holding the leader Lease. On cancellation, within one <see cref="RuntimeOptions.ShutdownTimeout"/> spent in
/// <see cref="ShutdownBudget"/>'s order: stop taking work, let in-flight reconciles finish, flush Events, release and
/// delete the Lease, remove the webhook registrations, stop informers and HTTP. What operators built for users stays;
/// what the runtime created for itself (the Lease, the registrations) is gone.
/// </summary>
public sealed class OperatorHost
{
    private readonly IReadOnlyList<CompiledKatalog> _katalogs;
    private readonly KubeConnection _connection;
    private readonly RuntimeOptions _options;
    private readonly ILogger _log;

    /// <param name="metrics">The process's metrics; pass the same instance the connection reports to
    /// (<see cref="KubeMetricsBridge"/>) so API request counts appear on /metrics.</param>
    public OperatorHost(IReadOnlyList<CompiledKatalog> katalogs, KubeConnection connection, RuntimeOptions options,
        RuntimeMetrics? metrics = null)
    {
        _katalogs = katalogs;
        _connection = connection;
        _options = options;
        _log = options.Logs.CreateLogger("orkestra.runtime");
        Metrics = metrics ?? new RuntimeMetrics(new CollectorRegistry());
    }

    public RuntimeMetrics Metrics { get; }

    public RuntimeState State { get; } = new();

    /// <summary>The bound HTTP address once <see cref="RunAsync"/> has started serving.</summary>
    public Uri? Address { get; private set; }

    /// <summary>The webhook listener once serving (null when nothing is declared).</summary>
    public Uri? WebhookAddress { get; private set; }

    /// <summary>The PEM CA bundle the webhook listener is verified with (null without webhooks).</summary>
    public string? WebhookCaBundle { get; private set; }

    /// <summary>Completes when HTTP and webhooks are served and the operators are created (before they sync).</summary>
    public Task Started => _started.Task;

    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A Lease name from the Katalog names: <c>orkestra-&lt;names&gt;</c>, a valid DNS subdomain of at most 63
    /// characters.</summary>
    public static string DefaultLeaseName(IEnumerable<string> katalogNames) =>
        LeaseNames.Valid(string.Join("-", katalogNames.Order(StringComparer.Ordinal).Prepend("orkestra")));

    /// <summary>Runs until <paramref name="stopping"/> fires, then shuts down gracefully. Returns the exit code:
    /// 0 after a clean stop, 1 when a manifest to apply could not be loaded or the API server did not answer within
    /// <see cref="RuntimeOptions.ConnectTimeout"/>.</summary>
    public async Task<int> RunAsync(CancellationToken stopping)
    {
        var time = _options.Time;
        var bridge = new KubeMetricsBridge(Metrics);
        var client = _connection.CreateClient();
        var mapper = _connection.CreateRestMapper();
        var plan = StartupPlan.For(_katalogs, _options.Apply, _connection.InCluster);

        var diagnostics = new DiagnosticBag();
        var setup = ManifestApplier.Load(plan.CrdFiles.Concat(plan.SetupFiles), diagnostics);
        var samples = ManifestApplier.Load(plan.CrFiles, diagnostics);
        if (diagnostics.HasErrors)
        {
            foreach (var d in diagnostics.Sorted()) _log.LogError("{Diagnostic}", d.ToString());
            return 1;
        }

        await using var http = await RuntimeHttpServer.StartAsync(_options.BindAddress, _options.Port, State, Metrics, stopping)
            .ConfigureAwait(false);
        Address = http.Address;
        Log.Starting(_log, plan.OperatorOrder.Count, _katalogs.Count, _connection.Server.ToString(), _connection.Source,
            http.Bound);
        foreach (var katalog in _katalogs)
        {
            foreach (var source in katalog.Source.Sources)
                Log.Imported(_log, katalog.Name, source.KatalogName, source.Reference, source.Digest,
                    source.Kind == KatalogSourceKind.File ? "file" : source.FromCache ? "local cache" : "registry");
        }

        if (await UnreachableAsync(stopping).ConfigureAwait(false) is { } unreachable)
        {
            Log.Unreachable(_log, _connection.Server.ToString(), _options.ConnectTimeout.TotalSeconds, unreachable);
            return 1;
        }

        var applier = new ManifestApplier(client, mapper, _connection.Namespace, _log, time);
        if (setup.Count > 0) await applier.ApplyAsync(setup, _options.EstablishTimeout, stopping).ConfigureAwait(false);

        using var shutdown = new ShutdownBudget(_options.ShutdownTimeout, _options.Drain, time, stopping);
        var events = new EventRecorder(new KubeEventSink(client), time);
        using var eventsStop = new CancellationTokenSource();
        var eventPump = events.RunAsync(eventsStop.Token, shutdown.EventsEnd);
        var trimmer = _options.IdleTrim is { } trim ? CreateTrimmer(trim) : null;
        var trimming = trimmer?.RunAsync(eventsStop.Token) ?? Task.CompletedTask;
        var informerLog = _options.Logs.CreateLogger("orkestra.informers");
        var informers = new SharedInformerFactory(client, new InformerOptions
        {
            Metrics = bridge,
            TimeProvider = time,
            OnError = (key, e) => Log.InformerError(informerLog, key.ToString(), e.Message),
        });
        var operators = new List<CrdOperator>();
        // One client for every external call of every operator: pooled connections, no automatic retries (a failed
        // call is the Katalog's to handle through continueOnError), per-call timeouts from the Katalog.
        using var externalHttp = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        WebhookHost? webhooks = null;
        try
        {
            var cross = new CrossDirectory();
            var external = new ExternalCalls(externalHttp, time);
            var services = new OperatorServices(informers, mapper, new KubeObjectWriter(client, client, mapper, informers), events, Metrics,
                _options.Logs, time, _options.Defaults, cross, _options.WatchNamespace, external, _options.WrapReconciler);
            var katalogOf = _katalogs.SelectMany(k => k.Operators.Select(o => (o, k))).ToDictionary(p => p.o, p => p.k);
            var sharded = _options.Shards > 1 && _options.LeaderElection is not null;
            foreach (var op in plan.OperatorOrder)
            {
                operators.Add(new CrdOperator(op, katalogOf[op].Name, services, NamespacePolicy.For(op, katalogOf[op].Source.Security),
                    sharded ? new ShardGate(_options.Shards) : null));
            }
            cross.Register(operators);
            // Webhooks are served and registered before any operator starts, so admission applies to the first CR.
            webhooks = await WebhookHost.StartAsync(_katalogs, _options.Webhooks, _options.WebhookBindAddress, _connection, client,
                external, (op, cr) => op.Cross.Count == 0 ? null : CrossView.Build(op, cr, cross, time, Random.Shared),
                Metrics, _options.Logs.CreateLogger("orkestra.webhooks"), time, stopping).ConfigureAwait(false);
            WebhookAddress = webhooks?.Address;
            WebhookCaBundle = webhooks?.CaBundlePem;
            State.Sources = _katalogs.SelectMany(k => k.Source.Sources.Select(s => (k.Name, s))).ToArray();
            State.GatewayEndpoint = _katalogs.Select(k => k.Source.Security?.GatewayEndpoint).FirstOrDefault(g => g is { Length: > 0 })
                                    ?? _options.GatewayEndpoint;
            State.SetOperators(operators.Select(o => View(o, _options, new CustomResourceDetail(o, client, cross, time))).ToArray());
            State.MarkStarted();
            _started.TrySetResult();
            // Start-up allocates a burst anyway; the request makes sure even a small Katalog gets one collection (and
            // the release of start-up pages that follows it) once the operators are running.
            trimmer?.Request();

            var byName = operators.ToDictionary(o => o.Name, StringComparer.Ordinal);
            IEnumerable<(CrdOperator Operator, DependencyCondition Condition)> Dependencies(CrdOperator o) =>
                o.Op.Settings.Dependencies.Where(d => byName.ContainsKey(d.Target)).Select(d => (byName[d.Target], d.Condition));
            var starts = operators.Select(o => StartOperatorAsync(o, Dependencies(o), stopping)).ToArray();
            IEnumerable<CrdOperator> DependsOn(CrdOperator o) => Dependencies(o).Select(d => d.Operator);
            var applySamples = ApplySamplesAsync(applier, samples, operators, stopping);

            // 1. stop intake and 2. drain: both in RunWorkersAsync once `stopping` (or the lost lease) cancels `leading`.
            KubeLeaseStore? lease = null;
            LeaderElector? elector = null;
            ShardCoordinator? shards = null;
            if (sharded && _options.LeaderElection is { } sharding)
            {
                // Every replica runs workers from the start; each takes only keys of the buckets it holds.
                var crds = operators.Select(o => new ShardedCrd(o.Name, $"{o.KatalogName}-{o.Name}", o.Shards!, o.EnqueueBucket)).ToArray();
                var leaseName = _options.LeaseName ?? DefaultLeaseName(_katalogs.Select(k => k.Name));
                shards = new ShardCoordinator(client, _options.LeaseNamespace ?? _connection.Namespace, leaseName, sharding,
                    _options.Shards, crds, Metrics, _log, time);
                State.ShardMembers = () => shards.Members;
                using var campaignStop = new CancellationTokenSource();
                var campaigning = shards.RunAsync(campaignStop.Token);
                await RunWorkersAsync(operators, DependsOn, stopping, shutdown).ConfigureAwait(false);
                // The buckets stay held (renewed, fencing valid) while the workers drain; then the campaigns end.
                await campaignStop.CancelAsync().ConfigureAwait(false);
                await campaigning.ConfigureAwait(false);
            }
            else if (_options.LeaderElection is { } election)
            {
                lease = new KubeLeaseStore(client, _options.LeaseNamespace ?? _connection.Namespace,
                    _options.LeaseName ?? DefaultLeaseName(_katalogs.Select(k => k.Name)));
                Log.Campaigning(_log, lease.Namespace, lease.Name, election.Identity);
                var observer = new LeadershipObserver(Metrics, lease.Name, election.Identity, _log);
                elector = new LeaderElector(lease, election, time, observer: observer);
                State.Leading = () => elector.IsLeader;
                await elector.RunAsync(leading => RunWorkersAsync(operators, DependsOn, leading, shutdown), stopping, releaseOnStop: false)
                    .ConfigureAwait(false);
            }
            else
            {
                await RunWorkersAsync(operators, DependsOn, stopping, shutdown).ConfigureAwait(false);
            }
            await Task.WhenAll(starts.Append(applySamples)).ConfigureAwait(false);
            // 3. Events: the pump flushes what is pending until its mark.
            var droppedBefore = events.Dropped;
            await eventsStop.CancelAsync().ConfigureAwait(false);
            await eventPump.ConfigureAwait(false);
            if (events.Dropped > droppedBefore) Log.EventsDropped(_log, events.Dropped - droppedBefore);
            // 4. the Lease: released (a follower takes over at its next attempt), then deleted at the released version.
            if (elector is not null && lease is not null) await ReleaseLeaseAsync(elector, lease, shutdown.LeaseEnd).ConfigureAwait(false);
            if (shards is not null) await shards.ReleaseAsync(shutdown.LeaseEnd).ConfigureAwait(false);
            // 5. what ork registered for itself goes (configurations, CRD conversion patches).
            if (webhooks is not null) await webhooks.StopAsync(shutdown.End).ConfigureAwait(false);
        }
        finally
        {
            if (webhooks is not null) await webhooks.DisposeAsync().ConfigureAwait(false);
            await eventsStop.CancelAsync().ConfigureAwait(false);
            await eventPump.ConfigureAwait(false);   // at once when already flushed, else bounded by the budget
            await trimming.ConfigureAwait(false);
            await informers.DisposeAsync().ConfigureAwait(false);
            foreach (var op in operators) op.Dispose();
        }
        Log.Stopped(_log);
        return 0;
    }

    /// <summary>Null once the API server answered; else, after <see cref="RuntimeOptions.ConnectTimeout"/> of attempts
    /// (200 ms doubling to 5 s apart), the last failure.</summary>
    private async Task<string?> UnreachableAsync(CancellationToken stopping)
    {
        using var bound = new CancellationTokenSource(_options.ConnectTimeout, _options.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, bound.Token);
        var delay = TimeSpan.FromMilliseconds(200);
        var last = "no answer";
        while (true)
        {
            try
            {
                await _connection.CheckReachableAsync(linked.Token).ConfigureAwait(false);
                return null;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return null;   // stopping before the start: nothing to report
            }
            catch (OperationCanceledException)
            {
                return last;
            }
            catch (Exception e) when (e is KubeApiException or HttpRequestException or TimeoutException)
            {
                last = e.Message;
            }
            try
            {
                await Task.Delay(delay, _options.Time, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return stopping.IsCancellationRequested ? null : last;
            }
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
        }
    }

    private IdleTrimmer CreateTrimmer(IdleTrimOptions options)
    {
        var imageReleased = !_options.ReleaseStartupPages; // only the sampling loop (one at a time) runs the callback
        return new IdleTrimmer(options, _options.Time, collected: () =>
        {
            Metrics.MemoryTrims.Inc();
            var info = GC.GetGCMemoryInfo();
            Log.MemoryTrimmed(_log, info.HeapSizeBytes, info.TotalCommittedBytes);
            // Once, at the first quiet point after every operator synced: start-up is over by then.
            if (imageReleased || !State.Ready) return;
            imageReleased = true;
            var release = ImagePages.Release();
            if (release.Error is { } why) Log.StartupPagesKept(_log, why);
            else
            {
                Log.StartupPagesReleased(_log, release.ReleasedBytes / 1024, release.Mappings, release.ResidentFileBefore / 1024,
                    release.ResidentFileAfter / 1024);
            }
        });
    }

    private async Task ReleaseLeaseAsync(LeaderElector elector, KubeLeaseStore lease, CancellationToken bound)
    {
        if (await lease.ReleaseAndDeleteAsync(elector, bound).ConfigureAwait(false) is { } failure)
            Log.LeaseNotDeleted(_log, lease.Name, failure);
    }

    /// <summary>Every operator's workers while <paramref name="leading"/> holds; on the stop, dependents drain before the
    /// operators they depend on (<see cref="ReverseOrderStop"/>), every one stopped at the budget's drain mark.</summary>
    private async Task RunWorkersAsync(IReadOnlyList<CrdOperator> operators, Func<CrdOperator, IEnumerable<CrdOperator>> dependsOn,
        CancellationToken leading, ShutdownBudget budget)
    {
        var drain = budget.Drain;
        await using var onStop = leading.Register(() => Log.ShuttingDown(_log, drain.TotalSeconds));
        await ReverseOrderStop.RunAsync(operators, dependsOn, async (o, stop) =>
        {
            try
            {
                await o.RunWorkersAsync(stop, drain).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        }, leading, budget.DrainEnd).ConfigureAwait(false);
    }

    private async Task StartOperatorAsync(CrdOperator op, IEnumerable<(CrdOperator Operator, DependencyCondition Condition)> dependencies,
        CancellationToken stopping)
    {
        try
        {
            await op.StartAsync(dependencies, stopping).ConfigureAwait(false);
            Log.OperatorSynced(_log, op.Name, op.Op.ApiTypes.Kind, op.Cache?.Count ?? 0, op.Options.Workers);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Log.OperatorFailed(_log, op.Name, e.Message);
        }
    }

    private async Task ApplySamplesAsync(ManifestApplier applier, IReadOnlyList<ManifestObject> samples,
        IReadOnlyList<CrdOperator> operators, CancellationToken stopping)
    {
        if (samples.Count == 0) return;
        try
        {
            await Task.WhenAll(operators.Select(o => o.Synced)).WaitAsync(stopping).ConfigureAwait(false);
            await applier.ApplyAsync(samples, _options.EstablishTimeout, stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private static OperatorView View(CrdOperator op, RuntimeOptions options, CustomResourceDetail detail) => new()
    {
        Detail = detail.WriteAsync,
        Events = detail.WriteEventsAsync,
        OutOfContact = () => op.OutOfContact(options.ContactBound, options.FailingContactBound),
        Crd = op.Name,
        Group = op.Op.ApiTypes.Group,
        Version = op.Op.ApiTypes.Version,
        Kind = op.Op.ApiTypes.Kind,
        Workers = op.Options.Workers,
        QueueDepth = () => op.QueueDepth,
        ActiveWorkers = () => op.ActiveWorkers,
        Health = () => op.Health,
        Synced = () => op.Synced.IsCompletedSuccessfully,
        Resources = () => op.Cache?.List() ?? [],
        Shards = op.Shards?.Buckets ?? 0,
        ShardsHeld = () => op.Shards?.Held(),
        Waiting = () => op.Synced.IsCompletedSuccessfully ? null : op.Waiting,
    };

    /// <summary><see cref="ICrossSource"/> over the operators of this process; dependents re-reconcile when a read CR changes.</summary>
    private sealed class CrossDirectory : ICrossSource
    {
        private Dictionary<string, CrdOperator> _byName = new(StringComparer.Ordinal);   // set once before start

        public void Register(IReadOnlyList<CrdOperator> operators)
        {
            _byName = operators.ToDictionary(o => o.Name, StringComparer.Ordinal);
            foreach (var reader in operators)
            {
                foreach (var target in reader.Op.Cross.Select(c => c.Source.Crd).OfType<string>().Distinct())
                {
                    if (_byName.TryGetValue(target, out var read))
                        read.AddDependent(cr => reader.EnqueueAll(Kube.ObjectMeta.Namespace(cr)));
                }
            }
        }

        public IReadOnlyList<JsonElement> List(string crd, string @namespace) =>
            _byName.TryGetValue(crd, out var op) && op.Op.Settings.CrossAccess && op.Cache is { } cache
                ? cache.List(@namespace.Length == 0 ? null : @namespace)
                : [];
    }

    private sealed class LeadershipObserver(RuntimeMetrics metrics, string lease, string identity, ILogger log) : ILeadershipObserver
    {
        public void LeadershipChanged(bool leading)
        {
            metrics.Leading(lease, leading);
            Log.Leadership(log, identity, leading ? "became leader" : "stopped leading");
        }

        public void LeaderObserved(string? holder)
        {
            if (holder is { Length: > 0 } && holder != identity) Log.Leadership(log, holder, "is the leader");
        }
    }
}
