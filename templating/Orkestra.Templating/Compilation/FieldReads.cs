using Fluid.Ast;
using Orkestra.Templating.Evaluation;

namespace Orkestra.Templating;

/// <summary>
/// A field path a template reads from its root data, found without rendering: <c>{{ .spec.image }}</c> reads
/// <c>spec.image</c>; inside <c>{{ range .spec.ports }}{{ .port }}{{ end }}</c> the read is <c>spec.ports[].port</c>
/// (<see cref="FieldReads.Element"/> stands for "an item of the list or a value of the map").
/// <see cref="Offset"/> is the position of the chain in the template text.
/// </summary>
public sealed record FieldRead(int Offset, IReadOnlyList<string> Path);

/// <summary>
/// Static analysis of the field chains of a template: follows the dot through <c>with</c> and <c>range</c> and
/// variables through declarations and assignments, so that a chain's path from the root is known wherever it can be.
/// Chains on a value the analysis cannot follow (a function's result, <c>index</c>, a variable assigned in a branch
/// and changed in another) are left out rather than guessed. Stateless; computed on request, nothing retained.
/// </summary>
public static class FieldReads
{
    /// <summary>The path segment for an element of a ranged list or map.</summary>
    public const string Element = "[]";

    public static IReadOnlyList<FieldRead> Of(CompiledTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var reads = new List<FieldRead>();
        var scope = new Scope(reads);
        scope.Block(template.Ast.Statements, dot: Root);
        return reads;
    }

    private static readonly string[] Root = [];

    /// <summary>Walks one template; a null path means "not known statically".</summary>
    private sealed class Scope(List<FieldRead> reads)
    {
        private Dictionary<string, string[]?> _variables = new(StringComparer.Ordinal) { ["$"] = Root };

        public void Block(IReadOnlyList<Statement> statements, string[]? dot)
        {
            var saved = new Dictionary<string, string[]?>(_variables, StringComparer.Ordinal);
            foreach (var statement in statements) Statement(statement, dot);
            // Go: variables declared in a block end with it; assignments to outer ones stay, but their new value is
            // only known on one path through the template, so they become unknown.
            foreach (var name in saved.Keys.ToArray())
                if (!ReferenceEquals(saved[name], _variables.GetValueOrDefault(name))) saved[name] = null;
            saved["$"] = Root;
            _variables = saved;
        }

        private void Statement(Statement statement, string[]? dot)
        {
            switch (statement)
            {
                case GoOutputStatement output:
                    Pipeline(output.Pipeline, dot);
                    break;
                case GoIfStatement @if:
                    foreach (var branch in @if.Branches)
                    {
                        Pipeline(branch.Condition, dot);
                        Block(branch.Body, dot);
                    }
                    if (@if.ElseBody is not null) Block(@if.ElseBody, dot);
                    break;
                case GoWithStatement with:
                    foreach (var branch in with.Branches)
                    {
                        var value = Pipeline(branch.Condition, dot);
                        Block(branch.Body, value);
                    }
                    if (with.ElseBody is not null) Block(with.ElseBody, dot);
                    break;
                case GoRangeStatement range:
                    var collection = Pipeline(range.Collection, dot);
                    string[]? item = collection is null ? null : [.. collection, Element];
                    var saved = _variables;
                    _variables = new Dictionary<string, string[]?>(saved, StringComparer.Ordinal);
                    if (range.KeyVariable is { } key) _variables[key] = null;
                    if (range.ValueVariable is { } element) _variables[element] = item;
                    Block(range.Body, item);
                    _variables = saved;
                    if (range.ElseBody is not null) Block(range.ElseBody, dot);
                    break;
            }
        }

        /// <summary>Records the reads of a pipeline; returns the path of its value when it is a plain chain.</summary>
        private string[]? Pipeline(PipelineExpression pipeline, string[]? dot)
        {
            string[]? value = null;
            foreach (var command in pipeline.Commands)
            {
                switch (command)
                {
                    case ValueCommand v:
                        value = Expression(v.Operand, dot);
                        break;
                    case FunctionCommand f:
                        foreach (var arg in f.Args) Expression(arg, dot);
                        value = null;
                        break;
                    case ShortCircuitCommand s:
                        foreach (var arg in s.Args) Expression(arg, dot);
                        value = null;
                        break;
                }
            }
            if (pipeline.Commands.Length != 1) value = null;
            if (pipeline.Variables is [var name]) _variables[name] = value;
            return value;
        }

        private string[]? Expression(GoExpression expression, string[]? dot)
        {
            switch (expression)
            {
                case DotExpression:
                    return dot;
                case VariableExpression variable:
                    return _variables.GetValueOrDefault(variable.Name);
                case PipelineExpression inner:
                    return Pipeline(inner, dot);
                case FieldChainExpression chain:
                    var start = chain.Receiver is null ? dot : Expression(chain.Receiver, dot);
                    if (start is null) return null;
                    string[] path = [.. start, .. chain.Fields];
                    reads.Add(new FieldRead(chain.Offset, path));
                    return path;
                default:
                    return null;
            }
        }
    }
}
