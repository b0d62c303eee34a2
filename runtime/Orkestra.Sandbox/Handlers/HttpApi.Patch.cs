using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
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
        _watches ??= new WatchStream(Store, _time);
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
        var patch = new PatchRequest(contentType, body, query["force"].FirstOrDefault() == "true", options, type);
        if (sub == Subresource.Scale)
            return await WriteJsonAsync(context, 200, Scales.Update(_objects, type, path.Namespace, path.Name!, current => Patches.Apply(patch, current, path.Name!), options)).ConfigureAwait(false);
        var (result, created) = _objects.Update(type, path.Namespace, path.Name!, current => current is null
            ? Patches.ApplyToAbsent(patch, path.Name!)
            : Patches.Apply(patch, current.Clone(), path.Name!), options);
        return await WriteObjectAsync(context, created ? 201 : 200, type, result, options).ConfigureAwait(false);
    }
}

/// <summary>One PATCH request: the media type (parameters stripped), the raw body and its options.</summary>
internal sealed record PatchRequest(string ContentType, byte[] Body, bool Force, WriteOptions Options, ResourceType Type);
