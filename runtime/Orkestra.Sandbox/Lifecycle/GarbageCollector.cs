using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Sandbox.Api;
using Orkestra.Sandbox.Handlers;
using Orkestra.Sandbox.Resources;
using Orkestra.Sandbox.Storage;

namespace Orkestra.Sandbox.Lifecycle;

/// <summary>
/// ownerReferences garbage collection (https://kubernetes.io/docs/concepts/architecture/garbage-collection/): Background (dependents whose
/// owners are all gone are deleted; dangling references to a gone owner are dropped when another owner lives), Foreground (the owner keeps
/// <c>foregroundDeletion</c> until no dependent with blockOwnerDeletion remains), Orphan (references stripped,
/// then <c>orphan</c> removed). Owners are identified by uid; a namespaced dependent only sees owners in its own
/// namespace or cluster-scoped ones. Runs on the controller loop only (not thread-safe by itself).
/// </summary>
internal sealed class GarbageCollector(ObjectService objects) : IController
{
    private const string Foreground = "foregroundDeletion";
    private const string Orphan = "orphan";

    public void Handle(string table, StoreChange e)
    {
        var obj = e.Object;
        if (e.Type == WatchEventType.Deleted)
        {
            CollectDependentsOf(obj.Uid);
            foreach (var owner in LiveOwners(obj))
                if (owner.Stored.IsDeleting && owner.Stored.Finalizers.Contains(Foreground)) FinishForeground(owner.Type, owner.Stored);
            return;
        }
        if (obj.IsDeleting)
        {
            var type = TypeOf(table);
            if (type is null) return;
            if (obj.Finalizers.Contains(Orphan)) OrphanDependents(type, obj);
            else if (obj.Finalizers.Contains(Foreground)) DeleteDependentsForeground(type, obj);
            return;
        }
        if (e.Type == WatchEventType.Added && OwnerRefs(obj).Any() && !LiveOwners(obj).Any() && TypeOf(table) is { } t)
            objects.Delete(t, obj.Namespace, obj.Name, DeleteOptions.Background);
    }

    private ResourceType? TypeOf(string table) => objects.Registry.Current.Preferred(table);

    private static IEnumerable<JsonObject> OwnerRefs(StoredObject obj) =>
        (obj.Metadata["ownerReferences"] as JsonArray ?? []).OfType<JsonObject>();

    private IEnumerable<(ResourceType Type, StoredObject Stored)> Dependents(string ownerUid)
    {
        foreach (var table in objects.Store.Tables)
        {
            var type = TypeOf(table.Key);
            if (type is null) continue;
            foreach (var item in table.Items.Values)
            {
                if (OwnerRefs(item).Any(r => Json.Str(r, "uid") == ownerUid)) yield return (type, item);
            }
        }
    }

    private IEnumerable<(ResourceType Type, StoredObject Stored)> LiveOwners(StoredObject dependent)
    {
        foreach (var reference in OwnerRefs(dependent))
        {
            var owner = Resolve(reference, dependent.Namespace);
            if (owner is not null) yield return owner.Value;
        }
    }

    private (ResourceType Type, StoredObject Stored)? Resolve(JsonObject reference, string dependentNamespace)
    {
        var apiVersion = Json.Str(reference, "apiVersion");
        var kind = Json.Str(reference, "kind");
        var type = objects.Registry.Current.Types.FirstOrDefault(t => t.GroupVersion == apiVersion && t.Kind == kind)
                   ?? objects.Registry.Current.Types.FirstOrDefault(t =>
                       t.Kind == kind && apiVersion?.Split('/')[0] == (t.Group.Length == 0 ? t.Version : t.Group));
        if (type is null) return null;
        var ns = type.Namespaced ? dependentNamespace : "";
        if (type.Namespaced && dependentNamespace.Length == 0) return null;
        var stored = objects.Store.Get(type.StorageKey, new ObjectKey(ns, Json.Str(reference, "name") ?? ""));
        return stored is not null && stored.Uid == Json.Str(reference, "uid") ? (type, stored) : null;
    }

    private void CollectDependentsOf(string ownerUid)
    {
        foreach (var (type, dependent) in Dependents(ownerUid).ToList())
        {
            if (LiveOwners(dependent).Any()) DropReference(type, dependent, ownerUid);
            else if (!dependent.IsDeleting) objects.Delete(type, dependent.Namespace, dependent.Name, DeleteOptions.Background);
        }
    }

    private void OrphanDependents(ResourceType type, StoredObject owner)
    {
        foreach (var (dependentType, dependent) in Dependents(owner.Uid).ToList()) DropReference(dependentType, dependent, owner.Uid);
        RemoveFinalizer(type, owner, Orphan);
    }

    private void DeleteDependentsForeground(ResourceType type, StoredObject owner)
    {
        foreach (var (dependentType, dependent) in Dependents(owner.Uid).ToList())
        {
            if (!dependent.IsDeleting)
                objects.Delete(dependentType, dependent.Namespace, dependent.Name,
                    new DeleteOptions { Propagation = PropagationPolicy.Foreground });
        }
        FinishForeground(type, objects.Store.Get(type.StorageKey, owner.Key) ?? owner);
    }

    private void FinishForeground(ResourceType type, StoredObject owner)
    {
        var blocking = Dependents(owner.Uid)
            .Any(d => OwnerRefs(d.Stored).Any(r => Json.Str(r, "uid") == owner.Uid && Json.Bool(r, "blockOwnerDeletion") == true));
        if (!blocking) RemoveFinalizer(type, owner, Foreground);
    }

    private void DropReference(ResourceType type, StoredObject dependent, string ownerUid) =>
        objects.Update(type, dependent.Namespace, dependent.Name, current =>
        {
            var copy = current!.Clone();
            var metadata = (JsonObject)copy["metadata"]!;
            var refs = new JsonArray(OwnerRefs(current).Where(r => Json.Str(r, "uid") != ownerUid).Select(r => (JsonNode?)r.DeepClone())
                .ToArray());
            if (refs.Count == 0) metadata.Remove("ownerReferences");
            else metadata["ownerReferences"] = refs;
            return copy;
        }, WriteRequest.Internal("garbage-collector"));

    private void RemoveFinalizer(ResourceType type, StoredObject owner, string finalizer) =>
        Finalizers.Remove(objects, type, owner, finalizer, "garbage-collector");
}

/// <summary>Removing one finalizer through the normal update path (which deletes the object when none remain).</summary>
internal static class Finalizers
{
    public static void Remove(ObjectService objects, ResourceType type, StoredObject obj, string finalizer, string manager) =>
        objects.Update(type, obj.Namespace, obj.Name, current =>
        {
            var copy = current!.Clone();
            var metadata = (JsonObject)copy["metadata"]!;
            var remaining = current.Finalizers.Where(f => f != finalizer).ToList();
            if (remaining.Count == 0) metadata.Remove("finalizers");
            else metadata["finalizers"] = new JsonArray(remaining.Select(f => (JsonNode?)f).ToArray());
            return copy;
        }, WriteRequest.Internal(manager));
}
