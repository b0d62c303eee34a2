using System.Globalization;
using System.Text.RegularExpressions;
using Fluid.Values;
using static Orkestra.Templating.Functions.Library.Args;

namespace Orkestra.Templating.Functions.Library;

/// <summary>
/// Kubernetes resource quantities ("100m", "1.5Gi", "2e3"). Parsing is exact (decimal); formatting gives the canonical
/// form: binary suffixes for values that are whole multiples of 1024 (or when an operand used one), otherwise decimal
/// suffixes, and milli/micro/nano units for fractions. Malformed quantities are an error naming the text.
/// </summary>
internal static partial class Quantity
{
    private const string C = "quantity";

    private static readonly (string Suffix, decimal Factor)[] s_binary =
        [("Ei", 1152921504606846976m), ("Pi", 1125899906842624m), ("Ti", 1099511627776m), ("Gi", 1073741824m), ("Mi", 1048576m),
            ("Ki", 1024m)];
    private static readonly (string Suffix, decimal Factor)[] s_decimal =
        [("E", 1e18m), ("P", 1e15m), ("T", 1e12m), ("G", 1e9m), ("M", 1e6m), ("k", 1e3m), ("", 1m), ("m", 1e-3m), ("u", 1e-6m),
            ("n", 1e-9m)];

    public static void Register(FunctionRegistry r)
    {
        r.Add(C, "parseQuantity", "parseQuantity Q", "the number a quantity stands for (\"100m\" → 0.1, \"1Gi\" → 1073741824)", 1, 1,
            ValueShape.Number,
            (a, in _) => Num(Parse("parseQuantity", a[0], out var _)));
        r.Add(C, "formatQuantity", "formatQuantity N", "N as a canonical quantity (0.1 → \"100m\", 1073741824 → \"1Gi\", 1500 → \"1500\")",
            1, 1, ValueShape.String,
            (a, in _) => Str(Format(Number("formatQuantity", a[0]), binary: null)));
        r.Add(C, "sumQuantity", "sumQuantity A B", "A + B as a canonical quantity (\"1Gi\" \"512Mi\" → \"1536Mi\"); both of one dimension",
            2, 2, ValueShape.String,
            (a, in _) => Combine("sumQuantity", a[0], a[1], 1));
        r.Add(C, "subtractQuantity", "subtractQuantity A B",
            "A - B as a canonical quantity (\"100m\" \"200m\" → \"-100m\"); both of one dimension", 2, 2, ValueShape.String,
            (a, in _) => Combine("subtractQuantity", a[0], a[1], -1));
    }

    private static FluidValue Combine(string fn, FluidValue a, FluidValue b, int sign)
    {
        var x = Parse(fn, a, out var binA);
        var y = Parse(fn, b, out var binB);
        try { return Str(Format(x + sign * y, binA ?? binB)); }
        catch (OverflowException) { throw new TemplateFunctionException($"{fn}: result out of range"); }
    }

    /// <summary>Parses a quantity; <paramref name="binary"/> says which suffix family it used (null: none).</summary>
    public static decimal Parse(string fn, FluidValue value, out bool? binary)
    {
        binary = null;
        if (TryNumber(value, out var plain) && Orkestra.Templating.Values.GoValues.Kind(value) == Orkestra.Templating.Values.GoKind.Number)
            return plain;
        var text = Str(value).Trim();
        var m = Pattern().Match(text);
        if (!m.Success || !decimal.TryParse(m.Groups["num"].Value, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign,
            CultureInfo.InvariantCulture, out var number))
            throw new TemplateFunctionException($"{fn}: \"{text}\" is not a quantity");
        var suffix = m.Groups["suffix"].Value;
        try
        {
            if (m.Groups["exp"].Success)
            {
                var exp = int.Parse(m.Groups["exp"].Value, CultureInfo.InvariantCulture);
                if (Math.Abs(exp) > 18) throw new OverflowException();
                for (var i = 0; i < Math.Abs(exp); i++) number = exp > 0 ? number * 10 : number / 10;
                return number;
            }
            foreach (var (s, f) in s_binary)
            {
                if (s == suffix) { binary = true; return number * f; }
            }
            foreach (var (s, f) in s_decimal)
            {
                if (s == suffix) { binary = suffix.Length == 0 ? null : false; return number * f; }
            }
        }
        catch (OverflowException)
        {
            throw new TemplateFunctionException($"{fn}: \"{text}\" is out of range");
        }
        throw new TemplateFunctionException($"{fn}: \"{text}\" has an unknown suffix \"{suffix}\"");
    }

    /// <summary>Canonical text of a quantity value. <paramref name="binary"/>: prefer binary (true), decimal (false) or decide
    /// (null).</summary>
    public static string Format(decimal value, bool? binary)
    {
        if (value == 0) return "0";
        var sign = value < 0 ? "-" : "";
        var abs = Math.Abs(value);
        var whole = decimal.Truncate(abs) == abs;
        if (whole && binary != false)
        {
            foreach (var (s, f) in s_binary)
            {
                if (abs >= f && abs % f == 0) return sign + (abs / f).ToString("0", CultureInfo.InvariantCulture) + s;
            }
            if (binary == true) return sign + abs.ToString("0", CultureInfo.InvariantCulture);
        }
        foreach (var (s, f) in s_decimal)
        {
            if (abs >= f && abs % f == 0) return sign + (abs / f).ToString("0", CultureInfo.InvariantCulture) + s;
        }
        // Finer than a nano unit: round up to whole nanos, as Kubernetes does.
        return sign + decimal.Ceiling(abs / 1e-9m).ToString("0", CultureInfo.InvariantCulture) + "n";
    }

    [GeneratedRegex(@"^(?<num>[+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:[eE](?<exp>[+-]?\d+)|(?<suffix>Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]?))$")]
    private static partial Regex Pattern();
}
