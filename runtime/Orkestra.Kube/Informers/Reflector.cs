using System.Text.Json;
using Orkestra.ApiMachinery.Meta;
using Orkestra.ApiMachinery.Wait;
using Orkestra.Kube.Client;

namespace Orkestra.Kube.Informers;

/// <summary>
/// Keeps an <see cref="ObjectCache"/> equal to the server's state for one <see cref="InformerKey"/>, following the
/// list-then-watch contract (client-go <c>tools/cache/reflector.go</c>;
/// https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes):
/// <list type="number">
/// <item>List in pages (first time with <c>resourceVersion=0</c>, after an expiry with a consistent read), replace the
/// cache, remember the list's resourceVersion R.</item>
/// <item>Watch from R with bookmarks and a server timeout in [min, 2×min); apply every event in order; R follows each
/// event and bookmark.</item>
/// <item>A stream that ends (timeout, dropped connection) is re-watched from R at once; one that ends with no event
/// within a second backs off first, so a server closing every watch cannot make it spin.</item>
/// <item>410 Expired (HTTP or ERROR event, on watch or on a continue token) → relist from scratch.</item>
/// <item>A watch event older than R, or a watch answered "Too large resource version": the server went back in time
/// (restored, restarted empty) → relist with a consistent read and take its answer.</item>
/// <item>Any other failure → report, back off with jitter on the injected clock, then retry the step that failed.</item>
/// </list>
/// Not thread-safe: <see cref="RunAsync"/> is one loop; it alone writes the cache from the server and publishes
/// notifications, each cache change, its notification and the <see cref="ResourceVersion"/> it moves to together under
/// <c>publishGate</c> (so a write-through taken under the same gate compares with a version the cache is current at).
/// </summary>
internal sealed class Reflector(IKubeReader reader, IKubeWatcher watcher, InformerKey key, InformerOptions options, ObjectCache cache,
    Action<CacheDelta, bool> publish, Action onSynced, object publishGate)
{
    private readonly Backoff _backoff = new Backoff(options.InitialBackoff, options.MaxBackoff).WithEqualJitter();
    private int _failures;               // consecutive failed lists/watches (written by the loop only)
    private readonly TimeProvider _time = options.TimeProvider;
    // written by the loop only, under publishGate; read by write-throughs, diagnostics and tests
    private volatile string? _resourceVersion;
    private bool _synced;                        // loop only
    private long _lastContact = options.TimeProvider.GetTimestamp();   // Interlocked; the start counts as contact
    private volatile string? _lastError;

    /// <summary>How long ago the server last answered a list or watch (a page, an event or bookmark, a stream it ended
    /// itself), and the last failure since then once two attempts in a row failed (null otherwise: one failure followed
    /// by a re-watch that opens and stays quiet is a transient error, not a failing informer). Any thread.</summary>
    public InformerContact Contact =>
        new(_time.GetElapsedTime(Interlocked.Read(ref _lastContact)), Volatile.Read(ref _failures) >= 2 ? _lastError : null);

    private void Contacted()
    {
        Interlocked.Exchange(ref _lastContact, _time.GetTimestamp());
        _lastError = null;
    }

    /// <summary>The last resourceVersion the cache is known to be current at (null before the first list and after an expiry).</summary>
    public string? ResourceVersion => _resourceVersion;

    public async Task RunAsync(CancellationToken cancellation)
    {
        var listFrom = "0";
        while (!cancellation.IsCancellationRequested)
        {
            try
            {
                if (_resourceVersion is null)
                {
                    await ListAsync(listFrom, cancellation).ConfigureAwait(false);
                    _failures = 0;
                }
                await WatchAsync(cancellation).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                return;
            }
            catch (KubeApiException e) when (e.IsExpired)
            {
                options.Metrics.WatchRestarted(key.Resource, "expired");
                lock (publishGate) _resourceVersion = null;
                listFrom = "";   // a consistent read: the cache must not go back in time
            }
            catch (Exception e) when (e is ResourceVersionRegressedException || e is KubeApiException { IsResourceVersionTooLarge: true })
            {
                // The server is behind our cache (restored from a backup, restarted empty): only a consistent list tells
                // what it holds now, and its answer is taken even though it is older than what the cache was at.
                options.Metrics.WatchRestarted(key.Resource, "regressed");
                options.OnError?.Invoke(key, e);
                lock (publishGate) _resourceVersion = null;
                listFrom = "";
            }
            catch (Exception e)
            {
                _lastError = e.Message;
                options.Metrics.WatchRestarted(key.Resource, "error");
                options.OnError?.Invoke(key, e);
                if (!await DelayAsync(_backoff.Delay(++_failures, options.Random()), cancellation).ConfigureAwait(false)) return;
            }
        }
    }

    /// <summary>Lists every page, then replaces the cache and takes the list's version as one step.</summary>
    private async Task ListAsync(string resourceVersion, CancellationToken cancellation)
    {
        var items = new List<JsonElement>();
        string? listVersion = null, next = null;
        do
        {
            var page = await reader.ListAsync(key.Resource, key.Namespace, new ListOptions
            {
                LabelSelector = key.LabelSelector,
                FieldSelector = key.FieldSelector,
                Limit = options.PageSize,
                Continue = next,
                ResourceVersion = next is null ? resourceVersion : null,
                WithoutManagedFields = true,
            }, cancellation).ConfigureAwait(false);
            Contacted();
            listVersion ??= page.ResourceVersion;
            items.AddRange(page.Items);
            next = page.Continue;
        } while (next is not null);

        var initial = !_synced;
        lock (publishGate)
        {
            foreach (var delta in cache.Replace(items)) publish(delta, initial);
            _resourceVersion = listVersion.Length > 0 ? listVersion : "0";
        }
        if (!_synced)
        {
            _synced = true;
            onSynced();
        }
    }

    private async Task WatchAsync(CancellationToken cancellation)
    {
        var timeout = options.MinWatchTimeout * (1 + options.Random());
        // The server ends the stream after `timeout`; if it goes silent instead (a dead connection), give up a bit later.
        using var deadline = new CancellationTokenSource(timeout + TimeSpan.FromSeconds(30), _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellation, deadline.Token);
        var started = _time.GetTimestamp();
        var events = 0;
        var watch = new WatchOptions
        {
            ResourceVersion = _resourceVersion,
            LabelSelector = key.LabelSelector,
            FieldSelector = key.FieldSelector,
            AllowBookmarks = true,
            Timeout = timeout,
            WithoutManagedFields = true,
        };
        try
        {
            await foreach (var evt in watcher.WatchAsync(key.Resource, key.Namespace, watch, linked.Token).ConfigureAwait(false))
            {
                if (evt.Type != WatchEventType.Error) Contacted();
                Apply(evt);
                if (events++ == 0) _failures = 0;
            }
            Contacted();   // the server ended the stream (its timeout)
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested && deadline.IsCancellationRequested)
        {
            // silent past its timeout: treat as closed and re-watch
        }
        options.Metrics.WatchRestarted(key.Resource, "closed");
        if (events == 0 && _time.GetElapsedTime(started) < TimeSpan.FromSeconds(1))
            await DelayAsync(_backoff.Delay(++_failures, options.Random()), cancellation).ConfigureAwait(false);
    }

    /// <summary>Changes the cache, publishes the change and moves the version as one step under the informer's publish
    /// gate, so a subscriber's snapshot is taken either before all of it or after.</summary>
    private void Apply(WatchEvent evt)
    {
        if (evt.Type != WatchEventType.Error && ResourceVersions.IsNewer(_resourceVersion, evt.ResourceVersion))
            throw new ResourceVersionRegressedException(evt.ResourceVersion!, _resourceVersion!);
        lock (publishGate)
        {
            ApplyToCache(evt);
            if (evt.ResourceVersion is { Length: > 0 } rv) _resourceVersion = rv;
        }
    }

    private void ApplyToCache(WatchEvent evt)
    {
        switch (evt.Type)
        {
            case WatchEventType.Error:
                throw evt.Error!;
            case WatchEventType.Added:
            case WatchEventType.Modified:
                // null: older than our own write-through of that object, whose event is still to come and will notify.
                if (cache.Upsert(evt.Object) is { } delta) publish(delta, false);
                break;
            case WatchEventType.Deleted:
                cache.Remove(evt.Object);
                publish(new CacheDelta(CacheDeltaType.Deleted, null, evt.Object), false);
                break;
            case WatchEventType.Bookmark:
                break;
        }
    }

    private async Task<bool> DelayAsync(TimeSpan delay, CancellationToken cancellation)
    {
        try
        {
            await Task.Delay(delay, _time, cancellation).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

/// <summary>A watch event older than the version the cache is at: the server went back in time.</summary>
internal sealed class ResourceVersionRegressedException(string received, string cached)
    : Exception($"the API server answered resourceVersion {received}, older than the cache's {cached}: it went back in time " +
        "(restored from a backup or restarted empty); relisting");
