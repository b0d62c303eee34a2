using System.Text.Json;
using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Meta;

namespace Orkestra.Runtime.Reconciliation;

/// <summary>
/// What the reconciler reads — always the informer caches, never the API: the CR by key, and the children that
/// carry its owner label, and every CR of the operator's kind (for <c>unique</c>). Implementations must be thread-safe;
/// returned elements are immutable snapshots.
/// </summary>
public interface IObjectReader
{
    JsonElement? GetCustomResource(ObjectKey key);
    IReadOnlyList<JsonElement> ListCustomResources();
    IReadOnlyList<JsonElement> ListOwnedChildren(string ownerName, string? ownerNamespace);
}

/// <summary>Identifies one object for a delete.</summary>
public readonly record struct ObjectRef(string ApiVersion, string Kind, string? Namespace, string Name)
{
    public override string ToString() => $"{Kind} {(Namespace is null ? "" : Namespace + "/")}{Name}";

    public static ObjectRef Of(JsonNode obj) => new(
        (string)obj["apiVersion"]!, (string)obj["kind"]!, (string?)obj["metadata"]?["namespace"], (string)obj["metadata"]!["name"]!);

    public static ObjectRef Of(JsonElement obj)
    {
        var md = obj.GetProperty("metadata");
        return new(obj.GetProperty("apiVersion").GetString()!, obj.GetProperty("kind").GetString()!,
            md.TryGetProperty("namespace", out var ns) ? ns.GetString() : null, md.GetProperty("name").GetString()!);
    }
}

/// <summary>
/// What the reconciler writes. Children go through server-side apply (field manager <c>orkestra</c>); the CR's
/// metadata through a merge patch of the main resource; its status through a merge patch of <c>/status</c>.
/// Each call is one API request; failures throw and the controller retries the key.
/// </summary>
public interface IObjectWriter
{
    /// <summary>Returns the object's resourceVersion after the apply (null when unknown): the one it had before means
    /// the apply changed nothing.</summary>
    ValueTask<string?> ApplyAsync(JsonObject manifest, bool force, CancellationToken cancellation);
    ValueTask DeleteAsync(ObjectRef target, CancellationToken cancellation);
    ValueTask PatchAsync(ObjectRef target, JsonObject mergePatch, CancellationToken cancellation);
    ValueTask PatchStatusAsync(ObjectRef target, JsonObject mergePatch, CancellationToken cancellation);
}

public enum EventType { Normal, Warning }

/// <summary>Records Kubernetes Events on an object; implementations aggregate repeats (count), never storm. Thread-safe.</summary>
public interface IEventRecorder
{
    void Record(ObjectRef involved, string? uid, EventType type, string reason, string message);
}
