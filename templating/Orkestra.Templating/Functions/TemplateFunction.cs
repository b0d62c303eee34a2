using Fluid.Values;

namespace Orkestra.Templating.Functions;

/// <summary>The statically known shape of a function's result, used for load-time type checks
/// (e.g. a numeric child field fed by <c>toUpper</c> can never be a number).</summary>
public enum ValueShape { Any, String, Number, Bool, Map, List }

/// <summary>
/// A template function. Receives its evaluated arguments (the piped value, if any, is the LAST one, as in
/// Go) and the call context. Returns a value; signals a user-facing failure by throwing
/// <see cref="TemplateFunctionException"/> (the evaluator adds the template location). Must be thread-safe:
/// one function instance serves every render on every thread.
/// </summary>
public delegate FluidValue TemplateFunction(ReadOnlySpan<FluidValue> args, in FunctionCall call);

/// <summary>Per-invocation context handed to a <see cref="TemplateFunction"/>. Valid only during the call.</summary>
public readonly struct FunctionCall
{
    public FunctionCall(string name, RenderScope scope, FluidValue dot)
    {
        Name = name;
        Scope = scope;
        Dot = dot;
    }

    /// <summary>The name the template used to call the function.</summary>
    public string Name { get; }

    /// <summary>The render in progress: root data (<c>$</c>), clock, random source, limits, cancellation.</summary>
    public RenderScope Scope { get; }

    /// <summary>The current <c>.</c> at the call site (differs from the root inside range/with).</summary>
    public FluidValue Dot { get; }
}

/// <summary>Everything known about one function: its name, how it is documented, how it is called.
/// Immutable; one registry drives both rendering and <c>ork notes</c>.</summary>
public sealed record FunctionDescriptor(
    string Name,
    string Category,
    string Signature,
    string Description,
    int MinArgs,
    int MaxArgs,
    ValueShape Returns,
    TemplateFunction Invoke)
{
    /// <summary>Variadic marker for <see cref="MaxArgs"/>.</summary>
    public const int Variadic = -1;

    /// <summary>False for functions whose result depends on time or randomness (never constant-folded).</summary>
    public bool Deterministic { get; init; } = true;

    /// <summary>True for user-defined Katalog functions (<c>notes.functions</c>).</summary>
    public bool UserDefined { get; init; }

    public bool AcceptsArgCount(int count) => count >= MinArgs && (MaxArgs == Variadic || count <= MaxArgs);
}

/// <summary>A function's user-facing failure. The message names the function's problem in the user's terms
/// (e.g. <c>toInt: cannot convert "abc" to int</c>); the evaluator wraps it with the template location.</summary>
public sealed class TemplateFunctionException(string message) : Exception(message);
