using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Patches;
using Orkestra.Sandbox.Api;

namespace Orkestra.Sandbox.Handlers;

/// <summary>
/// Applies a PATCH body to the current object by media type: RFC 7386 merge patch and RFC 6902 JSON
/// patch for every kind, strategic merge patch for built-in kinds (custom resources are refused with 415 before this).
/// Server-side apply is handled by <c>PatchHandler</c>.
/// </summary>
internal static class Patches
{
    public static JsonObject Apply(PatchRequest patch, JsonObject current, string name)
    {
        switch (patch.ContentType)
        {
            case "application/merge-patch+json":
            {
                var body = Json.Parse(patch.Body, "error decoding patch");
                return JsonMergePatch.Apply(current, body) as JsonObject ?? throw ApiError.BadRequest("the patch must produce an object");
            }
            case "application/json-patch+json":
            {
                var ops = Json.Parse(patch.Body, "error decoding patch") as JsonArray
                          ?? throw ApiError.BadRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
                try
                {
                    return JsonPatch.Apply(current, ops) as JsonObject ?? throw ApiError.BadRequest("the patch must produce an object");
                }
                catch (JsonPatchException e)
                {
                    throw new ApiError(422, "Invalid", e.Message);
                }
            }
            case "application/strategic-merge-patch+json":
            {
                var body = Json.Parse(patch.Body, "error decoding patch") as JsonObject
                           ?? throw ApiError.BadRequest("json: cannot unmarshal array into Go value of type map[string]interface {}");
                try
                {
                    return StrategicMergePatch.Apply(current, body, patch.Type.Shape);
                }
                catch (InvalidPatchException e)
                {
                    throw ApiError.BadRequest(e.Message);
                }
            }
            default:
                throw ApiError.UnsupportedMediaType("application/json-patch+json, application/merge-patch+json");
        }
    }

    public static JsonObject ApplyToAbsent(PatchRequest patch, string name) => throw ApiError.NotFound(patch.Type, name);
}
