using System.Text.Json.Nodes;
using Orkestra.Sandbox.Api;
using Orkestra.Sandbox.Resources;
using Orkestra.Sandbox.Storage;

namespace Orkestra.Sandbox.Handlers;

/// <summary>The <c>/scale</c> subresource (autoscaling/v1 Scale) over a kind's replica paths (spec §7.4).</summary>
internal static class Scales
{
    public static JsonObject ToScale(ResourceType type, StoredObject stored)
    {
        var scale = type.Scale!;
        var metadata = stored.Metadata;
        var status = new JsonObject { ["replicas"] = Json.Long(Parent(stored.Object, scale.StatusReplicasPath), Leaf(scale.StatusReplicasPath)) ?? 0 };
        if (scale.LabelSelectorPath is { } selectorPath)
        {
            var selector = Json.Path(stored.Object, selectorPath);
            if (selector is JsonValue) status["selector"] = selector.DeepClone();
            else if (type.Group == "apps" && Json.Path(stored.Object, "spec.selector.matchLabels") is JsonObject labels)
                status["selector"] = string.Join(",", labels.Select(p => $"{p.Key}={Json.ScalarText(p.Value)}"));
        }
        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = stored.Name,
                ["namespace"] = stored.Namespace.Length == 0 ? null : stored.Namespace,
                ["uid"] = stored.Uid,
                ["resourceVersion"] = metadata["resourceVersion"]?.DeepClone(),
                ["creationTimestamp"] = metadata["creationTimestamp"]?.DeepClone(),
            },
            ["spec"] = new JsonObject { ["replicas"] = Json.Long(Parent(stored.Object, scale.SpecReplicasPath), Leaf(scale.SpecReplicasPath)) ?? 0 },
            ["status"] = status,
        };
    }

    /// <summary>Writes spec.replicas from a Scale derived by <paramref name="produce"/> from the current Scale.</summary>
    public static JsonObject Update(ObjectService objects, ResourceType type, string? ns, string name, Func<JsonObject, JsonObject> produce, WriteRequest options)
    {
        var scale = type.Scale!;
        var (result, _) = objects.Update(type, ns, name, current =>
        {
            var desiredScale = produce(ToScale(type, current!));
            var replicas = Json.Long(desiredScale["spec"], "replicas");
            if (replicas is null or < 0)
                throw ApiError.Invalid("Scale", "autoscaling", name, [Cause.InvalidValue("spec.replicas", Json.Render(Json.Path(desiredScale, "spec.replicas")), "must be greater than or equal to 0")]);
            var updated = current!.Clone();
            var rv = Json.Str(desiredScale["metadata"], "resourceVersion");
            if (!string.IsNullOrEmpty(rv)) ((JsonObject)updated["metadata"]!)["resourceVersion"] = rv;
            var parent = updated;
            var parts = scale.SpecReplicasPath.Split('.');
            foreach (var part in parts[..^1]) parent = Json.Obj(parent, part);
            parent[parts[^1]] = replicas.Value;
            return updated;
        }, new WriteRequest { Options = options.Options, IsPatch = true, Subresource = Subresource.Scale });
        return ToScale(type, result);
    }

    static JsonNode? Parent(JsonObject obj, string path)
    {
        var dot = path.LastIndexOf('.');
        return dot < 0 ? obj : Json.Path(obj, path[..dot]);
    }

    static string Leaf(string path) => path[(path.LastIndexOf('.') + 1)..];
}
