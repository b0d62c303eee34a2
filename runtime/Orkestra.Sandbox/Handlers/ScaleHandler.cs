using Microsoft.AspNetCore.Http;
using Orkestra.Sandbox.Resources;
using Orkestra.Sandbox.Routing;

namespace Orkestra.Sandbox.Handlers;

/// <summary>
/// The <c>/scale</c> subresource over HTTP: get, update and patch answer an autoscaling/v1 Scale built by
/// <see cref="Scales"/> from the kind's replica paths. (<c>/status</c> and <c>/finalize</c> need no handler of their
/// own: the write verbs pass the <see cref="Subresource"/> to <see cref="ObjectService"/>.)
/// </summary>
internal sealed class ScaleHandler
{
    private readonly ObjectService _objects;

    public ScaleHandler(ObjectService objects) => _objects = objects;

    public async Task<int> GetAsync(HttpContext context, ResourceType type, ApiPath path)
    {
        var scale = Scales.ToScale(type, _objects.Get(type, path.Namespace, path.Name!));
        return await Responses.WriteJsonAsync(context, 200, scale).ConfigureAwait(false);
    }

    public async Task<int> UpdateAsync(HttpContext context, ResourceType type, ApiPath path)
    {
        var options = RequestOptions.ForWrite(context, Subresource.Scale, isPatch: false, operation: "Update");
        var body = await WriteHandler.ReadObjectAsync(context).ConfigureAwait(false);
        var scaled = await Scales.UpdateAsync(_objects, type, path.Namespace, path.Name!, _ => body, options).ConfigureAwait(false);
        return await Responses.WriteJsonAsync(context, 200, scaled).ConfigureAwait(false);
    }

    /// <summary>A merge, JSON or strategic merge patch of the Scale view (<see cref="Patches"/> answers an apply patch with 415).</summary>
    public async Task<int> PatchAsync(HttpContext context, ResourceType type, ApiPath path)
    {
        var patch = await PatchRequest.ReadAsync(context, type, Subresource.Scale).ConfigureAwait(false);
        var scaled = await Scales.UpdateAsync(_objects, type, path.Namespace, path.Name!,
            current => Patches.Apply(patch, current, path.Name!), patch.Options).ConfigureAwait(false);
        return await Responses.WriteJsonAsync(context, 200, scaled).ConfigureAwait(false);
    }
}
