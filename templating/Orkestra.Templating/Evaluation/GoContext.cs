using Fluid;
using Fluid.Values;

namespace Orkestra.Templating.Evaluation;

/// <summary>
/// The Fluid <see cref="TemplateContext"/> of one render, carrying Go template state: the current dot, the
/// variable frames (<c>$</c> first), the step budget and cancellation from the <see cref="RenderScope"/>.
/// Per render; not thread-safe.
/// </summary>
internal sealed class GoContext : TemplateContext
{
    private readonly List<KeyValuePair<string, FluidValue>> _variables = new(8);
    private int _evaluationSteps;

    public GoContext(RenderScope scope, FluidValue dot)
    {
        Scope = scope;
        Dot = dot;
        _variables.Add(new("$", scope.RootValue));
    }

    public RenderScope Scope { get; }

    /// <summary>The current <c>.</c>.</summary>
    public FluidValue Dot { get; set; }

    /// <summary>Remembers the variable frame so a control structure can drop its variables at its end.</summary>
    public int Mark() => _variables.Count;

    public void Release(int mark) => _variables.RemoveRange(mark, _variables.Count - mark);

    public void Declare(string name, FluidValue value) => _variables.Add(new(name, value));

    /// <summary>Assigns an existing variable (<c>$x = …</c>); the parser has checked that it exists.</summary>
    public void Assign(string name, FluidValue value)
    {
        for (var i = _variables.Count - 1; i >= 0; i--)
        {
            if (_variables[i].Key == name)
            {
                _variables[i] = new(name, value);
                return;
            }
        }
        throw new InvalidOperationException($"undefined variable: {name}");
    }

    public FluidValue Lookup(string name)
    {
        for (var i = _variables.Count - 1; i >= 0; i--)
        {
            if (_variables[i].Key == name) return _variables[i].Value;
        }
        return NilValue.Instance;
    }

    /// <summary>Counts one evaluation step and enforces the step budget and cancellation.</summary>
    public void Step(int offset)
    {
        if (++_evaluationSteps > Scope.MaxSteps)
            throw new TemplateEvaluationException(offset, $"template exceeded {Scope.MaxSteps} evaluation steps");
        if ((_evaluationSteps & 0xFF) == 0) Scope.Cancellation.ThrowIfCancellationRequested();
    }
}

/// <summary>A failure while rendering, at an offset of the template source (converted to line:col by the template).</summary>
internal sealed class TemplateEvaluationException(int offset, string message) : Exception(message)
{
    public int Offset { get; } = offset;
}

/// <summary>A string writer that refuses to grow past the render's output limit (text spans included).</summary>
internal sealed class BoundedWriter(int limit) : StringWriter(System.Globalization.CultureInfo.InvariantCulture)
{
    private int _offset;

    public void Append(string text, int offset)
    {
        _offset = offset;
        Write(text);
    }

    public override void Write(char value)
    {
        Check(1);
        base.Write(value);
    }

    public override void Write(string? value)
    {
        Check(value?.Length ?? 0);
        base.Write(value);
    }

    public override void Write(char[] buffer, int index, int count)
    {
        Check(count);
        base.Write(buffer, index, count);
    }

    private void Check(int adding)
    {
        if (GetStringBuilder().Length + adding > limit)
            throw new TemplateEvaluationException(_offset, $"template output exceeds {limit} characters");
    }
}
