using Orkestra.Templating.Values;

namespace Orkestra.Katalog.Conditions;

/// <summary>
/// The other instances of a CR's kind, as template data, that the <c>unique</c> operator compares against: a condition
/// <c>field: spec.host, operator: unique</c> is false when any of them has the same value at that field. The runtime
/// builds one per reconcile over its informer cache (the CR itself left out); the list is read lazily, at the first
/// <c>unique</c> evaluated, and once. Where none is attached to a render (<c>ork render</c>), <c>unique</c> passes, as
/// in Orkestra where no checker is injected. Not thread-safe (one per render, like the scope it rides on).
/// </summary>
public sealed class PeerInstances(Func<IEnumerable<TemplateValue>> others)
{
    private IReadOnlyList<TemplateValue>? _others;

    public IReadOnlyList<TemplateValue> Others => _others ??= others().ToArray();
}
