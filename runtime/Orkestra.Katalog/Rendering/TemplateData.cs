using System.Text.Json;
using Orkestra.Templating.Values;

namespace Orkestra.Katalog.Rendering;

/// <summary>
/// Builds the data a template sees as <c>.</c> and <c>$</c> for one CR: the CR's own
/// top-level keys (<c>.apiVersion .kind .metadata .spec .status</c>, wrapped without copying) plus
/// <c>.children</c>, <c>.cross</c>, <c>.external</c> and, inside a <c>forEach</c>, the loop variables.
/// The CR element must stay alive for the render (callers pass elements of immutable documents).
/// </summary>
public static class TemplateData
{
    public static TemplateValue ForObject(JsonElement cr, TemplateValue? children = null, TemplateValue? cross = null,
        TemplateValue? external = null, IReadOnlyDictionary<string, TemplateValue>? loopVariables = null)
    {
        var capacity = (cr.ValueKind == JsonValueKind.Object ? cr.GetPropertyCount() : 0) + 3 + (loopVariables?.Count ?? 0);
        var entries = new TemplateMapBuilder(capacity).AddProperties(cr);
        entries["children"] = children ?? TemplateValue.EmptyMap;
        entries["cross"] = cross ?? TemplateValue.EmptyMap;
        entries["external"] = external ?? TemplateValue.EmptyMap;
        if (loopVariables is not null)
        {
            foreach (var (name, value) in loopVariables) entries[name] = value;
        }
        return entries.Build();
    }

    /// <summary>The same data with extra loop variables (forEach's <c>.item</c>, <c>.value</c>, <c>.&lt;as&gt;</c>).</summary>
    public static TemplateValue WithLoopVariables(TemplateValue data, IReadOnlyDictionary<string, TemplateValue> loopVariables) =>
        data.With(loopVariables);
}
