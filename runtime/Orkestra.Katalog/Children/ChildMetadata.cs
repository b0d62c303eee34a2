using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Meta;

namespace Orkestra.Katalog.Children;

/// <summary>
/// The metadata every built child gets: name, namespace (namespaced kinds only), the
/// entry's labels plus <c>orkestra.orkspace.io/managed: "true"</c> and <c>orkestra-owner: &lt;cr&gt;</c>, the
/// entry's annotations, and a controller owner reference to the CR — only where garbage collection can honour it:
/// a namespaced child of a namespaced owner in the owner's namespace. Other children are tracked by label only.
/// </summary>
internal static class ChildMetadata
{
    public static JsonObject Stamp(string name, string? ns, JsonObject? labels, JsonObject? annotations, ChildOwner owner)
    {
        var metadata = new JsonObject { ["name"] = name };
        if (ns is not null) metadata["namespace"] = ns;
        labels ??= new JsonObject();
        labels[WellKnownLabels.Managed] = "true";
        labels[WellKnownLabels.Owner] = WellKnownLabels.OwnerValue(owner.Name);
        metadata["labels"] = labels;
        if (annotations is { Count: > 0 }) metadata["annotations"] = annotations;
        if (ns is not null && owner.Namespace is { Length: > 0 } && ns == owner.Namespace)
        {
            metadata["ownerReferences"] = new JsonArray(new JsonObject
            {
                ["apiVersion"] = owner.ApiVersion,
                ["kind"] = owner.Kind,
                ["name"] = owner.Name,
                ["uid"] = owner.Uid,
                ["controller"] = true,
                ["blockOwnerDeletion"] = true,
            });
        }
        return metadata;
    }
}
