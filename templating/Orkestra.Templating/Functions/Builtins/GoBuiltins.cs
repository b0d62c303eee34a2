using System.Text;
using Fluid.Values;
using Orkestra.Templating.Values;

namespace Orkestra.Templating.Functions;

/// <summary>
/// Go text/template's predefined functions. <c>and</c>/<c>or</c> short-circuit in the evaluator
/// (ShortCircuitCommand); their entries here serve <c>ork notes</c> and arity checks. Comparisons are lenient
/// where Go would fail: values of different kinds are simply unequal.
/// </summary>
internal static partial class StandardLibrary
{
    private const string Go = "go builtins";

    static partial void RegisterGoBuiltins(FunctionRegistry registry)
    {
        var r = registry;
        r.Add(new("and", Go, "and ARG...", "the first empty argument, or the last one (stops evaluating at the first empty one)", 1,
            FunctionDescriptor.Variadic, ValueShape.Any, And));
        r.Add(new("or", Go, "or ARG...", "the first non-empty argument, or the last one (stops evaluating at the first non-empty one)", 1,
            FunctionDescriptor.Variadic, ValueShape.Any, Or));
        r.Add(new("not", Go, "not ARG", "true when ARG is empty (false, 0, nil, \"\", empty list or map)", 1, 1, ValueShape.Bool,
            (a, in _) => GoValues.Bool(!GoValues.IsTrue(a[0]))));
        r.Add(new("len", Go, "len X", "length of a string (bytes), list or map", 1, 1, ValueShape.Number, Len));
        r.Add(new("index", Go, "index X KEY...", "X[KEY][KEY2]…: map values by key, list items by position", 1, FunctionDescriptor.Variadic,
            ValueShape.Any, Index));
        r.Add(new("eq", Go, "eq A B...", "true when A equals B (or any of the following arguments)", 2, FunctionDescriptor.Variadic,
            ValueShape.Bool, Eq));
        r.Add(new("ne", Go, "ne A B", "true when A differs from B", 2, 2, ValueShape.Bool, (a, in _) => GoValues.Bool(!Equal(a[0], a[1]))));
        r.Add(new("lt", Go, "lt A B", "A < B (numbers or strings)", 2, 2, ValueShape.Bool, (a, in c) => Compare(a, c, x => x < 0)));
        r.Add(new("le", Go, "le A B", "A <= B (numbers or strings)", 2, 2, ValueShape.Bool, (a, in c) => Compare(a, c, x => x <= 0)));
        r.Add(new("gt", Go, "gt A B", "A > B (numbers or strings)", 2, 2, ValueShape.Bool, (a, in c) => Compare(a, c, x => x > 0)));
        r.Add(new("ge", Go, "ge A B", "A >= B (numbers or strings)", 2, 2, ValueShape.Bool, (a, in c) => Compare(a, c, x => x >= 0)));
        r.Add(new("print", Go, "print ARG...", "the arguments printed as Go's fmt.Sprint (spaces between non-string operands)", 0,
            FunctionDescriptor.Variadic, ValueShape.String, Print));
        r.Add(new("println", Go, "println ARG...", "the arguments separated by spaces, with a trailing newline", 0,
            FunctionDescriptor.Variadic, ValueShape.String, Println));
        r.Add(new("printf", Go, "printf FORMAT ARG...", "the arguments formatted by FORMAT (Go verbs: %s %d %v %q %f %t %x …)", 1,
            FunctionDescriptor.Variadic, ValueShape.String, (a, in _) => GoValues.String(GoFormat.Sprintf(GoValues.Format(a[0]), a[1..]))));
    }

    private static FluidValue And(ReadOnlySpan<FluidValue> args, in FunctionCall call)
    {
        foreach (var a in args) if (!GoValues.IsTrue(a)) return a;
        return args[^1];
    }

    private static FluidValue Or(ReadOnlySpan<FluidValue> args, in FunctionCall call)
    {
        foreach (var a in args) if (GoValues.IsTrue(a)) return a;
        return args[^1];
    }

    private static FluidValue Len(ReadOnlySpan<FluidValue> args, in FunctionCall call)
    {
        var kind = GoValues.Kind(args[0]);
        if (kind is GoKind.String or GoKind.List or GoKind.Map) return GoValues.Number(GoValues.Count(args[0]));
        throw new TemplateFunctionException($"len of type {GoValues.TypeName(args[0])}");
    }

    private static FluidValue Index(ReadOnlySpan<FluidValue> args, in FunctionCall call)
    {
        var value = args[0];
        foreach (var key in args[1..])
        {
            switch (GoValues.Kind(value))
            {
                case GoKind.Map:
                    GoValues.TryGetMember(value, GoValues.Format(key), out value);
                    break;
                case GoKind.List:
                    if (GoValues.Kind(key) != GoKind.Number || !GoValues.IsInteger(key))
                        throw new TemplateFunctionException($"cannot index slice with {GoValues.TypeName(key)}");
                    var i = (long)key.ToNumberValue();
                    var count = GoValues.Count(value);
                    if (i < 0 || i >= count) throw new TemplateFunctionException($"index out of range: {i}");
                    value = GoValues.ListItem(value, (int)i);
                    break;
                case GoKind.Nil:
                    return NilValue.Instance;
                default:
                    throw new TemplateFunctionException($"can't index item of type {GoValues.TypeName(value)}");
            }
        }
        return value;
    }

    private static FluidValue Eq(ReadOnlySpan<FluidValue> args, in FunctionCall call)
    {
        foreach (var other in args[1..]) if (Equal(args[0], other)) return BooleanValue.True;
        return BooleanValue.False;
    }

    private static bool Equal(FluidValue a, FluidValue b)
    {
        var ka = GoValues.Kind(a);
        var kb = GoValues.Kind(b);
        if (ka != kb) return false;
        return GoValues.DeepEqual(a, b);
    }

    private static FluidValue Compare(ReadOnlySpan<FluidValue> args, in FunctionCall call, Func<int, bool> test)
    {
        if (!GoValues.TryCompare(args[0], args[1], out var result, out var error)) throw new TemplateFunctionException(error!);
        return GoValues.Bool(test(result));
    }

    private static FluidValue Print(ReadOnlySpan<FluidValue> args, in FunctionCall call)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < args.Length; i++)
        {
            if (i > 0 && GoValues.Kind(args[i]) != GoKind.String && GoValues.Kind(args[i - 1]) != GoKind.String) sb.Append(' ');
            sb.Append(GoFormat.Plain(args[i]));
        }
        return GoValues.String(sb.ToString());
    }

    private static FluidValue Println(ReadOnlySpan<FluidValue> args, in FunctionCall call)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < args.Length; i++)
        {
            if (i > 0) sb.Append(' ');
            sb.Append(GoFormat.Plain(args[i]));
        }
        return GoValues.String(sb.Append('\n').ToString());
    }
}
