using System.Text.Json;
using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Rendering;
using Orkestra.Templating;

namespace Orkestra.Runtime.Webhooks;

/// <summary>One object converted (or not): the result, the versions, and the failure message when it failed.</summary>
public readonly record struct Conversion(JsonNode? Result, string From, string To, string? Failure);

/// <summary>
/// A CRD's <c>conversion.paths</c> applied to one object: the path declared from the object's
/// version to the desired one renders its <c>spec</c> map against the source object, and that map is the converted
/// object's <c>spec</c> (what the path does not declare is not carried over; a template that yields nothing leaves its
/// field out). <c>apiVersion</c> changes; metadata and
/// status stay as they are (kube allows no other metadata change). Without a direct path, a conversion through
/// <c>storageVersion</c> (two declared paths, hub and spoke) is used. An object already in the desired version is
/// returned unchanged. A missing path, another group or kind, or a failing template fails with a message naming the
/// CRD, the path and its location. Pure; thread-safe.
/// </summary>
public static class Converter
{
    public static Conversion Convert(CompiledOperator op, CompiledConversion conversion, JsonElement obj, string desiredApiVersion,
        TimeProvider time)
    {
        var slash = desiredApiVersion.IndexOf('/');
        var to = desiredApiVersion[(slash + 1)..];
        var apiVersion = obj.TryGetProperty("apiVersion", out var av) && av.ValueKind == JsonValueKind.String ? av.GetString()! : "";
        var from = apiVersion.Contains('/') ? apiVersion[(apiVersion.IndexOf('/') + 1)..] : apiVersion;
        var kind = obj.TryGetProperty("kind", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
        var what = $"{op.ApiTypes.Kind} {Name(obj)}";
        if (desiredApiVersion[..slash] != op.ApiTypes.Group)
            return new(null, from, to, $"spec.crds.{op.Name} converts group {op.ApiTypes.Group}, not {desiredApiVersion[..slash]}");
        if (kind != op.ApiTypes.Kind || !apiVersion.StartsWith(op.ApiTypes.Group + "/", StringComparison.Ordinal))
            return new(null, from, to, $"spec.crds.{op.Name} converts {op.ApiTypes.Kind}.{op.ApiTypes.Group}, " +
                $"not {kind ?? "an object without kind"} {apiVersion}");
        if (from == to) return new(JsonNode.Parse(obj.GetRawText(), documentOptions: DecodeLimits.Document), from, to, null);

        var route = Route(conversion, from, to);
        if (route.Count == 0)
        {
            return new(null, from, to, $"spec.crds.{op.Name}.conversion declares no path from {from} to {to}" +
                (from != conversion.StorageVersion && to != conversion.StorageVersion
                    ? $" (nor through {conversion.StorageVersion})"
                    : ""));
        }
        var current = obj;
        JsonObject? result = null;
        foreach (var path in route)
        {
            result = JsonNode.Parse(current.GetRawText(), documentOptions: DecodeLimits.Document)!.AsObject();
            JsonNode? spec;
            try
            {
                spec = path.Spec.Render(new RenderScope(TemplateData.ForObject(current), time));
            }
            catch (KatalogRenderException e)
            {
                return new(null, from, to, $"converting {what} from {path.From} to {path.To}: " +
                    $"spec.crds.{op.Name}.conversion.paths ({path.Source.Location}): {e.ToDiagnostic()}");
            }
            if (spec is not (JsonObject or null))
                return new(null, from, to, $"converting {what}: spec.crds.{op.Name}.conversion path {path.From} to {path.To} " +
                    $"({path.Source.Location}) must render a map");
            result["apiVersion"] = $"{op.ApiTypes.Group}/{path.To}";
            result["spec"] = spec is JsonObject map ? WithoutNulls(map) : new JsonObject();
            if (path != route[^1])
            {
                using var next = JsonDocument.Parse(result.ToJsonString(), DecodeLimits.Document);
                current = next.RootElement.Clone();
            }
        }
        return new(result, from, to, null);
    }

    /// <summary>A template that found nothing (a field the source does not have) leaves its field out, rather than
    /// writing a null the target schema would refuse.</summary>
    private static JsonObject WithoutNulls(JsonObject map)
    {
        foreach (var key in map.Where(p => p.Value is null).Select(p => p.Key).ToArray()) map.Remove(key);
        foreach (var (_, value) in map)
        {
            if (value is JsonObject nested) WithoutNulls(nested);
        }
        return map;
    }

    /// <summary>The direct path, or the two paths through the storage version; empty when neither is declared.</summary>
    internal static IReadOnlyList<CompiledConversionPath> Route(CompiledConversion conversion, string from, string to)
    {
        if (Find(conversion, from, to) is { } direct) return [direct];
        var hub = conversion.StorageVersion;
        if (from != hub && to != hub && Find(conversion, from, hub) is { } up && Find(conversion, hub, to) is { } down) return [up, down];
        return [];
    }

    private static CompiledConversionPath? Find(CompiledConversion conversion, string from, string to) =>
        conversion.Paths.FirstOrDefault(p => p.From == from && p.To == to);

    private static string Name(JsonElement obj) =>
        obj.TryGetProperty("metadata", out var md) && md.ValueKind == JsonValueKind.Object
            ? (md.TryGetProperty("namespace", out var ns) && ns.ValueKind == JsonValueKind.String ? ns.GetString() + "/" : "")
              + (md.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : "(unnamed)")
            : "(no metadata)";
}
