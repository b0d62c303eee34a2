using System.Text.Json;
using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Runtime.Reconciliation;

namespace Orkestra.Runtime.Tests.Reconciliation;

/// <summary>
/// The reconciler's ports over an in-memory object set: reads return snapshots, writes are recorded and applied
/// (apply stores the manifest and keeps server-owned fields such as status; patches are JSON merge patches).
/// Enough to test the reconcile logic; the HTTP path is tested against the sandbox.
/// </summary>
internal sealed class FakeCluster : IObjectReader, IObjectWriter, IEventRecorder
{
    public readonly Dictionary<ObjectRef, JsonObject> Objects = new();
    public readonly List<string> Writes = [];
    public readonly List<(EventType Type, string Reason, string Message)> Events = [];

    /// <summary>When set, applies of this kind fail with it (an API error seen by the reconciler).</summary>
    public (string Kind, Exception Error)? FailApply;

    /// <summary>When set, an apply finds nothing to change — as a server does when the stored object differs from the
    /// manifest only in form — so it stores nothing and answers with the stored resourceVersion.</summary>
    public bool NoOpApplies;

    /// <summary>When set, the CR is deleted on the server but still in the reader's cache (its watch event has not
    /// arrived): every write to it fails with the server's 404 for it.</summary>
    public bool CrGoneOnServer;

    private long _revision = 100;

    public void Put(string json)
    {
        var obj = JsonNode.Parse(json)!.AsObject();
        Objects[ObjectRef.Of(obj)] = obj;
    }

    public JsonObject Get(string kind, string? ns, string name) => Objects.Single(o => o.Key.Kind == kind && o.Key.Namespace == ns && o.Key.Name == name).Value;

    public JsonElement? GetCustomResource(ObjectKey key) =>
        Objects.Where(o => o.Key.Kind == "Website" && o.Key.Namespace == key.NamespaceOrNull && o.Key.Name == key.Name).Select(o => (JsonElement?)Element(o.Value)).FirstOrDefault();

    public IReadOnlyList<JsonElement> ListCustomResources() =>
        Objects.Where(o => o.Key.Kind == "Website").Select(o => Element(o.Value)).ToArray();

    public IReadOnlyList<JsonElement> ListOwnedChildren(string ownerName, string? ownerNamespace) =>
        Objects.Values.Where(o => (string?)o["metadata"]?["labels"]?["orkestra-owner"] == ownerName
                                  && ((string?)o["metadata"]?["namespace"] is null || (string?)o["metadata"]?["namespace"] == ownerNamespace))
            .Select(Element).ToArray();

    public ValueTask<string?> ApplyAsync(JsonObject manifest, bool force, CancellationToken cancellation)
    {
        var target = ObjectRef.Of(manifest);
        if (FailApply is { } failure && failure.Kind == target.Kind) throw failure.Error;
        Writes.Add($"apply {target}");
        Objects.TryGetValue(target, out var existing);
        if (NoOpApplies && existing is not null) return ValueTask.FromResult((string?)existing["metadata"]?["resourceVersion"]?.GetValue<string>());
        var stored = (JsonObject)manifest.DeepClone();
        if (existing?["status"] is { } status) stored["status"] = status.DeepClone();
        var resourceVersion = (++_revision).ToString(System.Globalization.CultureInfo.InvariantCulture);
        stored["metadata"]!["resourceVersion"] = resourceVersion;
        Objects[target] = stored;
        return ValueTask.FromResult<string?>(resourceVersion);
    }

    public ValueTask DeleteAsync(ObjectRef target, CancellationToken cancellation)
    {
        Writes.Add($"delete {target}");
        Objects.Remove(target);
        return ValueTask.CompletedTask;
    }

    public ValueTask PatchAsync(ObjectRef target, JsonObject mergePatch, CancellationToken cancellation)
    {
        ThrowIfGone(target);
        Writes.Add($"patch {target}");
        Merge(Objects[target], mergePatch);
        return ValueTask.CompletedTask;
    }

    public ValueTask PatchStatusAsync(ObjectRef target, JsonObject mergePatch, CancellationToken cancellation)
    {
        ThrowIfGone(target);
        Writes.Add($"status {target}");
        Merge(Objects[target], mergePatch);
        return ValueTask.CompletedTask;
    }

    /// <summary>The server's answer to a write of a deleted CR: 404 NotFound with the CR's name and resource in details.</summary>
    private void ThrowIfGone(ObjectRef target)
    {
        if (!CrGoneOnServer || target.Kind != "Website") return;
        using var details = JsonDocument.Parse($$"""{"name":"{{target.Name}}","group":"demo.orkestra.io","kind":"websites"}""");
        throw new Orkestra.Kube.Client.KubeApiException(404, "NotFound", $"websites.demo.orkestra.io \"{target.Name}\" not found",
            details.RootElement.Clone());
    }

    public void Record(ObjectRef involved, string? uid, EventType type, string reason, string message) => Events.Add((type, reason, message));

    private static JsonElement Element(JsonObject obj) => JsonDocument.Parse(obj.ToJsonString()).RootElement.Clone();

    private static void Merge(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch)
        {
            if (value is null) target.Remove(key);
            else if (value is JsonObject p && target[key] is JsonObject t) Merge(t, p);
            else target[key] = value.DeepClone();
        }
    }
}
