using System.Text.Json.Nodes;

namespace Orkestra.ApiMachinery.Patches;

/// <summary>JSON merge patch (RFC 7386): objects merge recursively, <c>null</c> deletes, anything else replaces. Pure.</summary>
public static class JsonMergePatch
{
    /// <summary>RFC 7386: objects merge recursively, null deletes, everything else replaces.</summary>
    /// <summary>Returns <paramref name="target"/> patched; <paramref name="target"/> is modified in place when it is an object.</summary>
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject) return patch?.DeepClone();
        var result = target as JsonObject ?? new JsonObject();
        foreach (var (key, value) in patchObject.ToList())
        {
            if (value is null) result.Remove(key);
            else
            {
                var merged = Apply(result[key] is { } existing ? existing : null, value);
                if (merged is not null && merged.Parent is not null) merged = merged.DeepClone();
                result[key] = merged;
            }
        }
        return result;
    }
}
