using System.Text.Json;
using Fluid.Values;
using Orkestra.Templating.Functions;
using Orkestra.Templating.Values;

namespace Orkestra.Templating.Tests.Functions;

/// <summary>A clock that always says the same instant.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>
/// Calls library functions directly through <see cref="FunctionRegistry.Standard"/> with a fixed clock
/// (Wednesday 2026-05-20T10:30:00Z) and a seeded random source. Arguments: C# strings, numbers, bools and null map to
/// template values; <see cref="Json"/> gives maps and lists.
/// </summary>
internal static class FunctionTestKit
{
    /// <summary>The nil argument (a bare null would be taken as the whole params array).</summary>
    public static readonly object Nil = NilValue.Instance;

    public static readonly DateTimeOffset Now = new(2026, 5, 20, 10, 30, 0, TimeSpan.Zero);

    public static FluidValue Json(string json) => JsonValues.From(JsonDocument.Parse(json).RootElement.Clone());

    public static FluidValue ToValue(object? v) => v switch
    {
        null => NilValue.Instance,
        FluidValue f => f,
        string s => GoValues.String(s),
        bool b => GoValues.Bool(b),
        int i => GoValues.Number(i),
        long l => GoValues.Number(l),
        decimal d => GoValues.Number(d),
        double d => GoValues.Number(d),
        _ => throw new ArgumentException($"unsupported test value {v.GetType()}"),
    };

    public static FluidValue Call(string name, params object?[] args) => CallWith(new RenderScope(NilValue.Instance, new FixedClock(Now), new Random(42)), name, args);

    public static FluidValue CallAt(DateTimeOffset now, string name, params object?[] args) => CallWith(new RenderScope(NilValue.Instance, new FixedClock(now), new Random(42)), name, args);

    public static FluidValue CallWith(RenderScope scope, string name, params object?[] args)
    {
        FunctionRegistry.Standard.TryGet(name, out var f).ShouldBeTrue($"function {name} is registered");
        f.AcceptsArgCount(args.Length).ShouldBeTrue($"{name} accepts {args.Length} arguments");
        var values = args.Select(ToValue).ToArray();
        return f.Invoke(values, new FunctionCall(name, scope, scope.RootValue));
    }

    /// <summary>The result printed as the template would print it.</summary>
    public static string Print(string name, params object?[] args) => GoValues.Format(Call(name, args));

    /// <summary>One table row: calling NAME with ARGS prints EXPECTED.</summary>
    public static TestCaseData Row(string expected, string name, params object?[] args) =>
        new TestCaseData(name, args, expected).SetName($"{name}({string.Join(", ", args.Select(Show))}) = {expected}");

    /// <summary>One error row: calling NAME with ARGS fails with a message containing FRAGMENT.</summary>
    public static TestCaseData Error(string fragment, string name, params object?[] args) =>
        new TestCaseData(name, args, fragment).SetName($"{name}({string.Join(", ", args.Select(Show))}) fails: {fragment}");

    private static string Show(object? v) => v switch
    {
        null => "nil",
        string s => $"\"{(s.Length > 40 ? s[..40] + "…" : s)}\"",
        FluidValue f => GoValues.Format(f) is var t && t.Length > 40 ? t[..40] + "…" : GoValues.Format(f),
        _ => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>Asserts the printed result and that its kind agrees with the descriptor's declared <see cref="ValueShape"/>.</summary>
    public static void AssertRow(string name, object?[] args, string expected)
    {
        var result = Call(name, args);
        GoValues.Format(result).ShouldBe(expected);
        FunctionRegistry.Standard.TryGet(name, out var f);
        var kind = GoValues.Kind(result);
        var agrees = f.Returns switch
        {
            ValueShape.String => kind == GoKind.String,
            ValueShape.Number => kind == GoKind.Number,
            ValueShape.Bool => kind == GoKind.Bool,
            ValueShape.Map => kind == GoKind.Map,
            ValueShape.List => kind == GoKind.List,
            _ => true,
        };
        agrees.ShouldBeTrue($"{name} declares {f.Returns} but returned {GoValues.TypeName(result)}");
    }

    public static void AssertError(string name, object?[] args, string fragment)
    {
        var ex = Should.Throw<TemplateFunctionException>(() => Call(name, args));
        ex.Message.ShouldStartWith(name + ":");
        ex.Message.ShouldContain(fragment);
    }
}
