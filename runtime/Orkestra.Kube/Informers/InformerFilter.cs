using System.Text.Json;
using Orkestra.ApiMachinery.Selectors;

namespace Orkestra.Kube.Informers;

/// <summary>
/// Whether an object belongs in an informer's cache, judged on the client: the <see cref="InformerKey"/>'s namespace,
/// label selector and field selector. Only <c>metadata.name</c> and <c>metadata.namespace</c> can be judged of the
/// field selectors (other fields map to per-kind paths the client does not know), so any other field, or a selector
/// that does not parse, admits nothing: an object the informer might not list must never be put in its cache.
/// Immutable; thread-safe.
/// </summary>
internal sealed class InformerFilter
{
    private readonly string? _namespace;
    private readonly Selector? _labels;   // null: the selector does not parse, nothing is admitted
    private readonly Selector? _fields;   // null: unparsable or a field the client cannot judge, nothing is admitted

    public InformerFilter(InformerKey key)
    {
        _namespace = key.Namespace;
        _labels = Selector.TryParseLabels(key.LabelSelector, out var labels, out _) ? labels : null;
        _fields = Selector.TryParseFields(key.FieldSelector, out var fields, out _)
                  && fields.Keys.All(k => k is "metadata.name" or "metadata.namespace")
            ? fields : null;
    }

    public bool Admits(JsonElement obj)
    {
        if (_labels is null || _fields is null || ObjectMeta.Name(obj) is not { } name) return false;
        var ns = ObjectMeta.Namespace(obj);
        if (_namespace is not null && ns != _namespace) return false;
        return _labels.Matches(label => ObjectMeta.Label(obj, label))
               && _fields.Matches(field => field == "metadata.name" ? name : ns ?? "");
    }
}
