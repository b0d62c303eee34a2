using Fluid.Values;
using Orkestra.Templating.Values;
using static Orkestra.Templating.Functions.Library.Args;

namespace Orkestra.Templating.Functions.Library;

internal static class MathFunctions
{
    private const string C = "math";

    public static void Register(FunctionRegistry r)
    {
        Binary(r, "add", "A + B", (x, y) => x + y);
        Binary(r, "sub", "A - B", (x, y) => x - y);
        Binary(r, "mul", "A × B", (x, y) => x * y);
        r.Add(C, "div", "div A B", "A / B (an error when B is 0); whole results are integers", 2, 2, ValueShape.Number, (a, in _) =>
        {
            var y = Number("div", a[1]);
            if (y == 0) throw new TemplateFunctionException("div: division by zero");
            return Num(Number("div", a[0]) / y);
        });
        r.Add(C, "mod", "mod A B", "the integer remainder of A / B (an error when B is 0)", 2, 2, ValueShape.Number, (a, in _) =>
        {
            var y = Int("mod", a[1]);
            if (y == 0) throw new TemplateFunctionException("mod: division by zero");
            return Num(Int("mod", a[0]) % y);
        });
        Binary(r, "min", "the smaller of A and B", Math.Min);
        Binary(r, "max", "the larger of A and B", Math.Max);
        r.Add(C, "clamp", "clamp V LO HI", "V limited to the range LO..HI", 3, 3, ValueShape.Number,
            (a, in _) => Num(Math.Min(Math.Max(Number("clamp", a[0]), Number("clamp", a[1])), Number("clamp", a[2]))));
        r.Add(C, "abs", "abs V", "the absolute value of V", 1, 1, ValueShape.Number, (a, in _) => Num(Math.Abs(Number("abs", a[0]))));
    }

    private static void Binary(FunctionRegistry r, string name, string description, Func<decimal, decimal, decimal> f) =>
        r.Add(C, name, $"{name} A B", description + " (numbers or numeric strings; whole results are integers)", 2, 2, ValueShape.Number,
            (a, in _) =>
        {
            try { return Num(f(Number(name, a[0]), Number(name, a[1]))); }
            catch (OverflowException) { throw new TemplateFunctionException($"{name}: result out of range"); }
        });
}
