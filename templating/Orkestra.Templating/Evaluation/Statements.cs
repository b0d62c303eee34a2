using System.Text.Encodings.Web;
using Fluid;
using Fluid.Ast;
using Fluid.Values;
using Orkestra.Templating.Values;

namespace Orkestra.Templating.Evaluation;

/// <summary>
/// Base of our Fluid statement nodes: synchronous execution into a <see cref="BoundedWriter"/>. Fluid's own
/// <see cref="TextSpanStatement"/> is used for literal text.
/// </summary>
internal abstract class GoStatement(int offset) : Statement
{
    public int Offset { get; } = offset;

    public abstract Completion Execute(BoundedWriter output, GoContext ctx);

    public override ValueTask<Completion> WriteToAsync(TextWriter writer, TextEncoder encoder, TemplateContext context) =>
        new(Execute((BoundedWriter)writer, (GoContext)context));

    /// <summary>Runs a list of statements; stops early on break/continue and reports it.</summary>
    public static Completion ExecuteBlock(IReadOnlyList<Statement> block, BoundedWriter output, GoContext ctx)
    {
        foreach (var statement in block)
        {
            Completion completion;
            if (statement is GoStatement go)
            {
                completion = go.Execute(output, ctx);
            }
            else
            {
                var pending = statement.WriteToAsync(output, Fluid.NullEncoder.Default, ctx);
                completion = pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
            }
            if (completion != Completion.Normal) return completion;
        }
        return Completion.Normal;
    }
}

/// <summary><c>{{ pipeline }}</c>: prints the value (Go's %v, nil as ""), or only declares when it is <c>$x := …</c>.</summary>
internal sealed class GoOutputStatement(int offset, PipelineExpression pipeline) : GoStatement(offset)
{
    public PipelineExpression Pipeline { get; } = pipeline;

    public override Completion Execute(BoundedWriter output, GoContext ctx)
    {
        var value = Pipeline.Eval(ctx);
        if (!Pipeline.IsDeclaration) output.Append(GoValues.Format(value), Offset);
        return Completion.Normal;
    }
}

/// <summary>One condition and its body, for if/else-if chains and with/else-with chains.</summary>
internal sealed record Branch(PipelineExpression Condition, IReadOnlyList<Statement> Body);

/// <summary><c>if</c> / <c>else if</c> / <c>else</c> (Go truthiness); variables declared in a condition live to <c>end</c>.</summary>
internal sealed class GoIfStatement(int offset, IReadOnlyList<Branch> branches, IReadOnlyList<Statement>? elseBody) : GoStatement(offset)
{
    public IReadOnlyList<Branch> Branches { get; } = branches;
    public IReadOnlyList<Statement>? ElseBody { get; } = elseBody;

    public override Completion Execute(BoundedWriter output, GoContext ctx)
    {
        var mark = ctx.Mark();
        try
        {
            foreach (var branch in Branches)
            {
                if (GoValues.IsTrue(branch.Condition.Eval(ctx))) return ExecuteBlock(branch.Body, output, ctx);
            }
            return ElseBody is null ? Completion.Normal : ExecuteBlock(ElseBody, output, ctx);
        }
        finally
        {
            ctx.Release(mark);
        }
    }
}

/// <summary><c>with</c> / <c>else with</c> / <c>else</c>: runs the body with dot set to a non-empty value.</summary>
internal sealed class GoWithStatement(int offset, IReadOnlyList<Branch> branches, IReadOnlyList<Statement>? elseBody) : GoStatement(offset)
{
    public IReadOnlyList<Branch> Branches { get; } = branches;
    public IReadOnlyList<Statement>? ElseBody { get; } = elseBody;

    public override Completion Execute(BoundedWriter output, GoContext ctx)
    {
        var mark = ctx.Mark();
        var dot = ctx.Dot;
        try
        {
            foreach (var branch in Branches)
            {
                var value = branch.Condition.Eval(ctx);
                if (!GoValues.IsTrue(value)) continue;
                ctx.Dot = value;
                return ExecuteBlock(branch.Body, output, ctx);
            }
            return ElseBody is null ? Completion.Normal : ExecuteBlock(ElseBody, output, ctx);
        }
        finally
        {
            ctx.Dot = dot;
            ctx.Release(mark);
        }
    }
}

/// <summary>
/// <c>range</c> over a list (index, element) or a map (key, value, keys in sorted order), with optional
/// <c>$i, $v :=</c> and an <c>else</c> for an empty collection; <c>break</c>/<c>continue</c> inside.
/// Ranging over an integer n iterates 0..n-1 (Go 1.22).
/// </summary>
internal sealed class GoRangeStatement(int offset, PipelineExpression collection, string? keyVariable, string? valueVariable,
    IReadOnlyList<Statement> body, IReadOnlyList<Statement>? elseBody) : GoStatement(offset)
{
    public PipelineExpression Collection { get; } = collection;
    public string? KeyVariable { get; } = keyVariable;
    public string? ValueVariable { get; } = valueVariable;
    public IReadOnlyList<Statement> Body { get; } = body;
    public IReadOnlyList<Statement>? ElseBody { get; } = elseBody;

    public override Completion Execute(BoundedWriter output, GoContext ctx)
    {
        var mark = ctx.Mark();
        var dot = ctx.Dot;
        try
        {
            var value = Collection.Eval(ctx);
            var any = false;
            switch (GoValues.Kind(value))
            {
                case GoKind.List:
                    var i = 0;
                    foreach (var item in GoValues.EnumerateList(value))
                    {
                        any = true;
                        if (Iterate(GoValues.Number(i++), item, output, ctx) == Completion.Break) break;
                    }
                    break;
                case GoKind.Map:
                    foreach (var (key, item) in GoValues.EnumerateMap(value))
                    {
                        any = true;
                        if (Iterate(GoValues.String(key), item, output, ctx) == Completion.Break) break;
                    }
                    break;
                case GoKind.Number when GoValues.IsInteger(value):
                    var n = (long)value.ToNumberValue();
                    for (long k = 0; k < n; k++)
                    {
                        any = true;
                        if (Iterate(GoValues.Number(k), GoValues.Number(k), output, ctx) == Completion.Break) break;
                    }
                    break;
                case GoKind.Nil:
                    break;
                default:
                    throw new TemplateEvaluationException(Offset, $"range can't iterate over {GoValues.Format(value)}");
            }
            if (!any && ElseBody is not null)
            {
                ctx.Dot = dot;
                return ExecuteBlock(ElseBody, output, ctx);
            }
            return Completion.Normal;
        }
        finally
        {
            ctx.Dot = dot;
            ctx.Release(mark);
        }
    }

    private Completion Iterate(FluidValue key, FluidValue item, BoundedWriter output, GoContext ctx)
    {
        ctx.Step(Offset);
        var inner = ctx.Mark();
        ctx.Dot = item;
        if (KeyVariable is not null) ctx.Declare(KeyVariable, key);
        if (ValueVariable is not null) ctx.Declare(ValueVariable, item);
        var completion = ExecuteBlock(Body, output, ctx);
        ctx.Release(inner);
        return completion;
    }
}

/// <summary><c>{{break}}</c> / <c>{{continue}}</c> inside a range.</summary>
internal sealed class GoLoopControlStatement(int offset, bool isBreak) : GoStatement(offset)
{
    public bool IsBreak { get; } = isBreak;
    public override Completion Execute(BoundedWriter output, GoContext ctx) => IsBreak ? Completion.Break : Completion.Continue;
}
