using Fluid;
using Fluid.Ast;
using Fluid.Values;
using Orkestra.Templating.Functions;
using Orkestra.Templating.Values;

namespace Orkestra.Templating.Evaluation;

/// <summary>
/// Base of our Fluid expression nodes. Go templates never suspend, so every node evaluates synchronously
/// (<see cref="Eval"/>) and <see cref="EvaluateAsync"/> returns a completed task. <see cref="Offset"/> points at
/// the node in the template source, for error messages.
/// </summary>
internal abstract class GoExpression(int offset) : Expression
{
    public int Offset { get; } = offset;

    public abstract FluidValue Eval(GoContext ctx);

    public override ValueTask<FluidValue> EvaluateAsync(TemplateContext context) => new(Eval((GoContext)context));
}

/// <summary><c>.</c> — the current dot.</summary>
internal sealed class DotExpression(int offset) : GoExpression(offset)
{
    public override FluidValue Eval(GoContext ctx) => ctx.Dot;
}

/// <summary><c>$x</c> or <c>$</c>.</summary>
internal sealed class VariableExpression(int offset, string name) : GoExpression(offset)
{
    public string Name { get; } = name;
    public override FluidValue Eval(GoContext ctx) => ctx.Lookup(Name);
}

/// <summary>A constant: string, number, bool or nil.</summary>
internal sealed class ConstantExpression(int offset, FluidValue value) : GoExpression(offset)
{
    public FluidValue Value { get; } = value;
    public override FluidValue Eval(GoContext ctx) => Value;
}

/// <summary>
/// A field chain <c>.a.b</c> on the dot, a variable, or a parenthesised pipeline. A missing key is nil and a
/// field of nil is nil (Orkestra's <c>missingkey=zero</c>, made nil-safe); a field of a string, number or list is
/// an error, as in Go.
/// </summary>
internal sealed class FieldChainExpression(int offset, GoExpression? receiver, string[] fields) : GoExpression(offset)
{
    /// <summary>Null means the chain starts at the dot.</summary>
    public GoExpression? Receiver { get; } = receiver;
    public string[] Fields { get; } = fields;

    public override FluidValue Eval(GoContext ctx)
    {
        var value = Receiver is null ? ctx.Dot : Receiver.Eval(ctx);
        return Walk(value, Fields, Offset);
    }

    internal static FluidValue Walk(FluidValue value, string[] fields, int offset)
    {
        foreach (var field in fields)
        {
            switch (GoValues.Kind(value))
            {
                case GoKind.Map:
                    GoValues.TryGetMember(value, field, out value);
                    break;
                case GoKind.Nil:
                    return NilValue.Instance;
                default:
                    throw new TemplateEvaluationException(offset, $"can't evaluate field {field} in type {GoValues.TypeName(value)}");
            }
        }
        return value;
    }
}

/// <summary>One command of a pipeline: a function call, or a value (which cannot take a piped argument).</summary>
internal abstract class GoCommand(int offset)
{
    public int Offset { get; } = offset;
    public abstract FluidValue Eval(GoContext ctx, FluidValue? piped);
}

internal sealed class ValueCommand(int offset, GoExpression operand) : GoCommand(offset)
{
    public GoExpression Operand { get; } = operand;

    public override FluidValue Eval(GoContext ctx, FluidValue? piped)
    {
        if (piped is not null) throw new TemplateEvaluationException(Offset, "can't give argument to non-function");
        return Operand.Eval(ctx);
    }
}

/// <summary>A call of a registered function; a piped value becomes the last argument.</summary>
internal sealed class FunctionCommand(int offset, string name, FunctionDescriptor function, GoExpression[] args) : GoCommand(offset)
{
    public string Name { get; } = name;
    public FunctionDescriptor Function { get; } = function;
    public GoExpression[] Args { get; } = args;

    public override FluidValue Eval(GoContext ctx, FluidValue? piped)
    {
        ctx.Step(Offset);
        var count = Args.Length + (piped is null ? 0 : 1);
        var values = count <= 8 ? new FluidValue[count] : new FluidValue[count];
        for (var i = 0; i < Args.Length; i++) values[i] = Args[i].Eval(ctx);
        if (piped is not null) values[^1] = piped;
        try
        {
            return Function.Invoke(values, new FunctionCall(Name, ctx.Scope, ctx.Dot));
        }
        catch (TemplateFunctionException e)
        {
            throw new TemplateEvaluationException(Offset, $"error calling {Name}: {e.Message}");
        }
        catch (TemplateEvaluationException)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new TemplateEvaluationException(Offset, $"error calling {Name}: {e.Message}");
        }
    }
}

/// <summary>Go's <c>and</c>/<c>or</c>: evaluate arguments left to right and stop at the deciding one, which is the result.</summary>
internal sealed class ShortCircuitCommand(int offset, bool isAnd, GoExpression[] args) : GoCommand(offset)
{
    public bool IsAnd { get; } = isAnd;
    public GoExpression[] Args { get; } = args;

    public override FluidValue Eval(GoContext ctx, FluidValue? piped)
    {
        ctx.Step(Offset);
        FluidValue last = NilValue.Instance;
        for (var i = 0; i < Args.Length; i++)
        {
            last = Args[i].Eval(ctx);
            if (GoValues.IsTrue(last) != IsAnd) return last;
        }
        return piped ?? last;
    }
}

/// <summary>
/// A pipeline: commands joined by <c>|</c>, optionally declaring (<c>$x :=</c>) or assigning (<c>$x =</c>) its
/// result. Also used for parenthesised sub-pipelines.
/// </summary>
internal sealed class PipelineExpression(int offset, GoCommand[] commands, string[] variables, bool isAssignment) : GoExpression(offset)
{
    public GoCommand[] Commands { get; } = commands;
    public string[] Variables { get; } = variables;
    public bool IsAssignment { get; } = isAssignment;
    public bool IsDeclaration => Variables.Length > 0;

    public override FluidValue Eval(GoContext ctx)
    {
        FluidValue? value = null;
        foreach (var command in Commands) value = command.Eval(ctx, value);
        var result = value ?? NilValue.Instance;
        if (Variables.Length == 1)
        {
            if (IsAssignment) ctx.Assign(Variables[0], result); else ctx.Declare(Variables[0], result);
        }
        return result;
    }
}
