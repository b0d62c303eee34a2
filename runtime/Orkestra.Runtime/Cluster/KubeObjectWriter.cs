using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Kube;
using Orkestra.Kube.Client;
using Orkestra.Kube.Informers;
using Orkestra.Runtime.Reconciliation;

namespace Orkestra.Runtime.Cluster;

/// <summary>
/// <see cref="IObjectWriter"/> over the dynamic client: children by server-side apply (field manager
/// <see cref="FieldManager"/>), the CR's metadata and status by JSON merge patches, deletes in the background
/// (the garbage collector removes dependents). The resource of each kind comes from discovery (cached by the mapper).
/// One API request per call; a 404 on delete means "already gone" and is not an error. Read-your-writes: the
/// server's answer to every apply and patch is written through to the informer caches of its resource
/// (<see cref="SharedInformerFactory.WriteThrough"/>), so the next reconcile reads it even before its watch event
/// arrives. Thread-safe.
/// </summary>
internal sealed class KubeObjectWriter(IKubeWriter writer, IKubeStatusWriter status, IRestMapper mapper, SharedInformerFactory informers)
    : IObjectWriter
{
    public const string FieldManager = "orkestra";

    private static readonly DeleteOptions Background = new() { Propagation = PropagationPolicy.Background };

    public async ValueTask<string?> ApplyAsync(JsonObject manifest, bool force, CancellationToken cancellation)
    {
        var target = ObjectRef.Of(manifest);
        var mapping = await MapAsync(target, cancellation).ConfigureAwait(false);
        var applied = await writer.PatchAsync(mapping.Resource, Scope(mapping, target), target.Name, PatchType.Apply, manifest,
            new WriteOptions { FieldManager = FieldManager, Force = force }, cancellation).ConfigureAwait(false);
        informers.WriteThrough(mapping.Resource, applied);
        return ObjectMeta.ResourceVersion(applied);
    }

    public async ValueTask DeleteAsync(ObjectRef target, CancellationToken cancellation)
    {
        var mapping = await MapAsync(target, cancellation).ConfigureAwait(false);
        try
        {
            await writer.DeleteAsync(mapping.Resource, Scope(mapping, target), target.Name, Background, cancellation).ConfigureAwait(false);
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
        }
    }

    public async ValueTask PatchAsync(ObjectRef target, JsonObject mergePatch, CancellationToken cancellation)
    {
        var mapping = await MapAsync(target, cancellation).ConfigureAwait(false);
        var patched = await writer.PatchAsync(mapping.Resource, Scope(mapping, target), target.Name, PatchType.Merge, mergePatch,
            new WriteOptions { FieldManager = FieldManager }, cancellation).ConfigureAwait(false);
        informers.WriteThrough(mapping.Resource, patched);
    }

    public async ValueTask PatchStatusAsync(ObjectRef target, JsonObject mergePatch, CancellationToken cancellation)
    {
        var mapping = await MapAsync(target, cancellation).ConfigureAwait(false);
        var patched = await status.PatchStatusAsync(mapping.Resource, Scope(mapping, target), target.Name, PatchType.Merge, mergePatch,
            new WriteOptions { FieldManager = FieldManager }, cancellation).ConfigureAwait(false);
        informers.WriteThrough(mapping.Resource, patched);
    }

    private Task<ResourceMapping> MapAsync(ObjectRef target, CancellationToken cancellation) =>
        mapper.MapAsync(GroupVersionKind.From(target.ApiVersion, target.Kind), cancellation);

    private static string? Scope(ResourceMapping mapping, ObjectRef target) => mapping.Namespaced ? target.Namespace ?? "default" : null;
}
