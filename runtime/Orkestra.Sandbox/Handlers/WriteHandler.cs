using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Orkestra.Sandbox.Api;
using Orkestra.Sandbox.Resources;
using Orkestra.Sandbox.Routing;

namespace Orkestra.Sandbox.Handlers;

/// <summary>
/// The write verbs with a full body: create (POST), update (PUT, also of /status and /finalize), delete and
/// deletecollection. The semantics (admission, validation, preconditions, finalizers) live in <see cref="ObjectService"/>;
/// this maps the request to its call and the result to kube's code and body.
/// </summary>
internal sealed class WriteHandler
{
    private readonly ObjectService _objects;
    private readonly Presenter _presenter;

    public WriteHandler(ObjectService objects, Presenter presenter)
    {
        _objects = objects;
        _presenter = presenter;
    }

    /// <summary>201 Created with the object — also for <c>dryRun=All</c>, as kube answers (nothing is stored).</summary>
    public async Task<int> CreateAsync(HttpContext context, ResourceType type, string? ns)
    {
        var options = RequestOptions.ForWrite(context, Subresource.None, isPatch: false, operation: "Update");
        var body = await ReadObjectAsync(context).ConfigureAwait(false);
        var created = await _objects.CreateAsync(type, ns, body, options).ConfigureAwait(false);
        return await _presenter.WriteObjectAsync(context, 201, type, created).ConfigureAwait(false);
    }

    /// <summary>200 with the object, or 201 when the update created the object.</summary>
    public async Task<int> UpdateAsync(HttpContext context, ResourceType type, ApiPath path, Subresource sub)
    {
        var options = RequestOptions.ForWrite(context, sub, isPatch: false, operation: "Update");
        var body = await ReadObjectAsync(context).ConfigureAwait(false);
        var (result, created) = await _objects.UpdateAsync(type, path.Namespace, path.Name!, _ => body, options)
            .ConfigureAwait(false);
        return await _presenter.WriteObjectAsync(context, created ? 201 : 200, type, result).ConfigureAwait(false);
    }

    /// <summary>
    /// 200 with a Status when the object is gone (kinds whose delete returns the object answer with it), or with the
    /// object when finalizers or foreground deletion keep it.
    /// </summary>
    public async Task<int> DeleteAsync(HttpContext context, ResourceType type, ApiPath path)
    {
        var (options, warnings) = await RequestOptions.ForDeleteAsync(context).ConfigureAwait(false);
        var (obj, removed) = await _objects.DeleteAsync(type, path.Namespace, path.Name!, options, warnings).ConfigureAwait(false);
        if (removed && !type.ReturnsDeletedObject)
            return await Responses.WriteJsonAsync(context, 200, Status.Success(type, obj.Name, obj.Uid)).ConfigureAwait(false);
        return await _presenter.WriteObjectAsync(context, 200, type, obj).ConfigureAwait(false);
    }

    /// <summary>Deletes every object the selectors match in one snapshot; the list answered holds those deleted.</summary>
    public async Task<int> DeleteCollectionAsync(HttpContext context, ResourceType type, string? ns)
    {
        var filter = ListFilter.From(type, ns, context.Request.Query);
        var (options, warnings) = await RequestOptions.ForDeleteAsync(context).ConfigureAwait(false);
        var (items, revision) = _objects.Store.Snapshot(type.StorageKey, ns);
        var affected = new JsonArray();
        foreach (var item in items.Where(filter.Matches))
        {
            try
            {
                var (obj, _) = await _objects.DeleteAsync(type, item.Namespace, item.Name, options, warnings).ConfigureAwait(false);
                affected.Push((await _presenter.PresentAllAsync(type, [obj], list: false).ConfigureAwait(false))[0]);
            }
            catch (ApiError e) when (e.Code == 404)
            {
                // deleted concurrently: nothing to report
            }
        }
        var listRevision = Math.Max(revision, _objects.Store.Revision).ToString(CultureInfo.InvariantCulture);
        return await Responses.WriteJsonAsync(context, 200, new JsonObject
        {
            ["kind"] = type.ListKind,
            ["apiVersion"] = type.GroupVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = listRevision },
            ["items"] = affected,
        }).ConfigureAwait(false);
    }

    /// <summary>The request body as one object (anything else is a 400).</summary>
    internal static async Task<JsonObject> ReadObjectAsync(HttpContext context) =>
        Json.ParseObject(await Responses.ReadBodyAsync(context).ConfigureAwait(false), "error decoding request body");
}
