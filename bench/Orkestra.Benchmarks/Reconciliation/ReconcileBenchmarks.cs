using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Katalog.Compilation;
using Orkestra.Runtime;
using Orkestra.Runtime.Reconciliation;

namespace Orkestra.Benchmarks.Reconciliation;

/// <summary>
/// One full reconcile of a converged hello-website CR against in-memory caches (the steady state: zero writes),
/// and JSON (de)serialization of a Deployment. Run:
/// dotnet run -c Release --project bench/Orkestra.Benchmarks -- --filter '*ReconcileBenchmarks*' --job short --inProcess
/// </summary>
[MemoryDiagnoser]
public class ReconcileBenchmarks
{
    private sealed class Caches : IObjectReader, IObjectWriter, IEventRecorder
    {
        public JsonElement Cr;
        public JsonElement[] Children = [];
        public int Writes;
        public JsonElement? GetCustomResource(ObjectKey key) => Cr;
        public IReadOnlyList<JsonElement> ListOwnedChildren(string ownerName, string? ownerNamespace) => Children;
        public IReadOnlyList<JsonElement> ListCustomResources() => [Cr];
        public ValueTask<string?> ApplyAsync(JsonObject manifest, bool force, CancellationToken cancellation) { Writes++; return ValueTask.FromResult<string?>(null); }
        public ValueTask DeleteAsync(ObjectRef target, CancellationToken cancellation) { Writes++; return ValueTask.CompletedTask; }
        public ValueTask PatchAsync(ObjectRef target, JsonObject mergePatch, CancellationToken cancellation) { Writes++; return ValueTask.CompletedTask; }
        public ValueTask PatchStatusAsync(ObjectRef target, JsonObject mergePatch, CancellationToken cancellation) { Writes++; return ValueTask.CompletedTask; }
        public void Record(ObjectRef involved, string? uid, EventType type, string reason, string message) { }
    }

    private readonly Caches _caches = new();
    private KatalogReconciler _reconciler = null!;
    private byte[] _deploymentJson = [];
    private static readonly ObjectKey Key = new("default", "hello");

    [GlobalSetup]
    public void Setup()
    {
        var root = Repository.Root;
        var op = KatalogCompiler.CompileFiles([Path.Combine(root, "samples", "hello-website", "katalog.yaml")]).Katalogs[0].Operators[0];
        _caches.Cr = JsonDocument.Parse("""
            {"apiVersion":"demo.orkestra.io/v1alpha1","kind":"Website",
             "metadata":{"name":"hello","namespace":"default","uid":"u1","generation":1,"resourceVersion":"9",
                         "finalizers":["orkestra.orkspace.io/finalizer"],"labels":{"orkestra.orkspace.io/managed":"true"},
                         "annotations":{"orkestra.orkspace.io/managed-by":"website-operator"}},
             "spec":{"image":"nginx:1.27","replicas":2,"port":8080},
             "status":{"observedGeneration":1,"conditions":[{"type":"Ready","status":"True","reason":"ReconcileSucceeded","message":"","lastTransitionTime":"2026-01-01T00:00:00Z"}]}}
            """).RootElement.Clone();
        _reconciler = new KatalogReconciler(op, "website-operator", _caches, _caches, _caches, TimeProvider.System);
        // Observed children = what the first reconcile would apply, as the caches would hold them.
        var first = Orkestra.Katalog.Rendering.OperatorRenderer.Render(new Orkestra.Katalog.Rendering.RenderRequest(op, _caches.Cr, []));
        _caches.Children = first.Children.Select(c => JsonDocument.Parse(c.Manifest.ToJsonString()).RootElement.Clone()).ToArray();
        _deploymentJson = System.Text.Encoding.UTF8.GetBytes(first.Children[0].Manifest.ToJsonString());
        _reconciler.ReconcileAsync(Key, default).AsTask().GetAwaiter().GetResult();
        if (_caches.Writes != 0) throw new InvalidOperationException($"the benchmark CR is not converged ({_caches.Writes} writes)");
    }

    [Benchmark(Description = "reconcile a converged CR (0 writes)")]
    public async Task<int> ReconcileConverged()
    {
        await _reconciler.ReconcileAsync(Key, default);
        return _caches.Writes;
    }

    [Benchmark(Description = "parse a Deployment (JsonDocument, cloned)")]
    public JsonElement ParseDeployment()
    {
        using var doc = JsonDocument.Parse(_deploymentJson);
        return doc.RootElement.Clone();
    }

    [Benchmark(Description = "parse + serialize a Deployment (JsonNode)")]
    public string RoundTripDeployment() => JsonNode.Parse(_deploymentJson)!.ToJsonString();
}
