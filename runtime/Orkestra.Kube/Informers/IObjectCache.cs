using System.Text.Json;

namespace Orkestra.Kube.Informers;

/// <summary>
/// Read side of an informer's cache: the last state the informer saw of every object matching its selector, keyed
/// <c>namespace/name</c>. Reads never block and never call the API; every returned <see cref="JsonElement"/> is an
/// immutable snapshot without <c>metadata.managedFields</c>. Lists are snapshots built at call time: an object
/// changed concurrently may appear in its old or new state, never torn.
/// </summary>
public interface IObjectCache
{
    int Count { get; }

    bool TryGet(string? @namespace, string name, out JsonElement obj);

    /// <summary>Every object (or those of <paramref name="namespace"/>, when given).</summary>
    IReadOnlyList<JsonElement> List(string? @namespace = null);

    /// <summary>The <c>namespace/name</c> (or <c>name</c>) keys of every object (or those of <paramref name="namespace"/>), without reading the objects.</summary>
    IReadOnlyList<string> Keys(string? @namespace = null);

    /// <summary>Objects whose label <paramref name="labelKey"/> equals <paramref name="value"/>; the label must have been
    /// indexed with <see cref="IInformer.AddLabelIndex"/> (else <see cref="InvalidOperationException"/>).</summary>
    IReadOnlyList<JsonElement> ByLabel(string labelKey, string value);
}
