using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fluid;
using Fluid.Values;

namespace Orkestra.Templating.Values;

/// <summary>
/// Bridges JSON data (Kubernetes objects) into template values without copying: objects and arrays are
/// wrapped lazily around a <see cref="JsonElement"/>, scalars become Fluid scalars on access.
/// The wrapped element must outlive the values (callers pass elements of immutable, cloned documents).
/// </summary>
public static class JsonValues
{
    /// <summary>Wraps a JSON element as a template value (null/undefined → nil).</summary>
    public static FluidValue From(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => new JsonObjectValue(element),
        JsonValueKind.Array => new JsonArrayValue(element),
        JsonValueKind.String => StringValue.Create(element.GetString()!),
        JsonValueKind.Number => NumberValue.Create(ToDecimal(element)),
        JsonValueKind.True => BooleanValue.True,
        JsonValueKind.False => BooleanValue.False,
        _ => NilValue.Instance,
    };

    /// <summary>Converts a mutable JSON node into template values (a deep copy into Map/List values).</summary>
    public static FluidValue From(JsonNode? node)
    {
        switch (node)
        {
            case null: return NilValue.Instance;
            case JsonObject obj:
            {
                var map = new Dictionary<string, FluidValue>(obj.Count, StringComparer.Ordinal);
                foreach (var (k, v) in obj) map[k] = From(v);
                return new MapValue(map);
            }
            case JsonArray arr:
            {
                var items = new FluidValue[arr.Count];
                for (var i = 0; i < items.Length; i++) items[i] = From(arr[i]);
                return new ListValue(items);
            }
            default:
                return From(node.AsValue().GetValue<JsonElement>());
        }
    }

    internal static decimal ToDecimal(JsonElement number)
    {
        if (number.TryGetInt64(out var l)) return l;
        if (number.TryGetDecimal(out var d)) return d;
        var f = number.GetDouble();
        return f >= (double)decimal.MaxValue ? decimal.MaxValue : f <= (double)decimal.MinValue ? decimal.MinValue : (decimal)f;
    }
}

/// <summary>A JSON object viewed as a Go map. Immutable; shared freely.</summary>
public sealed class JsonObjectValue : CompositeValue
{
    private string[]? _sortedKeys;

    public JsonObjectValue(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object) throw new ArgumentException("element must be a JSON object", nameof(element));
        Element = element;
    }

    public JsonElement Element { get; }

    public bool TryGet(string key, out FluidValue value)
    {
        if (Element.TryGetProperty(key, out var prop)) { value = JsonValues.From(prop); return true; }
        value = NilValue.Instance;
        return false;
    }

    public IReadOnlyList<string> SortedKeys
    {
        get
        {
            if (_sortedKeys is { } keys) return keys;
            var list = new List<string>();
            foreach (var p in Element.EnumerateObject()) list.Add(p.Name);
            var sorted = list.ToArray();
            Array.Sort(sorted, StringComparer.Ordinal);
            return _sortedKeys = sorted;
        }
    }

    public override int Count
    {
        get
        {
            var n = 0;
            foreach (var _ in Element.EnumerateObject()) n++;
            return n;
        }
    }

    public override FluidValues Type => FluidValues.Dictionary;
    public override object ToObjectValue() => Element;
    public override ValueTask<FluidValue> GetValueAsync(string name, TemplateContext context) => new(TryGet(name,
        out var v) ? v : NilValue.Instance);
    public override ValueTask<FluidValue> GetIndexAsync(FluidValue index, TemplateContext context) => new(TryGet(index.ToStringValue(),
        out var v) ? v : NilValue.Instance);
    public override bool Contains(FluidValue value) => Element.TryGetProperty(value.ToStringValue(), out _);
    public override IEnumerable<FluidValue> Enumerate(TemplateContext context)
    {
        foreach (var key in SortedKeys) yield return JsonValues.From(Element.GetProperty(key));
    }
    public override int GetHashCode() => Element.GetHashCode();
}

/// <summary>A JSON array viewed as a Go slice. Immutable; shared freely.</summary>
public sealed class JsonArrayValue : CompositeValue
{
    public JsonArrayValue(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Array) throw new ArgumentException("element must be a JSON array", nameof(element));
        Element = element;
    }

    public JsonElement Element { get; }

    public override int Count => Element.GetArrayLength();

    public FluidValue this[int index] => index >= 0 && index < Count ? JsonValues.From(Element[index]) : NilValue.Instance;

    public override FluidValues Type => FluidValues.Array;
    public override object ToObjectValue() => Element;
    public override ValueTask<FluidValue> GetIndexAsync(FluidValue index, TemplateContext context) => new(this[(int)index.ToNumberValue()]);
    public override bool Contains(FluidValue value)
    {
        foreach (var item in Enumerate(null!)) if (GoValues.DeepEqual(item, value)) return true;
        return false;
    }
    public override IEnumerable<FluidValue> Enumerate(TemplateContext context)
    {
        foreach (var e in Element.EnumerateArray()) yield return JsonValues.From(e);
    }
    public override int GetHashCode() => Element.GetHashCode();
}
