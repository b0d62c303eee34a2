using Fluid.Values;
using Orkestra.Templating.Values;
using static Orkestra.Templating.Functions.Library.Args;

namespace Orkestra.Templating.Functions.Library;

internal static class Conditional
{
    private const string C = "conditional";
    private const int V = FunctionDescriptor.Variadic;

    public static void Register(FunctionRegistry r)
    {
        r.Add(C, "default", "default FALLBACK VALUE",
            "VALUE when it is not empty, else FALLBACK (fallback first, so `.x | default \"y\"` works)", 2, 2, ValueShape.Any,
            (a, in _) => GoValues.IsEmpty(a[1]) ? a[0] : a[1]);
        r.Add(C, "ternary", "ternary COND A B", "A when COND is true (Go truthiness), else B", 3, 3, ValueShape.Any,
            (a, in _) => GoValues.IsTrue(a[0]) ? a[1] : a[2]);
        r.Add(C, "boolTernary", "boolTernary BOOL A B", "A when BOOL is the boolean true (or the string \"true\"), else B", 3, 3,
            ValueShape.Any,
            (a, in _) => IsStrictTrue(a[0]) ? a[1] : a[2]);
        r.Add(C, "boolDefault", "boolDefault VALUE DEFAULT", "VALUE when it is a boolean, else DEFAULT", 2, 2, ValueShape.Any,
            (a, in _) => GoValues.Kind(a[0]) == GoKind.Bool ? a[0] : a[1]);
        r.Add(C, "eqTernary", "eqTernary VALUE TARGET A B", "A when VALUE and TARGET print the same, else B", 4, 4, ValueShape.Any,
            (a, in _) => Str(a[0]) == Str(a[1]) ? a[2] : a[3]);
        r.Add(C, "coalesce", "coalesce VALUE...", "the first non-empty value, or nil", 1, V, ValueShape.Any, (a, in _) =>
        {
            foreach (var v in a) if (!GoValues.IsEmpty(v)) return v;
            return NilValue.Instance;
        });
        r.Add(C, "empty", "empty VALUE", "true for nil, \"\", 0, false, empty lists and maps, and \"<no value>\"", 1, 1, ValueShape.Bool,
            (a, in _) => Bool(GoValues.IsEmpty(a[0])));
        r.Add(C, "Empty", "Empty VALUE", "same as empty (the capitalised name Orkestra's index lists)", 1, 1, ValueShape.Bool,
            (a, in _) => Bool(GoValues.IsEmpty(a[0])));
        r.Add(C, "notEmpty", "notEmpty VALUE", "the opposite of empty", 1, 1, ValueShape.Bool, (a, in _) => Bool(!GoValues.IsEmpty(a[0])));
    }

    private static bool IsStrictTrue(FluidValue v) =>
        GoValues.Kind(v) == GoKind.Bool ? v.ToBooleanValue() : GoValues.Kind(v) == GoKind.String && v.ToStringValue() == "true";
}
