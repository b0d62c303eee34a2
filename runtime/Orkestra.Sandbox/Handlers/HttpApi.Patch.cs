using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Orkestra.ApiMachinery.Apply;
using Orkestra.Sandbox.Api;
using Orkestra.Sandbox.Resources;
using Orkestra.Sandbox.Routing;
using Orkestra.Sandbox.Watch;

namespace Orkestra.Sandbox.Handlers;

internal sealed partial class HttpApi
{
    WatchStream? _watches;

    async Task<int> WatchAsync(HttpContext context, ResourceType type, string? ns, string accept)
    {
        var filter = ListFilter.From(type, ns, context.Request.Query);
        _watches ??= new WatchStream(Store, _time, _faults, _objects.Converter);
        await _watches.ServeAsync(context, type, filter, context.Request.Query, Tables.Wanted(accept), IncludeObject(context)).ConfigureAwait(false);
        return 200;
    }

    const string JsonPatchType = "application/json-patch+json";
    const string MergePatchType = "application/merge-patch+json";
    const string StrategicPatchType = "application/strategic-merge-patch+json";
    const string ApplyPatchYaml = "application/apply-patch+yaml";

    async Task<int> PatchAsync(HttpContext context, ResourceType type, ApiPath path, Subresource sub)
    {
        var contentType = (context.Request.ContentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        var isApply = contentType == ApplyPatchYaml;
        var accepted = type.IsCustom
            ? $"{JsonPatchType}, {MergePatchType}, {ApplyPatchYaml}"
            : $"{JsonPatchType}, {MergePatchType}, {StrategicPatchType}, {ApplyPatchYaml}";
        if (contentType is not (JsonPatchType or MergePatchType or StrategicPatchType or ApplyPatchYaml) || (type.IsCustom && contentType == StrategicPatchType))
            throw ApiError.UnsupportedMediaType(accepted);
        var query = context.Request.Query;
        if (query["force"].Count > 0 && !isApply)
            throw ApiError.Invalid("PatchOptions", "meta.k8s.io", "", [Cause.Forbidden("force", "may not be specified for non-apply patch")]);
        if (isApply && string.IsNullOrEmpty(query["fieldManager"].FirstOrDefault()))
            throw ApiError.Invalid("PatchOptions", "meta.k8s.io", "", [Cause.Required("fieldManager", "is required for apply patch")]);
        var body = await ReadBodyAsync(context).ConfigureAwait(false);
        var options = WriteOptionsFrom(context, sub, isPatch: true, operation: isApply ? "Apply" : "Update", createIfAbsent: isApply && sub == Subresource.None);
        var patch = new PatchRequest(contentType, body, query["force"].FirstOrDefault() is "true" or "1", options, type);
        if (isApply && sub != Subresource.Scale)
        {
            var applied = ApplyBody(type, body, path.Name!);
            var fields = _objects.FieldContext(type, sub);
            var (appliedResult, appliedCreated) = await _objects.UpdateAsync(type, path.Namespace, path.Name!,
                current => ServerSideApply(current?.Clone(), applied, patch, fields), options).ConfigureAwait(false);
            return await WriteObjectAsync(context, appliedCreated ? 201 : 200, type, appliedResult, options).ConfigureAwait(false);
        }
        if (sub == Subresource.Scale)
        {
            var scaled = await Scales.UpdateAsync(_objects, type, path.Namespace, path.Name!,
                current => Patches.Apply(patch, current, path.Name!), options).ConfigureAwait(false);
            return await WriteJsonAsync(context, 200, scaled).ConfigureAwait(false);
        }
        var (result, created) = await _objects.UpdateAsync(type, path.Namespace, path.Name!, current => current is null
            ? Patches.ApplyToAbsent(patch, path.Name!)
            : Patches.Apply(patch, current.Clone(), path.Name!), options).ConfigureAwait(false);
        return await WriteObjectAsync(context, created ? 201 : 200, type, result, options).ConfigureAwait(false);
    }
}

internal sealed partial class HttpApi
{
    /// <summary>An apply body (YAML or JSON) checked as kube's apply patcher does before any merge (spec §5.4).</summary>
    static JsonObject ApplyBody(ResourceType type, byte[] body, string urlName)
    {
        var applied = Yaml.Parse(body) as JsonObject ?? throw ApiError.BadRequest("error decoding YAML: the apply configuration must be an object");
        var apiVersion = Json.Str(applied, "apiVersion") ?? "";
        if (apiVersion != type.GroupVersion)
            throw ApiError.BadRequest($"Incorrect version specified in apply patch. Specified patch version: {apiVersion}, expected: {type.GroupVersion}");
        var kind = Json.Str(applied, "kind") ?? "";
        if (kind != type.Kind)
            throw ApiError.BadRequest($"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: the kind in the data ({kind}) does not match the expected kind ({type.Kind})");
        if (applied["metadata"] is not JsonObject metadata)
        {
            metadata = new JsonObject();
            applied["metadata"] = metadata;
        }
        if (metadata.ContainsKey("managedFields")) throw ApiError.BadRequest("metadata.managedFields must be nil");
        var name = Json.Str(metadata, "name");
        if (string.IsNullOrEmpty(name)) metadata["name"] = urlName;
        else if (name != urlName) throw ApiError.BadRequest($"the name of the object ({name}) does not match the name on the URL ({urlName})");
        return applied;
    }

    /// <summary>The applied intent merged into the current object (null: absent), with kube's 409 for conflicts.</summary>
    static JsonObject ServerSideApply(JsonObject? current, JsonObject applied, PatchRequest patch, FieldManagerContext fields)
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
            throw ApiError.BadRequest($"failed to create typed patch object ({patch.Type.GroupVersion}, Kind={patch.Type.Kind}): {e.Message}");
        }
    }
}

/// <summary>One PATCH request: the media type (parameters stripped), the raw body and its options.</summary>
internal sealed record PatchRequest(string ContentType, byte[] Body, bool Force, WriteOptions Options, ResourceType Type);
