using System.Text.Json;
using Fluid.Values;
using Orkestra.Templating.Values;

namespace Orkestra.Katalog.Rendering;

/// <summary>
/// Builds the data a template sees as <c>.</c> and <c>$</c> for one CR (orkestra-schema.md §8.4): the CR's own
/// top-level keys (<c>.apiVersion .kind .metadata .spec .status</c>, wrapped without copying) plus
/// <c>.children</c>, <c>.cross</c>, <c>.external</c> and, inside a <c>forEach</c>, the loop variables.
/// The CR element must stay alive for the render (callers pass elements of immutable documents).
/// </summary>
public static class TemplateData
{
    public static MapValue ForObject(JsonElement cr, FluidValue? children = null, FluidValue? cross = null,
        FluidValue? external = null, IReadOnlyDictionary<string, FluidValue>? loopVariables = null)
    {
        var entries = new Dictionary<string, FluidValue>(StringComparer.Ordinal);
        if (cr.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in cr.EnumerateObject()) entries[property.Name] = JsonValues.From(property.Value);
        }
        entries["children"] = children ?? MapValue.Empty;
        entries["cross"] = cross ?? MapValue.Empty;
        entries["external"] = external ?? MapValue.Empty;
        if (loopVariables is not null)
        {
            foreach (var (name, value) in loopVariables) entries[name] = value;
        }
        return new MapValue(entries);
    }

    /// <summary>The same data with extra loop variables (forEach's <c>.item</c>, <c>.value</c>, <c>.&lt;as&gt;</c>).</summary>
    public static MapValue WithLoopVariables(MapValue data, IReadOnlyDictionary<string, FluidValue> loopVariables)
    {
        var entries = new Dictionary<string, FluidValue>(data.Entries, StringComparer.Ordinal);
        foreach (var (name, value) in loopVariables) entries[name] = value;
        return new MapValue(entries);
    }
}
