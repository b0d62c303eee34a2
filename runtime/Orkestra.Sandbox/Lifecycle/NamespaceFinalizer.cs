using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Sandbox.Handlers;
using Orkestra.Sandbox.Storage;

namespace Orkestra.Sandbox.Lifecycle;

/// <summary>
/// The namespace controller: when a namespace is terminating, deletes every namespaced object in it
/// (their finalizers are honoured), and once nothing is left removes the <c>kubernetes</c> finalizer through
/// <c>/finalize</c>, which removes the namespace. Re-checked whenever an object in a terminating namespace goes.
/// </summary>
internal sealed class NamespaceFinalizer(ObjectService objects) : IController
{
    public void Handle(string table, StoreChange e)
    {
        if (table == "namespaces")
        {
            if (e.Type != WatchEventType.Deleted && e.Object.IsDeleting) Drain(e.Object.Name);
            return;
        }
        if (e.Type == WatchEventType.Deleted && e.Object.Namespace.Length > 0 &&
            objects.Store.Get("namespaces", new ObjectKey("", e.Object.Namespace)) is { IsDeleting: true })
        {
            Drain(e.Object.Namespace);
        }
    }

    private void Drain(string ns)
    {
        var remaining = 0;
        foreach (var table in objects.Store.Tables)
        {
            var type = objects.Registry.Current.Preferred(table.Key);
            if (type is null || !type.Namespaced) continue;
            foreach (var item in table.Items.Values.Where(o => o.Namespace == ns).ToList())
            {
                remaining++;
                if (!item.IsDeleting) objects.Delete(type, ns, item.Name, DeleteOptions.Background);
            }
        }
        if (remaining > 0 && objects.Store.Tables.Any(t => t.Items.Values.Any(o => o.Namespace == ns))) return;
        var namespaces = objects.Registry.Current.Find("", "v1", "namespaces")!;
        objects.Update(namespaces, null, ns, current =>
        {
            var copy = current!.Clone();
            ((JsonObject)copy["spec"]!)["finalizers"] = new JsonArray();
            return copy;
        }, WriteRequest.Internal("namespace-controller", Subresource.Finalize));
    }
}
