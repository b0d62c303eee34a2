using System.Globalization;
using Fluid.Values;
using Orkestra.Templating.Values;

namespace Orkestra.Templating.Functions.Library;

/// <summary>
/// Nil-safe reads from Kubernetes objects (maps) shared by the object, workload and enrichment helpers.
/// Nothing here throws: a missing or wrongly typed field reads as "", 0, false or an empty sequence.
/// </summary>
internal static class ObjectAccess
{
    /// <summary>Joins the non-empty parts with ", " (Orkestra's CSV style for status fields).</summary>
    public static string Csv(IEnumerable<string> parts) => string.Join(", ", parts.Where(p => p.Length > 0));

    /// <summary>A scalar field printed (numbers, bools, strings); "" for nil, maps and lists.</summary>
    public static string Text(FluidValue v) => GoValues.Kind(v) is GoKind.String or GoKind.Number or GoKind.Bool ? GoValues.Format(v) : "";

    public static string Text(FluidValue obj, params string[] path) => Text(Args.Path(obj, path));

    /// <summary>A numeric field (number or numeric string), truncated; 0 otherwise.</summary>
    public static long Long(FluidValue v) =>
        Args.TryNumber(v, out var n) && GoValues.Kind(v) != GoKind.Bool ? (long)decimal.Truncate(n) : 0;

    public static long Long(FluidValue obj, params string[] path) => Long(Args.Path(obj, path));

    /// <summary>True when the field is present at all (even when its value is 0 or "").</summary>
    public static bool Has(FluidValue obj, params string[] path) => !GoValues.IsNil(Args.Path(obj, path));

    /// <summary>The items of a list field; empty when absent or not a list.</summary>
    public static IEnumerable<FluidValue> Items(FluidValue obj, params string[] path) => GoValues.EnumerateList(Args.Path(obj, path));

    /// <summary>A map field, or an empty map when absent (never nil).</summary>
    public static FluidValue MapOrEmpty(FluidValue obj, params string[] path)
    {
        var v = Args.Path(obj, path);
        return GoValues.Kind(v) == GoKind.Map ? v : MapValue.Empty;
    }

    /// <summary>The entry of <c>status.conditions</c> whose type is <paramref name="type"/>, or nil.</summary>
    public static FluidValue Condition(FluidValue obj, string type)
    {
        foreach (var c in Items(obj, "status", "conditions"))
        {
            if (Text(c, "type") == type) return c;
        }
        return NilValue.Instance;
    }

    public static bool ConditionTrue(FluidValue obj, string type) => Text(Condition(obj, type), "status") == "True";

    public static string Invariant(long n) => n.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Registration shorthands for helpers taking one object argument.</summary>
internal static class ObjectReg
{
    public static void ObjString(this FunctionRegistry r, string category, string name, string description, Func<FluidValue, string> f) =>
        r.Add(category, name, $"{name} OBJ", description, 1, 1, ValueShape.String, (a, in _) => Args.Str(f(a[0])));

    public static void ObjInt(this FunctionRegistry r, string category, string name, string description, Func<FluidValue, long> f) =>
        r.Add(category, name, $"{name} OBJ", description, 1, 1, ValueShape.Number, (a, in _) => GoValues.Number(f(a[0])));

    public static void ObjBool(this FunctionRegistry r, string category, string name, string description, Func<FluidValue, bool> f) =>
        r.Add(category, name, $"{name} OBJ", description, 1, 1, ValueShape.Bool, (a, in _) => GoValues.Bool(f(a[0])));
}
