using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Kube;
using Orkestra.Kube.Client;
using Orkestra.Kube.Informers;

namespace Orkestra.Benchmarks.Informers;

/// <summary>
/// Informer event handling (runtime/Orkestra.Kube/Informers), per batch of <see cref="Events"/> MODIFIED events of
/// managed Deployments (1,000 distinct objects, label index on <c>orkestra.orkspace.io/managed</c>):
/// decoding the watch stream, applying the events to the cache, and the whole path from a watch to a handler
/// through a <see cref="SharedInformer"/> (reflector, cache, publish gate, dispatch). Run:
/// dotnet run -c Release --project bench/Orkestra.Benchmarks -- --filter '*InformerBenchmarks*' --job short --inProcess
/// </summary>
[MemoryDiagnoser]
public class InformerBenchmarks
{
    public const int Events = 1_000;
    static readonly GroupVersionResource Deployments = new("apps", "v1", "deployments");

    byte[] _stream = [];
    JsonElement[] _objects = [];
    ObjectCache _cache = null!;

    [GlobalSetup]
    public void Setup()
    {
        var lines = new StringBuilder();
        _objects = new JsonElement[Events];
        for (var i = 0; i < Events; i++)
        {
            var json = Deployment(i, resourceVersion: 1000 + i);
            lines.Append("{\"type\":\"MODIFIED\",\"object\":").Append(json).Append("}\n");
            _objects[i] = JsonDocument.Parse(json).RootElement.Clone();
        }
        _stream = Encoding.UTF8.GetBytes(lines.ToString());
        _cache = new ObjectCache();
        _cache.AddLabelIndex(WellKnownLabels.Managed);
        foreach (var o in _objects) _cache.Upsert(o);
    }

    /// <summary>Watch stream bytes → <see cref="WatchEvent"/>s (managedFields stripped, as the informer asks).</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public async Task<int> DecodeWatchEvent()
    {
        var n = 0;
        await foreach (var e in WatchStreamDecoder.ReadAsync(new MemoryStream(_stream, writable: false), stripManagedFields: true, CancellationToken.None))
            n += e.Type == WatchEventType.Modified ? 1 : 0;
        return n;
    }

    /// <summary>An update of a cached object into the cache with its label index (the reflector's write per event).</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public int UpsertIntoCache()
    {
        var replaced = 0;
        foreach (var o in _objects) replaced += _cache.Upsert(o)?.Type == CacheDeltaType.Updated ? 1 : 0;
        return replaced;
    }

    /// <summary>Watch → reflector → cache → dispatch → handler, for a fresh informer that first lists nothing.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public async Task<int> WatchToHandler()
    {
        using var stop = new CancellationTokenSource();
        var source = new ScriptedSource(_objects);
        var informer = new SharedInformer(new InformerKey(Deployments), source, source, new InformerOptions());
        informer.AddLabelIndex(WellKnownLabels.Managed);
        var handler = new CountingHandler(Events);
        using var subscription = informer.AddEventHandler(handler);
        var run = informer.RunAsync(stop.Token);
        await handler.AllSeen.Task.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        await run.ConfigureAwait(false);
        return handler.Seen;
    }

    static string Deployment(int i, int resourceVersion) => """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"w@NAME","namespace":"default","uid":"0000-@I",
        "resourceVersion":"@RV","generation":1,"labels":{"app":"w@NAME","@LABEL":"true"},
        "ownerReferences":[{"apiVersion":"footprint.orkestra.io/v1","kind":"Widget00","name":"w@NAME","uid":"1111-@I","controller":true,"blockOwnerDeletion":true}],
        "managedFields":[{"manager":"ork","operation":"Apply","apiVersion":"apps/v1","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:replicas":{}}}}]},
        "spec":{"replicas":2,"selector":{"matchLabels":{"app":"w@NAME"}},"template":{"metadata":{"labels":{"app":"w@NAME"}},
        "spec":{"containers":[{"name":"app","image":"nginx:1.27","ports":[{"containerPort":8080}]}]}}},
        "status":{"observedGeneration":1,"replicas":2,"readyReplicas":2,"availableReplicas":2}}
        """.Replace("\n", "", StringComparison.Ordinal)
        .Replace("@NAME", i.ToString("0000", CultureInfo.InvariantCulture), StringComparison.Ordinal).Replace("@I", i.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("@RV", resourceVersion.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal).Replace("@LABEL", WellKnownLabels.Managed, StringComparison.Ordinal);

    /// <summary>Lists nothing, then streams the prepared objects as MODIFIED events, then waits for cancellation.</summary>
    sealed class ScriptedSource(JsonElement[] objects) : IKubeReader, IKubeWatcher
    {
        public Task<JsonElement> GetAsync(GroupVersionResource resource, string? @namespace, string name, CancellationToken cancellation) =>
            throw new NotSupportedException();

        public Task<KubeList> ListAsync(GroupVersionResource resource, string? @namespace, ListOptions options, CancellationToken cancellation) =>
            Task.FromResult(new KubeList([], "1", null));

        public async IAsyncEnumerable<WatchEvent> WatchAsync(GroupVersionResource resource, string? @namespace, WatchOptions options,
            [EnumeratorCancellation] CancellationToken cancellation)
        {
            foreach (var o in objects) yield return new WatchEvent(WatchEventType.Modified, o);
            await Task.Delay(Timeout.Infinite, cancellation).ConfigureAwait(false);
        }
    }

    sealed class CountingHandler(int expected) : IResourceEventHandler
    {
        public readonly TaskCompletionSource AllSeen = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Seen;

        public void OnAdd(JsonElement obj, bool isInitialList) => Count();
        public void OnUpdate(JsonElement oldObj, JsonElement newObj) => Count();
        public void OnDelete(JsonElement obj) => Count();

        void Count()
        {
            if (++Seen == expected) AllSeen.TrySetResult();
        }
    }
}
