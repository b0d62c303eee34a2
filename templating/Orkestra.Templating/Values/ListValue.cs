using System.Globalization;
using System.Text.Encodings.Web;
using Fluid;
using Fluid.Values;

namespace Orkestra.Templating.Values;

/// <summary>A Go slice (<c>[]interface{}</c>) as a Fluid value. Immutable once built; shared freely.</summary>
public sealed class ListValue : CompositeValue
{
    public static readonly ListValue Empty = new(Array.Empty<FluidValue>());

    public ListValue(IReadOnlyList<FluidValue> items) => Items = items;

    public IReadOnlyList<FluidValue> Items { get; }

    public override int Count => Items.Count;

    public override FluidValues Type => FluidValues.Array;
    public override object ToObjectValue() => Items;
    public override ValueTask<FluidValue> GetIndexAsync(FluidValue index, TemplateContext context)
    {
        var i = (int)index.ToNumberValue();
        return new(i >= 0 && i < Items.Count ? Items[i] : NilValue.Instance);
    }
    public override bool Contains(FluidValue value)
    {
        foreach (var item in Items) if (GoValues.DeepEqual(item, value)) return true;
        return false;
    }
    public override IEnumerable<FluidValue> Enumerate(TemplateContext context) => Items;
}
