using System.Globalization;
using Fluid.Values;
using Orkestra.Templating.Values;

namespace Orkestra.Templating.Functions.Library;

/// <summary>Argument conversions shared by the library: each failure names the function and the bad value.</summary>
internal static class Args
{
    public static string Str(FluidValue v) => GoValues.Format(v);

    public static bool TryNumber(FluidValue v, out decimal number)
    {
        switch (GoValues.Kind(v))
        {
            case GoKind.Number: number = v.ToNumberValue(); return true;
            case GoKind.Bool: number = v.ToBooleanValue() ? 1 : 0; return true;
            case GoKind.String:
                var s = v.ToStringValue().Trim();
                if (decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out number)) return true;
                if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)
                    && Math.Abs(d) < 7.9e28) { number = (decimal)d; return true; }
                return false;
            default: number = 0; return false;
        }
    }

    public static decimal Number(string fn, FluidValue v)
    {
        if (GoValues.IsNil(v) || (GoValues.Kind(v) == GoKind.String && v.ToStringValue().Trim().Length == 0)) return 0;
        if (TryNumber(v, out var n)) return n;
        throw new TemplateFunctionException($"{fn}: cannot convert {Describe(v)} to a number");
    }

    public static long Int(string fn, FluidValue v) => (long)decimal.Truncate(Number(fn, v));

    public static string Describe(FluidValue v) =>
        GoValues.Kind(v) == GoKind.String ? $"\"{v.ToStringValue()}\"" : $"{GoValues.TypeName(v)} {GoValues.Format(v)}";

    /// <summary>Number as Go's arithmetic would give it: an integer when whole.</summary>
    public static FluidValue Num(decimal d) => GoValues.Number(d);

    public static FluidValue Str(string s) => GoValues.String(s);

    public static FluidValue Bool(bool b) => GoValues.Bool(b);

    public static FluidValue List(IEnumerable<FluidValue> items) => new ListValue(items.ToArray());

    public static FluidValue StrList(IEnumerable<string> items) => new ListValue(items.Select(GoValues.String).ToArray());

    public static FluidValue Map(IEnumerable<KeyValuePair<string, FluidValue>> entries) =>
        new MapValue(entries.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal));

    /// <summary>Walks map keys; nil when any step is missing or not a map (never throws).</summary>
    public static FluidValue Path(FluidValue obj, params string[] keys)
    {
        var v = obj;
        foreach (var k in keys)
        {
            if (!GoValues.TryGetMember(v, k, out v)) return NilValue.Instance;
        }
        return v;
    }

    public static long PathInt(FluidValue obj, params string[] keys) => TryNumber(Path(obj, keys), out var n) ? (long)n : 0;
}

/// <summary>Registration shorthand for the category files.</summary>
internal static class Reg
{
    public static void Add(this FunctionRegistry r, string category, string name, string signature, string description,
        int min, int max, ValueShape returns, TemplateFunction fn, bool deterministic = true) =>
        r.Add(new FunctionDescriptor(name, category, signature, description, min, max, returns, fn) { Deterministic = deterministic });
}
