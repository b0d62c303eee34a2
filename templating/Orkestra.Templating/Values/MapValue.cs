using System.Globalization;
using System.Text.Encodings.Web;
using Fluid;
using Fluid.Values;

namespace Orkestra.Templating.Values;

/// <summary>
/// A Go <c>map[string]interface{}</c> as a Fluid value: string keys, any values, ordinal key order when
/// ranged or printed (Go's text/template visits map keys sorted). Immutable once built; shared freely.
/// Missing keys read as nil (Orkestra renders with <c>missingkey=zero</c>).
/// </summary>
public sealed class MapValue : CompositeValue
{
    public static readonly MapValue Empty = new(new Dictionary<string, FluidValue>(StringComparer.Ordinal));

    private readonly IReadOnlyDictionary<string, FluidValue> _entries;
    private string[]? _sortedKeys;

    public MapValue(IReadOnlyDictionary<string, FluidValue> entries) => _entries = entries;

    public IReadOnlyDictionary<string, FluidValue> Entries => _entries;

    public override int Count => _entries.Count;

    /// <summary>Keys in ordinal order (computed once; benign race: both writers compute the same array).</summary>
    public IReadOnlyList<string> SortedKeys
    {
        get
        {
            if (_sortedKeys is { } keys) return keys;
            var sorted = _entries.Keys.ToArray();
            Array.Sort(sorted, StringComparer.Ordinal);
            return _sortedKeys = sorted;
        }
    }

    public bool TryGet(string key, out FluidValue value)
    {
        if (_entries.TryGetValue(key, out var v)) { value = v; return true; }
        value = NilValue.Instance;
        return false;
    }

    public override FluidValues Type => FluidValues.Dictionary;
    public override object ToObjectValue() => _entries;
    public override ValueTask<FluidValue> GetValueAsync(string name, TemplateContext context) => new(TryGet(name,
        out var v) ? v : NilValue.Instance);
    public override ValueTask<FluidValue> GetIndexAsync(FluidValue index, TemplateContext context) => new(TryGet(index.ToStringValue(),
        out var v) ? v : NilValue.Instance);
    public override bool Contains(FluidValue value) => _entries.ContainsKey(value.ToStringValue());
    public override IEnumerable<FluidValue> Enumerate(TemplateContext context)
    {
        foreach (var key in SortedKeys) yield return _entries[key];
    }
}
