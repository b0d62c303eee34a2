using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Kube;
using Orkestra.Kube.Client;
using Orkestra.Runtime.Reconciliation;

namespace Orkestra.Runtime.Simulation;

/// <summary>
/// The reconciler's real <see cref="IObjectWriter"/>, with every write that changed something recorded as an
/// <see cref="Operation"/>. An apply is a <c>create</c> when the object did not exist, an <c>update</c> when its
/// resourceVersion moved, and nothing when the server changed nothing; metadata merge patches are <c>patch</c> on the
/// resource, status patches <c>patch</c> on <c>resource/status</c>. Used by one cycle at a time (not thread-safe).
/// </summary>
internal sealed class RecordingWriter(IObjectWriter inner, IKubeReader reader, IRestMapper mapper) : IObjectWriter
{
    private readonly List<Operation> _operations = [];

    /// <summary>The CRD whose reconcile is running (set by the simulator before each reconcile).</summary>
    public string Crd { get; set; } = "";

    /// <summary>Takes the operations recorded since the last call.</summary>
    public IReadOnlyList<Operation> Take()
    {
        var taken = _operations.ToArray();
        _operations.Clear();
        return taken;
    }

    public async ValueTask<string?> ApplyAsync(JsonObject manifest, bool force, CancellationToken cancellation)
    {
        var target = ObjectRef.Of(manifest);
        var mapping = await MapAsync(target, cancellation).ConfigureAwait(false);
        string? before = null;
        try
        {
            var current = await reader.GetAsync(mapping.Resource, Scope(mapping, target), target.Name, cancellation)
                .ConfigureAwait(false);
            before = Kube.ObjectMeta.ResourceVersion(current);
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
        }
        var after = await inner.ApplyAsync(manifest, force, cancellation).ConfigureAwait(false);
        if (before is null) Record("create", mapping.Resource.Resource, mapping, target);
        else if (after != before) Record("update", mapping.Resource.Resource, mapping, target);
        return after;
    }

    public async ValueTask DeleteAsync(ObjectRef target, CancellationToken cancellation)
    {
        await inner.DeleteAsync(target, cancellation).ConfigureAwait(false);
        var mapping = await MapAsync(target, cancellation).ConfigureAwait(false);
        Record("delete", mapping.Resource.Resource, mapping, target);
    }

    public async ValueTask PatchAsync(ObjectRef target, JsonObject mergePatch, CancellationToken cancellation)
    {
        await inner.PatchAsync(target, mergePatch, cancellation).ConfigureAwait(false);
        var mapping = await MapAsync(target, cancellation).ConfigureAwait(false);
        Record("patch", mapping.Resource.Resource, mapping, target);
    }

    public async ValueTask PatchStatusAsync(ObjectRef target, JsonObject mergePatch, CancellationToken cancellation)
    {
        await inner.PatchStatusAsync(target, mergePatch, cancellation).ConfigureAwait(false);
        var mapping = await MapAsync(target, cancellation).ConfigureAwait(false);
        Record("patch", mapping.Resource.Resource + "/status", mapping, target);
    }

    private void Record(string verb, string resource, ResourceMapping mapping, ObjectRef target) =>
        _operations.Add(new Operation(Crd, verb, resource, Scope(mapping, target), target.Name));

    private Task<ResourceMapping> MapAsync(ObjectRef target, CancellationToken cancellation) =>
        mapper.MapAsync(GroupVersionKind.From(target.ApiVersion, target.Kind), cancellation);

    private static string? Scope(ResourceMapping mapping, ObjectRef target) => mapping.Namespaced ? target.Namespace ?? "default" : null;
}
