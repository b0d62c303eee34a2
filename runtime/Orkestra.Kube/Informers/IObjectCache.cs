using System.Text.Json;
using Orkestra.ApiMachinery.Meta;

namespace Orkestra.Kube.Informers;

/// <summary>
/// Read side of an informer's cache: the last state the informer saw of every object matching its selector, keyed by
/// namespace and name. Reads never block and never call the API; every returned <see cref="JsonElement"/> is an
/// immutable snapshot without <c>metadata.managedFields</c>. Lists are snapshots built at call time: an object
/// changed concurrently may appear in its old or new state, never torn. Keys are <see cref="ObjectKey"/>s (namespace
/// <c>""</c> for cluster-scoped objects).
/// </summary>
public interface IObjectCache
{
    int Count { get; }

    bool TryGet(ObjectKey key, out JsonElement obj);

    /// <summary><see cref="TryGet(ObjectKey, out JsonElement)"/> of <c>(namespace, name)</c>; a null namespace means
    /// cluster-scoped.</summary>
    bool TryGet(string? @namespace, string name, out JsonElement obj);

    /// <summary>Every object (or those of <paramref name="namespace"/>, when given).</summary>
    IReadOnlyList<JsonElement> List(string? @namespace = null);

    /// <summary>The keys of every object (or those of <paramref name="namespace"/>), without reading the objects.</summary>
    IReadOnlyList<ObjectKey> Keys(string? @namespace = null);

    /// <summary>Objects whose label <paramref name="labelKey"/> equals <paramref name="value"/>; the label must have been
    /// indexed with <see cref="IInformer.AddLabelIndex"/> (else <see cref="InvalidOperationException"/>).</summary>
    IReadOnlyList<JsonElement> ByLabel(string labelKey, string value);
}
