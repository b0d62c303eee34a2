using System.Text.Json.Nodes;
using Orkestra.Sandbox.Api;
using Orkestra.Sandbox.Resources;
using Orkestra.Sandbox.Storage;

namespace Orkestra.Sandbox.Handlers;

/// <summary>The <c>/scale</c> subresource (autoscaling/v1 Scale) over a kind's replica paths.</summary>
internal static class Scales
{
    public static JsonObject ToScale(ResourceType type, StoredObject stored) => ToScale(type, stored.Object);

    /// <summary>The Scale view of an object (also of one not stored yet, for admission).</summary>
    public static JsonObject ToScale(ResourceType type, JsonObject obj)
    {
        var scale = type.Scale!;
        var metadata = obj["metadata"] as JsonObject ?? new JsonObject();
        var replicas = Json.Long(Parent(obj, scale.StatusReplicasPath), Leaf(scale.StatusReplicasPath)) ?? 0;
        var status = new JsonObject { ["replicas"] = replicas };
        if (scale.LabelSelectorPath is { } selectorPath)
        {
            var selector = Json.Path(obj, selectorPath);
            if (selector is JsonValue) status["selector"] = selector.DeepClone();
            else if (type.Group == "apps" && Json.Path(obj, "spec.selector.matchLabels") is JsonObject labels)
                status["selector"] = string.Join(",", labels.Select(p => $"{p.Key}={Json.ScalarText(p.Value)}"));
        }
        var ns = Json.Str(metadata, "namespace") ?? "";
        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = Json.Str(metadata, "name") ?? "",
                ["namespace"] = ns.Length == 0 ? null : ns,
                ["uid"] = Json.Str(metadata, "uid") ?? "",
                ["resourceVersion"] = metadata["resourceVersion"]?.DeepClone(),
                ["creationTimestamp"] = metadata["creationTimestamp"]?.DeepClone(),
            },
            ["spec"] = new JsonObject { ["replicas"] = Json.Long(Parent(obj, scale.SpecReplicasPath), Leaf(scale.SpecReplicasPath)) ?? 0 },
            ["status"] = status,
        };
    }

    /// <summary>Sets the replicas a Scale's spec.replicas maps to.</summary>
    public static void SetReplicas(ResourceType type, JsonObject obj, long replicas)
    {
        var parent = obj;
        var parts = type.Scale!.SpecReplicasPath.Split('.');
        foreach (var part in parts[..^1]) parent = Json.Obj(parent, part);
        parent[parts[^1]] = replicas;
    }

    /// <summary>Writes spec.replicas from a Scale derived by <paramref name="produce"/> from the current Scale.</summary>
    public static async Task<JsonObject> UpdateAsync(ObjectService objects, ResourceType type, string? ns, string name,
        Func<JsonObject, JsonObject> produce, WriteRequest options)
    {
        var (result, _) = await objects.UpdateAsync(type, ns, name, current =>
        {
            var desiredScale = produce(ToScale(type, current!));
            var replicas = Json.Long(desiredScale["spec"], "replicas");
            if (replicas is null or < 0)
                throw ApiError.Invalid("Scale", "autoscaling", name,
                    [Cause.InvalidValue("spec.replicas", Json.Render(Json.Path(desiredScale, "spec.replicas")),
                    "must be greater than or equal to 0")]);
            var updated = current!.Clone();
            var rv = Json.Str(desiredScale["metadata"], "resourceVersion");
            if (!string.IsNullOrEmpty(rv)) ((JsonObject)updated["metadata"]!)["resourceVersion"] = rv;
            SetReplicas(type, updated, replicas.Value);
            return updated;
        }, new WriteRequest
        {
            Options = options.Options, IsPatch = true, Subresource = Subresource.Scale, Warnings = options.Warnings,
            RequestFieldManager = options.RequestFieldManager, RequestFieldValidation = options.RequestFieldValidation,
        }).ConfigureAwait(false);
        return ToScale(type, result);
    }

    private static JsonNode? Parent(JsonObject obj, string path)
    {
        var dot = path.LastIndexOf('.');
        return dot < 0 ? obj : Json.Path(obj, path[..dot]);
    }

    private static string Leaf(string path) => path[(path.LastIndexOf('.') + 1)..];
}
