using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Threading.Channels;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Orkestra.Baseline;

/// <summary>
/// List, then watch with the client's Watch API (re-watch from the last resourceVersion when the stream ends,
/// relist on 410); every event puts the object in a dictionary and its key on a de-duplicating channel; one
/// worker reconciles: Deployment, Service and ConfigMap are created (with an owner reference) when missing, and
/// <c>status</c> (phase, endpoint, Ready condition) is merge-patched when it is not already current.
/// </summary>
public sealed class Operator(Kubernetes client, CrdInfo crd)
{
    const string ManagedLabel = "orkestra.orkspace.io/managed";
    readonly ConcurrentDictionary<string, Widget> _latest = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, byte> _queued = new(StringComparer.Ordinal);
    readonly Channel<string> _queue = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    long _reconciles, _errors;

    public long Reconciles => Interlocked.Read(ref _reconciles);
    public long Errors => Interlocked.Read(ref _errors);

    public async Task RunAsync(CancellationToken cancellation)
    {
        var worker = Task.Run(() => WorkAsync(cancellation), cancellation);
        var synced = false;
        while (!cancellation.IsCancellationRequested)
        {
            string resourceVersion;
            try
            {
                var list = await client.CustomObjects.ListClusterCustomObjectAsync<WidgetList>(
                    crd.Group, crd.Version, crd.Plural, cancellationToken: cancellation);
                foreach (var item in list.Items) Enqueue(item);
                resourceVersion = list.Metadata.ResourceVersion;
            }
            catch (HttpOperationException e) when (!cancellation.IsCancellationRequested)
            {
                await Console.Error.WriteLineAsync($"list failed: {e.Response.StatusCode}");
                await Task.Delay(TimeSpan.FromSeconds(1), cancellation);
                continue;
            }
            if (!synced)
            {
                synced = true;
                Console.WriteLine("synced");
            }
            resourceVersion = await WatchAsync(resourceVersion, cancellation);
        }
        _queue.Writer.TryComplete();
        await worker;
    }

    /// <summary>Watches until the server says 410 (returns so the caller relists); re-watches when a stream ends.</summary>
    async Task<string> WatchAsync(string resourceVersion, CancellationToken cancellation)
    {
        while (!cancellation.IsCancellationRequested)
        {
            var expired = false;
            try
            {
                var events = client.CustomObjects.WatchListClusterCustomObjectAsync(
                    crd.Group, crd.Version, crd.Plural, allowWatchBookmarks: true, resourceVersion: resourceVersion,
                    timeoutSeconds: 300, cancellationToken: cancellation);
                await foreach (var (type, raw) in events)
                {
                    // The custom-object watch yields untyped JSON; the typed object is one deserialization away.
                    var item = KubernetesJson.Deserialize<Widget>(((JsonElement)raw).GetRawText());
                    resourceVersion = item.Metadata.ResourceVersion ?? resourceVersion;
                    switch (type)
                    {
                        case WatchEventType.Added or WatchEventType.Modified:
                            Enqueue(item);
                            break;
                        case WatchEventType.Deleted:
                            _latest.TryRemove(Key(item), out _);
                            break;
                        case WatchEventType.Error:
                            expired = true;
                            break;
                    }
                    if (expired) break;
                }
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Gone)
            {
                expired = true;
            }
            catch (KubernetesException)
            {
                expired = true; // an ERROR event (410 Expired) surfaces as an exception from the watcher
            }
            catch (Exception e) when (e is HttpRequestException or IOException && !cancellation.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellation);
            }
            if (expired) return resourceVersion;
        }
        return resourceVersion;
    }

    static string Key(Widget w) => $"{w.Metadata.NamespaceProperty}/{w.Metadata.Name}";

    void Enqueue(Widget item)
    {
        var key = Key(item);
        _latest[key] = item;
        if (_queued.TryAdd(key, 0)) _queue.Writer.TryWrite(key);
    }

    async Task WorkAsync(CancellationToken cancellation)
    {
        await foreach (var key in _queue.Reader.ReadAllAsync(cancellation))
        {
            _queued.TryRemove(key, out _);
            if (!_latest.TryGetValue(key, out var widget)) continue;
            try
            {
                await ReconcileAsync(widget, cancellation);
                Interlocked.Increment(ref _reconciles);
            }
            catch (Exception e) when (e is HttpOperationException or HttpRequestException && !cancellation.IsCancellationRequested)
            {
                Interlocked.Increment(ref _errors);
                await Console.Error.WriteLineAsync($"reconcile {key} failed: {e.Message}");
                _ = RequeueLaterAsync(key, cancellation);
            }
        }
    }

    async Task RequeueLaterAsync(string key, CancellationToken cancellation)
    {
        await Task.Delay(TimeSpan.FromSeconds(1), cancellation);
        if (_queued.TryAdd(key, 0)) _queue.Writer.TryWrite(key);
    }

    async Task ReconcileAsync(Widget widget, CancellationToken cancellation)
    {
        if (widget.Metadata.DeletionTimestamp is not null) return; // children go with the owner (garbage collection)
        var ns = widget.Metadata.NamespaceProperty;
        var name = widget.Metadata.Name;
        var owner = new V1OwnerReference { ApiVersion = crd.ApiVersion, Kind = crd.Kind, Name = name, Uid = widget.Metadata.Uid, BlockOwnerDeletion = true, Controller = true };
        var labels = new Dictionary<string, string> { ["app"] = name, [ManagedLabel] = "true" };

        await EnsureAsync(
            () => client.AppsV1.ReadNamespacedDeploymentAsync(name, ns, cancellationToken: cancellation),
            () => client.AppsV1.CreateNamespacedDeploymentAsync(new V1Deployment
            {
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = labels, OwnerReferences = [owner] },
                Spec = new V1DeploymentSpec
                {
                    Replicas = widget.Spec.Replicas,
                    Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
                    Template = new V1PodTemplateSpec
                    {
                        Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                        Spec = new V1PodSpec
                        {
                            Containers = [new V1Container { Name = name, Image = widget.Spec.Image, Ports = [new V1ContainerPort { ContainerPort = widget.Spec.Port }] }],
                        },
                    },
                },
            }, ns, cancellationToken: cancellation));
        await EnsureAsync(
            () => client.CoreV1.ReadNamespacedServiceAsync(name, ns, cancellationToken: cancellation),
            () => client.CoreV1.CreateNamespacedServiceAsync(new V1Service
            {
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = labels, OwnerReferences = [owner] },
                Spec = new V1ServiceSpec
                {
                    Selector = new Dictionary<string, string> { ["app"] = name },
                    Ports = [new V1ServicePort { Name = "http", Port = 80, TargetPort = widget.Spec.Port }],
                },
            }, ns, cancellationToken: cancellation));
        await EnsureAsync(
            () => client.CoreV1.ReadNamespacedConfigMapAsync($"{name}-config", ns, cancellationToken: cancellation),
            () => client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
            {
                Metadata = new V1ObjectMeta { Name = $"{name}-config", NamespaceProperty = ns, Labels = labels, OwnerReferences = [owner] },
                Data = new Dictionary<string, string> { ["image"] = widget.Spec.Image, ["port"] = widget.Spec.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            }, ns, cancellationToken: cancellation));

        var endpoint = $"{name}.{ns}.svc.cluster.local";
        var status = widget.Status;
        var ready = status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
        if (status?.Phase == "Active" && status.Endpoint == endpoint && status.ObservedGeneration == widget.Metadata.Generation && ready?.Status == "True")
            return;
        var patch = new
        {
            status = new WidgetStatus
            {
                Phase = "Active",
                Endpoint = endpoint,
                ObservedGeneration = widget.Metadata.Generation,
                Conditions = [new V1Condition
                {
                    Type = "Ready", Status = "True", Reason = "Reconciled", Message = "children created",
                    LastTransitionTime = DateTime.UtcNow, ObservedGeneration = widget.Metadata.Generation,
                }],
            },
        };
        await client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(new V1Patch(patch, V1Patch.PatchType.MergePatch),
            crd.Group, crd.Version, ns, crd.Plural, name, cancellationToken: cancellation);
    }

    static async Task EnsureAsync<T>(Func<Task<T>> read, Func<Task<T>> create)
    {
        try
        {
            await read();
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            try
            {
                await create();
            }
            catch (HttpOperationException c) when (c.Response.StatusCode == HttpStatusCode.Conflict)
            {
                // created meanwhile (a re-queued key): fine
            }
        }
    }
}
