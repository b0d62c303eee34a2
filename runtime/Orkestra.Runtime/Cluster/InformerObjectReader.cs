using System.Text.Json;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Kube.Informers;
using Orkestra.Runtime.Reconciliation;

namespace Orkestra.Runtime.Cluster;

/// <summary>
/// <see cref="IObjectReader"/> over informer caches: the CR from its operator's informer, children from the shared
/// child informers (managed label) by the <c>orkestra-owner</c> label index. A child that carries owner references
/// belongs to this operator only when one of them names this operator's kind, so CRs of two CRDs that share a name
/// never see each other's children. No API call; thread-safe.
/// </summary>
internal sealed class InformerObjectReader(IInformer customResources, IReadOnlyList<IInformer> children, string apiVersion, string kind)
    : IObjectReader
{
    public JsonElement? GetCustomResource(ObjectKey key) =>
        customResources.Cache.TryGet(key, out var cr) ? cr : null;

    public IReadOnlyList<JsonElement> ListCustomResources() => customResources.Cache.List();

    public IReadOnlyList<JsonElement> ListOwnedChildren(string ownerName, string? ownerNamespace)
    {
        var owned = new List<JsonElement>();
        foreach (var informer in children)
        {
            foreach (var child in informer.Cache.ByLabel(WellKnownLabels.Owner, WellKnownLabels.OwnerValue(ownerName)))
            {
                var ns = Kube.ObjectMeta.Namespace(child);
                if (ns is not null && ns != ownerNamespace) continue;
                if (OwnerReferences.Of(child) is { } refs && !refs.Any(r => r.Kind == kind && r.ApiVersion == apiVersion)) continue;
                owned.Add(child);
            }
        }
        return owned;
    }
}

/// <summary>Reads <c>metadata.ownerReferences</c> of an object held as a <see cref="JsonElement"/>.</summary>
internal static class OwnerReferences
{
    public readonly record struct Reference(string ApiVersion, string Kind, string Name);

    /// <summary>The references, or null when the object has none.</summary>
    public static IReadOnlyList<Reference>? Of(JsonElement obj)
    {
        if (!obj.TryGetProperty("metadata", out var md) || !md.TryGetProperty("ownerReferences", out var refs)
            || refs.ValueKind != JsonValueKind.Array || refs.GetArrayLength() == 0) return null;
        var list = new List<Reference>(refs.GetArrayLength());
        foreach (var r in refs.EnumerateArray())
        {
            string Str(string p) => r.TryGetProperty(p, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
            list.Add(new Reference(Str("apiVersion"), Str("kind"), Str("name")));
        }
        return list;
    }
}
