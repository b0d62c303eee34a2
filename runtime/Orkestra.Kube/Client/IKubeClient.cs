using System.Text.Json;
using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Meta;

namespace Orkestra.Kube.Client;

/// <summary>
/// Reads objects of any resource. <paramref name="namespace"/> is null for cluster-scoped resources and for a list or
/// watch across all namespaces. Results are immutable, self-contained <see cref="JsonElement"/>s. Thread-safe.
/// </summary>
public interface IKubeReader
{
    /// <summary>Throws <see cref="KubeApiException"/> (<see cref="KubeApiException.IsNotFound"/>) when absent.</summary>
    Task<JsonElement> GetAsync(GroupVersionResource resource, string? @namespace, string name, CancellationToken cancellation);

    /// <summary>One page; follow <see cref="KubeList.Continue"/> for more.</summary>
    Task<KubeList> ListAsync(GroupVersionResource resource, string? @namespace, ListOptions options, CancellationToken cancellation);
}

/// <summary>Streams changes of a collection. Thread-safe.</summary>
public interface IKubeWatcher
{
    /// <summary>
    /// Events in server order until the server ends the stream or <paramref name="cancellation"/> fires (then the
    /// enumeration ends with <see cref="OperationCanceledException"/>). An HTTP error before the stream starts throws
    /// <see cref="KubeApiException"/> from the first <c>MoveNextAsync</c>; an ERROR event is delivered as an event
    /// with <see cref="WatchEvent.Error"/> set, after which the server closes the stream.
    /// </summary>
    IAsyncEnumerable<WatchEvent> WatchAsync(GroupVersionResource resource, string? @namespace, WatchOptions options,
        CancellationToken cancellation);
}

/// <summary>Writes objects. Bodies are sent as JSON; the server's resulting object is returned. Thread-safe.</summary>
public interface IKubeWriter
{
    Task<JsonElement> CreateAsync(GroupVersionResource resource, string? @namespace, JsonObject body, WriteOptions? options,
        CancellationToken cancellation);

    /// <summary>PUT: replaces the object; a <c>metadata.resourceVersion</c> in the body makes it conditional (409 when stale).</summary>
    Task<JsonElement> UpdateAsync(GroupVersionResource resource, string? @namespace, string name, JsonObject body, WriteOptions? options,
        CancellationToken cancellation);

    Task<JsonElement> PatchAsync(GroupVersionResource resource, string? @namespace, string name, PatchType type, JsonNode patch,
        WriteOptions? options, CancellationToken cancellation);

    /// <summary>Returns the object when it still exists (finalizers pending, or foreground deletion), otherwise null.
    /// Throws <see cref="KubeApiException"/> (404) when it was already gone.</summary>
    Task<JsonElement?> DeleteAsync(GroupVersionResource resource, string? @namespace, string name, DeleteOptions? options,
        CancellationToken cancellation);
}

/// <summary>Writes the <c>/status</c> subresource. Thread-safe.</summary>
public interface IKubeStatusWriter
{
    Task<JsonElement> UpdateStatusAsync(GroupVersionResource resource, string? @namespace, string name, JsonObject body,
        WriteOptions? options, CancellationToken cancellation);

    Task<JsonElement> PatchStatusAsync(GroupVersionResource resource, string? @namespace, string name, PatchType type, JsonNode patch,
        WriteOptions? options, CancellationToken cancellation);
}

/// <summary>The whole dynamic client. Consumers should depend on the narrow interface they need.</summary>
public interface IKubeClient : IKubeReader, IKubeWatcher, IKubeWriter, IKubeStatusWriter;

/// <summary>One page of a list: the items, the list's resourceVersion (a consistent point to watch from) and the continue token.</summary>
public sealed record KubeList(IReadOnlyList<JsonElement> Items, string ResourceVersion, string? Continue);

/// <summary>One watch event. For <see cref="WatchEventType.Error"/>, <see cref="Error"/> holds the Status and <see cref="Object"/> the raw
/// Status object.</summary>
public sealed record WatchEvent(WatchEventType Type, JsonElement Object, KubeApiException? Error = null)
{
    /// <summary>The event object's <c>metadata.resourceVersion</c> (for every type but ERROR).</summary>
    public string? ResourceVersion => Type == WatchEventType.Error ? null : ObjectMeta.ResourceVersion(Object);
}
