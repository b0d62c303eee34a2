using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Manifests;
using Orkestra.Kube;
using Orkestra.Kube.Client;
using Orkestra.Runtime.Observability;

namespace Orkestra.Runtime.Cluster;

/// <summary>One object of a manifest file, where it was written.</summary>
public sealed record ManifestObject(JsonObject Body, string File, SourceLocation Location)
{
    public string Kind => (string?)Body["kind"] ?? "";

    public string Name => (string?)Body["metadata"]?["name"] ?? "";
}

/// <summary>
/// Applies the manifests <c>ork run --apply</c> declares (crdFile, setup, crFiles) with server-side apply
/// (field manager <see cref="FieldManager"/>, forced: the files are the source of truth for what they declare), and
/// waits for CRDs to be established. Files are parsed once, up front (<see cref="Load"/>), so a broken file stops
/// the start before anything is applied. Thread-safe.
/// </summary>
public sealed class ManifestApplier
{
    public const string FieldManager = "ork";

    private static readonly GroupVersionResource Crds = new("apiextensions.k8s.io", "v1", "customresourcedefinitions");
    private readonly IKubeClient _client;
    private readonly IRestMapper _mapper;
    private readonly string _defaultNamespace;
    private readonly ILogger _log;
    private readonly TimeProvider _time;

    public ManifestApplier(IKubeClient client, IRestMapper mapper, string defaultNamespace, ILogger log, TimeProvider time)
    {
        _client = client;
        _mapper = mapper;
        _defaultNamespace = defaultNamespace;
        _log = log;
        _time = time;
    }

    /// <summary>Parses every file; each problem (unreadable file, YAML error, a document that is not an object with
    /// apiVersion, kind and metadata.name) is a located diagnostic.</summary>
    public static IReadOnlyList<ManifestObject> Load(IEnumerable<string> files, DiagnosticBag diagnostics)
    {
        var objects = new List<ManifestObject>();
        foreach (var file in files)
        {
            foreach (var document in ManifestYaml.Load(file, diagnostics))
            {
                if (document.Content is JsonObject { } body && body["kind"] is JsonValue && body["apiVersion"] is JsonValue
                    && body["metadata"]?["name"] is JsonValue)
                {
                    if ((string?)body["kind"] == "List" && body["items"] is JsonArray items)
                    {
                        foreach (var item in items.OfType<JsonObject>())
                            objects.Add(new ManifestObject((JsonObject)item.DeepClone(), file, document.Location));
                        continue;
                    }
                    objects.Add(new ManifestObject(body, file, document.Location));
                }
                else
                {
                    diagnostics.Error(document.Location, "a manifest must be an object with apiVersion, kind and metadata.name");
                }
            }
        }
        return objects;
    }

    /// <summary>Applies every object in order; CRDs are then awaited until Established (bounded by <paramref name="establishTimeout"/>).
    /// Returns false (after logging each failure with its file) when anything failed.</summary>
    public async Task<bool> ApplyAsync(IReadOnlyList<ManifestObject> objects, TimeSpan establishTimeout, CancellationToken cancellation)
    {
        var ok = true;
        var crds = new List<string>();
        foreach (var obj in objects)
        {
            try
            {
                var kind = GroupVersionKind.From((string)obj.Body["apiVersion"]!, obj.Kind);
                var mapping = await _mapper.MapAsync(kind, cancellation).ConfigureAwait(false);
                string? ns = null;
                if (mapping.Namespaced)
                {
                    ns = (string?)obj.Body["metadata"]!["namespace"] ?? _defaultNamespace;
                }
                await _client.PatchAsync(mapping.Resource, ns, obj.Name, PatchType.Apply, obj.Body,
                    new WriteOptions { FieldManager = FieldManager, Force = true }, cancellation).ConfigureAwait(false);
                Log.Applied(_log, obj.Kind, ns is null ? obj.Name : $"{ns}/{obj.Name}", obj.File);
                if (mapping.Resource == Crds) crds.Add(obj.Name);
            }
            catch (Exception e) when (e is KubeApiException or HttpRequestException or ArgumentException)
            {
                Log.ApplyFailed(_log, $"{obj.Location}: {obj.Kind} {obj.Name}", e.Message);
                ok = false;
            }
        }
        foreach (var crd in crds) ok &= await WaitEstablishedAsync(crd, establishTimeout, cancellation).ConfigureAwait(false);
        return ok;
    }

    private async Task<bool> WaitEstablishedAsync(string name, TimeSpan timeout, CancellationToken cancellation)
    {
        var deadline = _time.GetTimestamp() + (long)(timeout.TotalSeconds * _time.TimestampFrequency);
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            var crd = await _client.GetAsync(Crds, null, name, cancellation).ConfigureAwait(false);
            if (Established(crd)) return true;
            if (_time.GetTimestamp() >= deadline)
            {
                Log.ApplyFailed(_log, $"CustomResourceDefinition {name}", $"not Established after {timeout.TotalSeconds:0} s");
                return false;
            }
            await Task.Delay(delay, _time, cancellation).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(1).Ticks));
        }
    }

    private static bool Established(JsonElement crd) =>
        crd.TryGetProperty("status", out var status) && status.TryGetProperty("conditions", out var conditions)
        && conditions.ValueKind == JsonValueKind.Array
        && conditions.EnumerateArray().Any(c => c.TryGetProperty("type", out var t) && t.GetString() == "Established"
                                                && c.TryGetProperty("status", out var s) && s.GetString() == "True");
}
