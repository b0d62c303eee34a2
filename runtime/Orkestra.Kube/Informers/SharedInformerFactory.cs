using System.Text.Json;
using Orkestra.Kube.Client;

namespace Orkestra.Kube.Informers;

/// <summary>
/// Hands out one informer per <see cref="InformerKey"/> (resource, namespace, label selector), shared by every
/// caller that asks for the same key: the runtime watches each child kind once, filtered by the managed label, for
/// all CRDs. Informers created before <see cref="Start"/> start with it; those created after start at once.
/// Thread-safe. Dispose to stop every informer and wait for their loops to end.
/// </summary>
public sealed class SharedInformerFactory : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly Dictionary<InformerKey, SharedInformer> _informers = new();   // guarded by _gate
    private readonly List<Task> _running = new();                                 // guarded by _gate
    private readonly CancellationTokenSource _stop = new();
    private readonly IKubeReader _reader;
    private readonly IKubeWatcher _watcher;
    private readonly InformerOptions _options;
    private bool _started;                                                        // guarded by _gate

    public SharedInformerFactory(IKubeReader reader, IKubeWatcher watcher, InformerOptions? options = null)
    {
        _reader = reader;
        _watcher = watcher;
        _options = options ?? new InformerOptions();
    }

    public SharedInformerFactory(IKubeClient client, InformerOptions? options = null) : this(client, client, options) { }

    /// <summary>The informer for <paramref name="key"/>, created on first request.</summary>
    public IInformer GetInformer(InformerKey key)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stop.IsCancellationRequested, this);
            if (_informers.TryGetValue(key, out var existing)) return existing;
            var informer = new SharedInformer(key, _reader, _watcher, _options);
            _informers[key] = informer;
            if (_started) _running.Add(informer.RunAsync(_stop.Token));
            return informer;
        }
    }

    public IInformer GetInformer(GroupVersionResource resource, string? @namespace = null, string? labelSelector = null) =>
        GetInformer(new InformerKey(resource, @namespace, labelSelector));

    public IReadOnlyList<IInformer> Informers
    {
        get
        {
            lock (_gate) return _informers.Values.ToList();
        }
    }

    /// <summary>
    /// Read-your-writes for the caller's own writes: puts <paramref name="written"/>, the server's answer to a
    /// successful write of <paramref name="resource"/>, into the cache of every informer of that resource that would
    /// list it, when it is newer than what that informer has seen (numeric resourceVersions only; an opaque one waits
    /// for the watch). No handler is called; the write's watch event follows and notifies as usual. Returns how many
    /// caches took it. Thread-safe.
    /// </summary>
    public int WriteThrough(GroupVersionResource resource, JsonElement written)
    {
        var targets = new List<SharedInformer>(1);
        lock (_gate)
        {
            foreach (var (key, informer) in _informers)
                if (key.Resource == resource) targets.Add(informer);
        }
        var taken = 0;
        foreach (var informer in targets)
            if (informer.WriteThrough(written)) taken++;
        return taken;
    }

    /// <summary>Starts every informer created so far and every one created later. Idempotent.</summary>
    public void Start()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stop.IsCancellationRequested, this);
            if (_started) return;
            _started = true;
            foreach (var informer in _informers.Values) _running.Add(informer.RunAsync(_stop.Token));
        }
    }

    /// <summary>Completes when every informer created so far has synced.</summary>
    public Task WaitForCacheSyncAsync(CancellationToken cancellation) =>
        Task.WhenAll(Informers.Select(i => i.WaitForSyncAsync(cancellation)));

    public async ValueTask DisposeAsync()
    {
        Task[] running;
        lock (_gate)
        {
            if (_stop.IsCancellationRequested) return;
            _stop.Cancel();
            running = _running.ToArray();
        }
        await Task.WhenAll(running).ConfigureAwait(false);
        _stop.Dispose();
    }
}
