using System.Globalization;
using System.Text.Encodings.Web;
using Fluid;
using Fluid.Values;

namespace Orkestra.Templating.Values;

/// <summary>A Go slice (<c>[]interface{}</c>) as a Fluid value. Immutable once built; shared freely.</summary>
public sealed class ListValue : FluidValue
{
    public static readonly ListValue Empty = new(Array.Empty<FluidValue>());

    public ListValue(IReadOnlyList<FluidValue> items) => Items = items;

    public IReadOnlyList<FluidValue> Items { get; }

    public int Count => Items.Count;

    public override FluidValues Type => FluidValues.Array;
    public override bool Equals(FluidValue other) => GoValues.DeepEqual(this, other);
    public override bool ToBooleanValue() => Items.Count > 0;
    public override decimal ToNumberValue() => 0;
    public override string ToStringValue() => GoValues.Format(this);
    public override object ToObjectValue() => Items;
    public override ValueTask WriteToAsync(TextWriter writer, TextEncoder encoder, CultureInfo cultureInfo) => new(writer.WriteAsync(ToStringValue()));
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
    public override bool Equals(object? obj) => obj is FluidValue v && Equals(v);
    public override int GetHashCode() => Items.Count;
}
