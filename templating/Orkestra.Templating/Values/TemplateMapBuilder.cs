using System.Text.Json;
using Fluid.Values;

namespace Orkestra.Templating.Values;

/// <summary>
/// Builds one map <see cref="TemplateValue"/> without an intermediate copy: set entries, then <see cref="Build"/>
/// once (the builder must not be used after). Later sets of a key win. Not thread-safe; the built value is.
/// </summary>
public sealed class TemplateMapBuilder
{
    private readonly Dictionary<string, FluidValue> _entries;
    private bool _built;

    public TemplateMapBuilder(int capacity = 0) => _entries = new(capacity, StringComparer.Ordinal);

    /// <summary>Starts from the entries of <paramref name="map"/> (none when it is not a map).</summary>
    public TemplateMapBuilder(TemplateValue map)
    {
        _entries = map.Value is MapValue m
            ? new Dictionary<string, FluidValue>(m.Entries, StringComparer.Ordinal)
            : new Dictionary<string, FluidValue>(StringComparer.Ordinal);
        if (map.Value is not MapValue)
        {
            foreach (var (key, value) in map.EnumerateMap()) _entries[key] = value.Value;
        }
    }

    public int Count => _entries.Count;

    public TemplateValue this[string key]
    {
        get => _entries.TryGetValue(key, out var v) ? new(v) : TemplateValue.Nil;
        set => Writable()[key] = value.Value;
    }

    public bool ContainsKey(string key) => _entries.ContainsKey(key);

    public bool TryGetValue(string key, out TemplateValue value)
    {
        var found = _entries.TryGetValue(key, out var v);
        value = found ? new(v!) : TemplateValue.Nil;
        return found;
    }

    /// <summary>Sets every property of a JSON object (read lazily as template data); nothing for other JSON.</summary>
    public TemplateMapBuilder AddProperties(JsonElement obj)
    {
        if (obj.ValueKind != JsonValueKind.Object) return this;
        var entries = Writable();
        foreach (var property in obj.EnumerateObject()) entries[Name(property)] = JsonValues.From(property.Value);
        return this;
    }

    /// <summary>The names every Kubernetes object has at its top, kept as one string each.</summary>
    private static readonly string[] ObjectNames = ["apiVersion", "kind", "metadata", "spec", "status"];

    private static string Name(JsonProperty property)
    {
        foreach (var name in ObjectNames)
        {
            if (property.NameEquals(name)) return name;
        }
        return property.Name;
    }

    public TemplateValue Build()
    {
        var entries = Writable();
        _built = true;
        return new(new MapValue(entries));
    }

    private Dictionary<string, FluidValue> Writable() =>
        _built ? throw new InvalidOperationException("this map was already built") : _entries;
}
