using System.Text.Json;
using System.Threading.Channels;
using Orkestra.Kube.Client;

namespace Orkestra.Kube.Informers;

/// <summary>
/// One list+watch of an <see cref="InformerKey"/>, its cache, and the handlers subscribed to it. Obtain it from
/// <see cref="SharedInformerFactory"/>; every member is thread-safe.
/// </summary>
public interface IInformer
{
    InformerKey Key { get; }

    IObjectCache Cache { get; }

    /// <summary>True once the first list is in the cache (it then stays true, across relists).</summary>
    bool HasSynced { get; }

    /// <summary>When the server last answered its list or watch, and the failure since (readiness reads it).</summary>
    InformerContact Contact { get; }

    /// <summary>Completes when <see cref="HasSynced"/> turns true; cancellable.</summary>
    Task WaitForSyncAsync(CancellationToken cancellation);

    /// <summary>
    /// Subscribes <paramref name="handler"/>. It first receives an add for every object already cached (a replay,
    /// <c>isInitialList</c> = true), then every later change. Dispose the result to unsubscribe.
    /// </summary>
    IDisposable AddEventHandler(IResourceEventHandler handler);

    /// <summary>Maintains an index by label <paramref name="labelKey"/> for <see cref="IObjectCache.ByLabel"/>. Idempotent.</summary>
    void AddLabelIndex(string labelKey);
}

/// <summary>
/// The informer: a <see cref="Reflector"/> feeding the cache, a dispatcher delivering notifications to handlers, and
/// an optional resync ticker. Concurrency: the reflector loop is the only writer of what the server sends (plus index
/// creation under the cache's gate); <see cref="WriteThrough"/> may store our own writes from any thread, under the
/// publish gate, and posts nothing. Notifications, subscriptions and resync ticks all go through one unbounded channel read by the
/// single dispatch loop, so handlers are called sequentially, in cache order; a new subscriber's replay is a cache
/// snapshot taken under the same gate as the reflector's change-and-post, so it sees each object exactly once (hazard,
/// as in client-go: a stalled handler lets the channel grow without bound).
/// </summary>
internal sealed class SharedInformer : IInformer
{
    private readonly ObjectCache _cache = new();
    private readonly Channel<Notification> _notifications =
        Channel.CreateUnbounded<Notification>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly InformerOptions _options;
    private readonly Reflector _reflector;
    private readonly InformerFilter _filter;
    private readonly object _publishGate = new();              // a cache change and its notification are posted as one step under it
    private List<IResourceEventHandler> _handlers = new();   // dispatch loop only

    public SharedInformer(InformerKey key, IKubeReader reader, IKubeWatcher watcher, InformerOptions options)
    {
        Key = key;
        _options = options;
        _filter = new InformerFilter(key);
        _reflector = new Reflector(reader, watcher, key, options, _cache,
            (delta, initial) => Post(new Notification(NotificationKind.Delta, delta, initial)), () => _synced.TrySetResult(), _publishGate);
    }

    public InformerKey Key { get; }

    public IObjectCache Cache => _cache;

    public bool HasSynced => _synced.Task.IsCompleted;

    internal string? ResourceVersion => _reflector.ResourceVersion;

    public InformerContact Contact => _reflector.Contact;

    public Task WaitForSyncAsync(CancellationToken cancellation) => _synced.Task.WaitAsync(cancellation);

    public IDisposable AddEventHandler(IResourceEventHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        // The snapshot and the subscription enter the channel together: the snapshot holds exactly the changes
        // posted before it, and the handler receives exactly the ones posted after it.
        lock (_publishGate) Post(new Notification(NotificationKind.Subscribe, default, false, handler, _cache.List()));
        return new Subscription(this, handler);
    }

    public void AddLabelIndex(string labelKey) => _cache.AddLabelIndex(labelKey);

    /// <summary>
    /// Read-your-writes: stores <paramref name="obj"/> (the server's answer to our own write) when this informer would
    /// list it, has listed, and its watch has not yet reached <paramref name="obj"/>'s resourceVersion — once it has,
    /// the cache already holds that state or a later one (possibly the object's deletion, which a late write-through
    /// must not undo). The cache then keeps it only if it is newer than the stored object
    /// (<see cref="ObjectCache.WriteThrough"/>). Handlers are not called. Thread-safe.
    /// </summary>
    internal bool WriteThrough(JsonElement obj)
    {
        if (!_filter.Admits(obj)) return false;
        lock (_publishGate)
            return ResourceVersions.IsNewer(ObjectMeta.ResourceVersion(obj), _reflector.ResourceVersion) && _cache.WriteThrough(obj);
    }

    /// <summary>Runs the reflector, the dispatcher and the resync ticker until <paramref name="cancellation"/> fires.</summary>
    public Task RunAsync(CancellationToken cancellation) =>
        Task.WhenAll(
            Task.Run(() => _reflector.RunAsync(cancellation), CancellationToken.None),
            Task.Run(() => DispatchAsync(cancellation), CancellationToken.None),
            Task.Run(() => ResyncAsync(cancellation), CancellationToken.None));

    private void Post(Notification notification) => _notifications.Writer.TryWrite(notification);

    private async Task DispatchAsync(CancellationToken cancellation)
    {
        try
        {
            await foreach (var notification in _notifications.Reader.ReadAllAsync(cancellation).ConfigureAwait(false))
                Dispatch(notification);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
        }
    }

    private void Dispatch(Notification notification)
    {
        switch (notification.Kind)
        {
            case NotificationKind.Subscribe:
                _handlers = [.. _handlers, notification.Handler!];
                foreach (var obj in notification.Snapshot!) Deliver(notification.Handler!, h => h.OnAdd(obj, true));
                break;
            case NotificationKind.Unsubscribe:
                _handlers = _handlers.Where(h => !ReferenceEquals(h, notification.Handler)).ToList();
                break;
            case NotificationKind.Resync:
                foreach (var obj in _cache.List())
                    foreach (var handler in _handlers) Deliver(handler, h => h.OnUpdate(obj, obj));
                break;
            case NotificationKind.Delta:
                var delta = notification.Delta;
                foreach (var handler in _handlers)
                {
                    switch (delta.Type)
                    {
                        case CacheDeltaType.Added: Deliver(handler, h => h.OnAdd(delta.Current, notification.Initial)); break;
                        case CacheDeltaType.Updated: Deliver(handler, h => h.OnUpdate(delta.Old!.Value, delta.Current)); break;
                        case CacheDeltaType.Deleted: Deliver(handler, h => h.OnDelete(delta.Current)); break;
                    }
                }
                break;
        }
    }

    private void Deliver(IResourceEventHandler handler, Action<IResourceEventHandler> call)
    {
        try
        {
            call(handler);
        }
        catch (Exception e)
        {
            _options.OnError?.Invoke(Key, e);
        }
    }

    private async Task ResyncAsync(CancellationToken cancellation)
    {
        if (_options.ResyncPeriod <= TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(_options.ResyncPeriod, _options.TimeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellation).ConfigureAwait(false))
                if (HasSynced) Post(new Notification(NotificationKind.Resync, default, false));
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
        }
    }

    private enum NotificationKind { Delta, Resync, Subscribe, Unsubscribe }

    private sealed record Notification(NotificationKind Kind, CacheDelta Delta, bool Initial, IResourceEventHandler? Handler = null,
        IReadOnlyList<JsonElement>? Snapshot = null);

    private sealed class Subscription(SharedInformer owner, IResourceEventHandler handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
                owner.Post(new Notification(NotificationKind.Unsubscribe, default, false, handler));
        }
    }
}
