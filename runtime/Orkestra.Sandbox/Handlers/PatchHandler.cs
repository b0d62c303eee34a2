using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Orkestra.ApiMachinery.Apply;
using Orkestra.Sandbox.Api;
using Orkestra.Sandbox.Resources;
using Orkestra.Sandbox.Routing;
using Orkestra.Sandbox.Storage;

namespace Orkestra.Sandbox.Handlers;

/// <summary>
/// PATCH of an object or of its /status or /finalize: merge, JSON and strategic merge patches through
/// <see cref="Patches"/>, and server-side apply (an absent object is created) through the field manager of
/// <c>Orkestra.ApiMachinery.Apply</c>. PATCH of /scale is <see cref="ScaleHandler"/>'s.
/// </summary>
internal sealed class PatchHandler
{
    private readonly ObjectService _objects;
    private readonly Presenter _presenter;

    public PatchHandler(ObjectService objects, Presenter presenter)
    {
        _objects = objects;
        _presenter = presenter;
    }

    public async Task<int> PatchAsync(HttpContext context, ResourceType type, ApiPath path, Subresource sub)
    {
        var patch = await PatchRequest.ReadAsync(context, type, sub).ConfigureAwait(false);
        var name = path.Name!;
        Func<StoredObject?, JsonObject> change;
        if (patch.IsApply)
        {
            var applied = ApplyBody(type, patch.Body, name);
            var fields = _objects.FieldContext(type, sub);
            change = current => ServerSideApply(current?.Clone(), applied, patch, fields);
        }
        else
        {
            change = current => current is null ? Patches.ApplyToAbsent(patch, name) : Patches.Apply(patch, current.Clone(), name);
        }
        var (result, created) = await _objects.UpdateAsync(type, path.Namespace, name, change, patch.Options).ConfigureAwait(false);
        return await _presenter.WriteObjectAsync(context, created ? 201 : 200, type, result).ConfigureAwait(false);
    }

    /// <summary>An apply body (YAML or JSON) checked as kube's apply patcher does before any merge.</summary>
    private static JsonObject ApplyBody(ResourceType type, byte[] body, string urlName)
    {
        var applied = Yaml.Parse(body) as JsonObject
                      ?? throw ApiError.BadRequest("error decoding YAML: the apply configuration must be an object");
        var apiVersion = Json.Str(applied, "apiVersion") ?? "";
        if (apiVersion != type.GroupVersion)
        {
            throw ApiError.BadRequest(
                $"Incorrect version specified in apply patch. Specified patch version: {apiVersion}, expected: {type.GroupVersion}");
        }
        var kind = Json.Str(applied, "kind") ?? "";
        if (kind != type.Kind)
        {
            throw ApiError.BadRequest($"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: " +
                                      $"the kind in the data ({kind}) does not match the expected kind ({type.Kind})");
        }
        if (applied["metadata"] is not JsonObject metadata)
        {
            metadata = new JsonObject();
            applied["metadata"] = metadata;
        }
        if (metadata.ContainsKey("managedFields")) throw ApiError.BadRequest("metadata.managedFields must be nil");
        var name = Json.Str(metadata, "name");
        if (string.IsNullOrEmpty(name)) metadata["name"] = urlName;
        else if (name != urlName)
            throw ApiError.BadRequest($"the name of the object ({name}) does not match the name on the URL ({urlName})");
        return applied;
    }

    /// <summary>The applied intent merged into the current object (null: absent), with kube's 409 for conflicts.</summary>
    private static JsonObject ServerSideApply(JsonObject? current, JsonObject applied, PatchRequest patch, FieldManagerContext fields)
    {
        try
        {
            return FieldManager.Apply(current, applied, patch.Options.FieldManager, patch.Force, fields);
        }
        catch (ApplyConflictException e)
        {
            throw ApiError.ApplyConflict(e.Message, e.Conflicts.Select(c => ($"conflict with {c.Owner.Display}", c.Path.ToString())));
        }
        catch (InvalidStructureException e)
        {
            var typed = $"{patch.Type.GroupVersion}, Kind={patch.Type.Kind}";
            throw ApiError.BadRequest($"failed to create typed patch object ({typed}): {e.Message}");
        }
    }
}

/// <summary>One PATCH request: the media type (parameters stripped), the raw body and its options.</summary>
internal sealed record PatchRequest(string ContentType, byte[] Body, bool Force, WriteRequest Options, ResourceType Type)
{
    public const string JsonPatchType = "application/json-patch+json";
    public const string MergePatchType = "application/merge-patch+json";
    public const string StrategicPatchType = "application/strategic-merge-patch+json";
    public const string ApplyPatchType = "application/apply-patch+yaml";

    /// <summary>A server-side apply (<c>application/apply-patch+yaml</c>).</summary>
    public bool IsApply => ContentType == ApplyPatchType;

    /// <summary>
    /// The media type (415 unless one of the four; strategic merge is for built-in kinds only), <c>force</c> (apply only),
    /// <c>fieldManager</c> (required for apply), then the body and the write options.
    /// </summary>
    public static async Task<PatchRequest> ReadAsync(HttpContext context, ResourceType type, Subresource sub)
    {
        var contentType = (context.Request.ContentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        var isApply = contentType == ApplyPatchType;
        var known = contentType is JsonPatchType or MergePatchType or StrategicPatchType or ApplyPatchType;
        if (!known || (type.IsCustom && contentType == StrategicPatchType))
        {
            throw ApiError.UnsupportedMediaType(type.IsCustom
                ? $"{JsonPatchType}, {MergePatchType}, {ApplyPatchType}"
                : $"{JsonPatchType}, {MergePatchType}, {StrategicPatchType}, {ApplyPatchType}");
        }
        var query = context.Request.Query;
        if (query["force"].Count > 0 && !isApply)
        {
            var cause = Cause.Forbidden("force", "may not be specified for non-apply patch");
            throw ApiError.Invalid("PatchOptions", "meta.k8s.io", "", [cause]);
        }
        if (isApply && string.IsNullOrEmpty(query["fieldManager"].FirstOrDefault()))
        {
            var cause = Cause.Required("fieldManager", "is required for apply patch");
            throw ApiError.Invalid("PatchOptions", "meta.k8s.io", "", [cause]);
        }
        var body = await Responses.ReadBodyAsync(context).ConfigureAwait(false);
        var options = RequestOptions.ForWrite(context, sub, isPatch: true, operation: isApply ? "Apply" : "Update",
            createIfAbsent: isApply && sub == Subresource.None);
        return new PatchRequest(contentType, body, options.Options.Force, options, type);
    }
}
