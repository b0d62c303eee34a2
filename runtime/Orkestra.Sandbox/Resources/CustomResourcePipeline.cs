using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Sandbox.Api;
using Orkestra.Sandbox.Handlers;
using Orkestra.Sandbox.Storage;

namespace Orkestra.Sandbox.Resources;

/// <summary>
/// Kind-specific admission of a write before it is stored: CRD validation for CRD objects, defaulting and
/// validation of webhook configurations (see <c>Admission/</c>) and, for custom
/// resources, the structural schema (compiled when the CRD was stored): prune unknown fields (reported per
/// <c>fieldValidation</c>: Strict → 400, Warn → Warning headers, Ignore → silence), default, validate (422 with one
/// cause per violation; on updates, violations in unchanged values are ratcheted). Built-in kinds pass through.
/// Stateless, shared.
/// </summary>
internal sealed class CustomResourcePipeline
{
    public void Prepare(ResourceType type, JsonObject obj, WriteRequest options, JsonObject? old)
    {
        if (CustomResourceDefinitions.Is(type))
        {
            var causes = CustomResourceDefinitions.Validate(obj);
            if (causes.Count > 0) throw ApiError.Invalid(type, Json.Str(obj["metadata"], "name") ?? "", causes.ToArray());
            if (old is not null && Json.Path(old, "spec.group")?.ToJsonString() != Json.Path(obj, "spec.group")?.ToJsonString())
                throw ApiError.Invalid(type, Json.Str(obj["metadata"], "name") ?? "",
                    Cause.Immutable("spec.group", Json.Render(Json.Path(obj, "spec.group"))));
        }
        else if (Admission.WebhookConfigurationValidation.Is(type))
        {
            Admission.WebhookConfigurationValidation.DefaultAndValidate(type, obj);
        }
        else if (type.Custom?.Schema is { } schema)
        {
            Decode(type, obj, options);
            var errors = old is null ? schema.Validate(obj) : schema.ValidateUpdate(obj, old);
            if (errors.Count > 0)
            {
                throw ApiError.Invalid(type, Json.Str(obj["metadata"], "name") ?? "",
                    errors.Select(e => new Cause(e.Reason, e.Field, e.Body, e.Message)).ToArray());
            }
        }
    }

    /// <summary>
    /// The decoding half of <see cref="Prepare"/> for custom resources: prune (unknown fields reported per
    /// <c>fieldValidation</c>) and default. Runs on the request body before mutating admission.
    /// </summary>
    public void Decode(ResourceType type, JsonObject obj, WriteRequest options)
    {
        if (type.Custom?.Schema is not { } schema) return;
        var unknown = schema.Prune(obj).Where(path => FromRequest(type, options, path)).ToList();
        if (unknown.Count > 0 && options.Validation == FieldValidation.Strict)
        {
            throw ApiError.BadRequest($"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: " +
                                      "strict decoding error: " + string.Join(", ", unknown.Select(p => $"unknown field \"{p}\"")));
        }
        if (options.Validation == FieldValidation.Warn) options.Warnings.AddRange(unknown.Select(p => $"unknown field \"{p}\""));
        schema.Default(obj);
    }

    /// <summary>Prunes and defaults what mutating webhooks returned, silently (kube's decoder after admission).</summary>
    public static void Redecode(ResourceType type, JsonObject obj)
    {
        if (type.Custom?.Schema is not { } schema) return;
        schema.Prune(obj);
        schema.Default(obj);
    }

    /// <summary>
    /// Whether a pruned path came from the request: with a status subresource the main endpoint keeps the stored
    /// status and /status keeps everything but status, so those parts are not the client's unknown fields.
    /// </summary>
    private static bool FromRequest(ResourceType type, WriteRequest options, string path)
    {
        if (!type.HasStatus) return true;
        var underStatus = path == "status" || path.StartsWith("status.", StringComparison.Ordinal)
            || path.StartsWith("status[", StringComparison.Ordinal);
        return options.Subresource == Subresource.Status ? underStatus : !underStatus;
    }

    /// <summary>
    /// A custom resource stored before its CRD's current schema, pruned and defaulted as the API server does on
    /// every read; null when the stored object is already current (the common case: no copy is made).
    /// </summary>
    public static JsonObject? ForRead(ResourceType type, StoredObject stored)
    {
        if (IsCurrent(type, stored)) return null;
        var schema = type.Custom!.Schema!;
        var copy = stored.Clone();
        schema.Prune(copy);
        schema.Default(copy);
        return copy;
    }

    /// <summary>True when <paramref name="stored"/> can be served as stored (not a custom resource older than its schema).</summary>
    public static bool IsCurrent(ResourceType type, StoredObject stored) =>
        type.Custom is not { Schema: not null } custom || stored.ResourceVersion >= custom.SchemaSince;
}
