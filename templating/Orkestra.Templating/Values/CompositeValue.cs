using System.Globalization;
using System.Text.Encodings.Web;
using Fluid.Values;

namespace Orkestra.Templating.Values;

/// <summary>
/// What every map and list value shares: Go semantics for equality (deep), truth (non-empty), printing (<c>%v</c>)
/// and number conversion (0). Subclasses give the kind and the count.
/// </summary>
public abstract class CompositeValue : FluidValue
{
    /// <summary>Entries of a map or items of a list.</summary>
    public abstract int Count { get; }

    public sealed override bool Equals(FluidValue other) => GoValues.DeepEqual(this, other);
    public sealed override bool ToBooleanValue() => Count > 0;
    public sealed override decimal ToNumberValue() => 0;
    public sealed override string ToStringValue() => GoValues.Format(this);
    public sealed override ValueTask WriteToAsync(TextWriter writer, TextEncoder encoder,
        CultureInfo cultureInfo) => new(writer.WriteAsync(ToStringValue()));
    public sealed override bool Equals(object? obj) => obj is FluidValue v && Equals(v);
    public override int GetHashCode() => Count;
}
