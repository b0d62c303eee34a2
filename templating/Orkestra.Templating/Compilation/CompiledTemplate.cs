using Fluid.Ast;
using Fluid.Parser;
using Fluid.Values;
using Orkestra.Templating.Evaluation;
using Orkestra.Templating.Functions;
using Orkestra.Templating.Values;

namespace Orkestra.Templating;

/// <summary>A problem in a template, at a 1-based line and column inside the template text.</summary>
public sealed record TemplateDiagnostic(int Offset, int Line, int Column, int Length, string Message)
{
    public override string ToString() => $"{Line}:{Column}: {Message}";
}

/// <summary>Result of compiling one template: the template, or the diagnostics that prevented it.</summary>
public sealed record TemplateCompileResult(CompiledTemplate? Template, IReadOnlyList<TemplateDiagnostic> Diagnostics);

/// <summary>A failure while rendering (e.g. a function error), with its position inside the template text.</summary>
public sealed class TemplateRenderException(string message, int offset, int line, int column, string template) : Exception(message)
{
    public int Offset { get; } = offset;
    public int Line { get; } = line;
    public int Column { get; } = column;
    /// <summary>The template text, as the user wrote it.</summary>
    public string Template { get; } = template;
}

/// <summary>
/// A template compiled once into a Fluid AST and rendered many times. Shared, immutable and thread-safe: all
/// per-render state lives in the <see cref="RenderScope"/> and a context created per call.
/// A template whose whole text (ignoring surrounding white space) is exactly one output action is "single
/// action": <see cref="Evaluate"/> returns that action's value with its type (number, bool, map, list), which is
/// how a YAML scalar like <c>replicas: "{{ .spec.replicas }}"</c> becomes a number.
/// </summary>
public sealed class CompiledTemplate
{
    private readonly GoOutputStatement? _single;
    private readonly string[]? _rootPath;   // fast path: the single action is a plain field chain on the root
    private readonly int[] _lineStarts;
    private readonly bool _actionOnly;      // the text is the single action and nothing else

    internal CompiledTemplate(string source, List<Statement> statements, HashSet<string> functions, HashSet<string> rootFields,
        bool textIsBlank)
    {
        Source = source;
        Ast = new FluidTemplate(statements);
        Functions = functions;
        RootFields = rootFields;
        HasActions = statements.Any(s => s is not TextSpanStatement);
        var actions = statements.Where(s => s is not TextSpanStatement).ToArray();
        if (actions.Length == 1 && actions[0] is GoOutputStatement { Pipeline.IsDeclaration: false } output && textIsBlank)
        {
            _single = output;
            IsSingleAction = true;
            _actionOnly = statements.Count == 1;
            if (output.Pipeline.Commands is [ValueCommand { Operand: FieldChainExpression { Receiver: null or VariableExpression { Name: "$"
                } } chain }])
                _rootPath = chain.Fields;
        }
        StaticShape = ComputeShape();
        _lineStarts = LineStarts(source);
    }

    public string Source { get; }

    /// <summary>The Fluid AST (statements are our Go-semantics nodes and Fluid's text spans).</summary>
    internal FluidTemplate Ast { get; }

    /// <summary>False when the text has no action at all (a literal).</summary>
    public bool HasActions { get; }

    /// <summary>The text is exactly one output action (plus white space): the result keeps its type.</summary>
    public bool IsSingleAction { get; }

    /// <summary>What the result can be, known without rendering.</summary>
    public ValueShape StaticShape { get; }

    /// <summary>Every function the template calls.</summary>
    public IReadOnlyCollection<string> Functions { get; }

    /// <summary>First field of every chain starting at <c>.</c> or <c>$</c> (e.g. spec, children, external).</summary>
    public IReadOnlyCollection<string> RootFields { get; }

    /// <summary>True when the template is a plain field path (<c>{{ .spec.image }}</c>): <see cref="TryEvaluateJson"/> applies.</summary>
    public bool IsFieldPath => _rootPath is not null;

    /// <summary>The fields of a plain field path from the root (<c>{{ .spec.image }}</c>: spec, image); empty otherwise.</summary>
    public ReadOnlySpan<string> FieldPath => _rootPath;

    /// <summary>
    /// Zero-allocation evaluation of a plain field-path template against JSON data: walks the path through the
    /// element's properties. Returns false when the template is not a plain path; a missing key yields an
    /// undefined element (<see cref="JsonValueKind.Undefined"/>), which renders as "".
    /// </summary>
    public bool TryEvaluateJson(System.Text.Json.JsonElement root, out System.Text.Json.JsonElement value)
    {
        value = default;
        if (_rootPath is null) return false;
        var current = root;
        foreach (var field in _rootPath)
        {
            if (current.ValueKind != System.Text.Json.JsonValueKind.Object || !current.TryGetProperty(field, out current))
            {
                value = default;
                return true;
            }
        }
        value = current;
        return true;
    }

    /// <summary>The typed value of a single-action template; otherwise the rendered text as a string value.</summary>
    public TemplateValue Evaluate(RenderScope scope) => new(EvaluateValue(scope));

    /// <summary><see cref="Evaluate"/> as the engine's value.</summary>
    internal FluidValue EvaluateValue(RenderScope scope)
    {
        try
        {
            if (_rootPath is not null) return FieldChainExpression.Walk(scope.RootValue, _rootPath, _single!.Pipeline.Offset);
            var ctx = new GoContext(scope, scope.RootValue);
            if (_single is not null) return _single.Pipeline.Eval(ctx);
            return GoValues.String(RenderText(ctx, scope));
        }
        catch (TemplateEvaluationException e)
        {
            throw Located(e);
        }
    }

    /// <summary>Renders to text (a single action prints its value as Go's %v, nil as "").</summary>
    public string Render(RenderScope scope) => Render(scope, scope.RootValue);

    /// <summary>Renders with a given dot (user-defined functions render with the caller's dot).</summary>
    internal string Render(RenderScope scope, FluidValue dot)
    {
        if (_actionOnly && ReferenceEquals(dot, scope.RootValue)) return GoValues.Format(EvaluateValue(scope));
        try
        {
            return RenderText(new GoContext(scope, dot), scope);
        }
        catch (TemplateEvaluationException e)
        {
            throw Located(e);
        }
    }

    private string RenderText(GoContext ctx, RenderScope scope)
    {
        using var output = new BoundedWriter(scope.MaxOutputLength);
        GoStatement.ExecuteBlock(Ast.Statements, output, ctx);
        return output.ToString();
    }

    private TemplateRenderException Located(TemplateEvaluationException e)
    {
        var (line, column) = Position(e.Offset);
        return new TemplateRenderException(e.Message, e.Offset, line, column, Source);
    }

    internal (int Line, int Column) Position(int offset) => Position(_lineStarts, offset);

    internal static (int Line, int Column) Position(int[] lineStarts, int offset)
    {
        var index = Array.BinarySearch(lineStarts, offset);
        var line = index >= 0 ? index : ~index - 1;
        return (line + 1, offset - lineStarts[line] + 1);
    }

    internal static int[] LineStarts(string source)
    {
        var starts = new List<int> { 0 };
        for (var i = 0; i < source.Length; i++) if (source[i] == '\n') starts.Add(i + 1);
        return starts.ToArray();
    }

    private ValueShape ComputeShape()
    {
        if (!IsSingleAction) return ValueShape.String;
        var last = _single!.Pipeline.Commands[^1];
        return last switch
        {
            FunctionCommand f => f.Function.Returns,
            ValueCommand { Operand: ConstantExpression c } => GoValues.Kind(c.Value) switch
            {
                GoKind.String => ValueShape.String,
                GoKind.Number => ValueShape.Number,
                GoKind.Bool => ValueShape.Bool,
                _ => ValueShape.Any,
            },
            _ => ValueShape.Any,
        };
    }
}
