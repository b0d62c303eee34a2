using System.Text.Json;
using System.Text.Json.Nodes;
using Fluid.Values;

namespace Orkestra.Templating.Values;

/// <summary>
/// A template value with Go semantics (nil, bool, number, string, map, list), owned by Orkestra.Templating so
/// callers never see the engine's own value types: the engine can change without touching them. Immutable;
/// shared freely. <c>default</c> is nil.
/// </summary>
public readonly struct TemplateValue : IEquatable<TemplateValue>
{
    private readonly FluidValue? _value;

    internal TemplateValue(FluidValue value) => _value = value;

    /// <summary>The engine's value (nil for <c>default</c>).</summary>
    internal FluidValue Value => _value ?? NilValue.Instance;

    public static TemplateValue Nil => default;
    public static TemplateValue Bool(bool value) => new(GoValues.Bool(value));
    public static TemplateValue Number(long value) => new(GoValues.Number(value));
    public static TemplateValue Number(decimal value) => new(GoValues.Number(value));
    public static TemplateValue String(string value) => new(GoValues.String(value));

    /// <summary>An empty map (<c>map[string]interface{}{}</c>).</summary>
    public static TemplateValue EmptyMap => new(MapValue.Empty);

    /// <summary>A map of <paramref name="entries"/> (a later duplicate key wins).</summary>
    public static TemplateValue Map(IEnumerable<KeyValuePair<string, TemplateValue>> entries)
    {
        var map = new TemplateMapBuilder();
        foreach (var (key, value) in entries) map[key] = value;
        return map.Build();
    }

    /// <summary>A list of <paramref name="items"/> in order.</summary>
    public static TemplateValue List(IEnumerable<TemplateValue> items) => new(new ListValue(items.Select(i => i.Value).ToArray()));

    /// <summary>JSON as template data (objects are maps, arrays lists); read lazily from the element.</summary>
    public static TemplateValue FromJson(JsonElement element) => new(JsonValues.From(element));

    /// <summary>This map with <paramref name="entries"/> added or replaced; a value that is not a map counts as empty.</summary>
    public TemplateValue With(IEnumerable<KeyValuePair<string, TemplateValue>> entries)
    {
        var map = new TemplateMapBuilder(this);
        foreach (var (key, value) in entries) map[key] = value;
        return map.Build();
    }

    public GoKind Kind => GoValues.Kind(Value);
    public bool IsNil => GoValues.IsNil(Value);

    /// <summary>Go's <c>len</c>: entries of a map, items of a list, bytes of a string, else 0.</summary>
    public int Count => GoValues.Count(Value);

    /// <summary>The type name (nil, bool, int, float64, string, map, slice).</summary>
    public string TypeName => GoValues.TypeName(Value);

    /// <summary>The member <paramref name="key"/> of a map; false (and nil) for a missing key or a non-map.</summary>
    public bool TryGetMember(string key, out TemplateValue member)
    {
        var found = GoValues.TryGetMember(Value, key, out var value);
        member = new(value);
        return found;
    }

    /// <summary>Map entries in ordinal key order (Go's range order). Empty for non-maps.</summary>
    public IEnumerable<KeyValuePair<string, TemplateValue>> EnumerateMap() =>
        GoValues.EnumerateMap(Value).Select(e => new KeyValuePair<string, TemplateValue>(e.Key, new(e.Value)));

    /// <summary>List items in order. Empty for non-lists.</summary>
    public IEnumerable<TemplateValue> EnumerateList() => GoValues.EnumerateList(Value).Select(v => new TemplateValue(v));

    /// <summary>The number of a number value, else Go's conversion (0 for maps and lists).</summary>
    public decimal ToNumber() => Value.ToNumberValue();

    /// <summary>The value as JSON (numbers stay numbers, nil is null).</summary>
    public JsonNode? ToJsonNode() => GoValues.ToJsonNode(Value);

    /// <summary>Prints the value as Go's <c>fmt %v</c> does, except that nil prints as "" (missingkey=zero).</summary>
    public override string ToString() => GoValues.Format(Value);

    /// <summary>Go's deep equality.</summary>
    public bool Equals(TemplateValue other) => GoValues.DeepEqual(Value, other.Value);
    public override bool Equals(object? obj) => obj is TemplateValue other && Equals(other);
    public override int GetHashCode() => Value.GetHashCode();
    public static bool operator ==(TemplateValue left, TemplateValue right) => left.Equals(right);
    public static bool operator !=(TemplateValue left, TemplateValue right) => !left.Equals(right);
}
