using Orkestra.ApiMachinery.Meta;
using Orkestra.Sandbox.Api;
using Orkestra.Sandbox.Handlers;
using Orkestra.Sandbox.Resources;
using Orkestra.Sandbox.Storage;

namespace Orkestra.Sandbox.Lifecycle;

/// <summary>
/// CRD deletion: while a CRD carries <c>customresourcecleanup.apiextensions.k8s.io</c> and is being
/// deleted, deletes all its custom resources (finalizers honoured); when none is left, removes the finalizer, the
/// CRD goes away and its types leave discovery.
/// </summary>
internal sealed class CrdCleanup(ObjectService objects) : IController
{
    private const string Finalizer = "customresourcecleanup.apiextensions.k8s.io";

    public void Handle(string table, StoreChange e)
    {
        if (table == CustomResourceDefinitions.StorageKey)
        {
            if (e.Type != WatchEventType.Deleted && e.Object.IsDeleting && e.Object.Finalizers.Contains(Finalizer)) Drain(e.Object);
            return;
        }
        if (e.Type != WatchEventType.Deleted) return;
        var type = objects.Registry.Current.Preferred(table);
        if (type?.Custom is null) return;
        if (objects.Store.Get(CustomResourceDefinitions.StorageKey, new ObjectKey("", type.Custom.CrdName)) is { IsDeleting: true } crd)
            Drain(crd);
    }

    private void Drain(StoredObject crd)
    {
        var group = Json.Str(crd.Object["spec"], "group");
        var plural = Json.Str(Json.Path(crd.Object, "spec.names"), "plural");
        var key = $"{plural}.{group}";
        var type = objects.Registry.Current.Preferred(key);
        var items = objects.Store.Table(key).Items.Values.ToList();
        if (type is not null)
        {
            foreach (var item in items.Where(i => !i.IsDeleting)) objects.Delete(type, item.Namespace, item.Name, DeleteOptions.Background);
        }
        if (!objects.Store.Table(key).Items.IsEmpty) return;
        var crdType = objects.Registry.Current.Find("apiextensions.k8s.io", "v1", "customresourcedefinitions")!;
        Finalizers.Remove(objects, crdType, crd, Finalizer, "apiextensions-controller");
    }
}
