using System.Text.Json;

namespace Orkestra.Kube.Informers;

/// <summary>
/// Receives an informer's notifications. Calls for one informer are sequential (never concurrent, in the order the
/// cache changed) on the informer's dispatch task; they must return quickly — hand the key to a work queue. An
/// exception is reported to <see cref="InformerOptions.OnError"/> and the next notification is delivered.
/// </summary>
public interface IResourceEventHandler
{
    /// <summary>A new object; <paramref name="isInitialList"/> while delivering the first list (or the replay to a late
    /// subscriber).</summary>
    void OnAdd(JsonElement obj, bool isInitialList);

    /// <summary>A changed object, or one with the same resourceVersion in both: the periodic resync, or the watch event
    /// of a write already written through to the cache (<see cref="SharedInformerFactory.WriteThrough"/>), even when
    /// the server reported it as ADDED.</summary>
    void OnUpdate(JsonElement oldObj, JsonElement newObj);

    /// <summary>The object is gone: its last known state (after a relist, the state before it disappeared).</summary>
    void OnDelete(JsonElement obj);
}

/// <summary>An <see cref="IResourceEventHandler"/> from delegates; a missing delegate ignores that notification.</summary>
public sealed class ResourceEventHandler(
    Action<JsonElement, bool>? onAdd = null,
    Action<JsonElement, JsonElement>? onUpdate = null,
    Action<JsonElement>? onDelete = null) : IResourceEventHandler
{
    public void OnAdd(JsonElement obj, bool isInitialList) => onAdd?.Invoke(obj, isInitialList);

    public void OnUpdate(JsonElement oldObj, JsonElement newObj) => onUpdate?.Invoke(oldObj, newObj);

    public void OnDelete(JsonElement obj) => onDelete?.Invoke(obj);
}
