using Orkestra.Katalog.Conditions;
using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Model;
using Orkestra.Templating;
using Orkestra.Templating.Values;

namespace Orkestra.Katalog.Compilation;

/// <summary>
/// A compiled condition: the field is either a dot path (<see cref="Path"/>, walked from the render root)
/// or a template (<see cref="FieldTemplate"/>, whose rendered string is compared); the expected value is
/// literal or templated. Shared, immutable, thread-safe.
/// </summary>
public sealed class CompiledCondition
{
    internal CompiledCondition(ConditionSpec source, IReadOnlyList<string>? path, CompiledText? fieldTemplate, CompiledText? expected)
    {
        Source = source;
        Path = path;
        FieldTemplate = fieldTemplate;
        Expected = expected;
    }

    public ConditionSpec Source { get; }
    public SourceLocation Location => Source.Location;
    public ConditionOperator Operator => Source.Operator;
    public bool Negate => Source.Negate;

    /// <summary>Segments of a dot-path field (null when the field is a template).</summary>
    public IReadOnlyList<string>? Path { get; }

    /// <summary>The field template (null when the field is a dot path).</summary>
    public CompiledText? FieldTemplate { get; }

    /// <summary>The expected value (null for exists/notExists/unique/type operators).</summary>
    public CompiledText? Expected { get; }

    /// <summary>The field as the user wrote it.</summary>
    public string FieldText => Source.Field.Value;

    /// <summary>True when the field path starts at <paramref name="root"/>, or the field or expected template names it.</summary>
    public bool Reads(string root) =>
        (Path is { Count: > 0 } path && path[0] == root) || FieldTemplate?.Reads(root) == true || Expected?.Reads(root) == true;

    /// <summary>The field's value and whether it is present (a template field is present when it renders non-empty).</summary>
    public (TemplateValue Value, bool Present) ResolveField(RenderScope scope)
    {
        if (FieldTemplate is not null)
        {
            var text = FieldTemplate.Render(scope);
            return (TemplateValue.String(text), text.Length > 0);
        }
        var current = scope.Root;
        foreach (var segment in Path!)
        {
            if (!current.TryGetMember(segment, out current)) return (TemplateValue.Nil, false);
        }
        return (current, !current.IsNil);
    }

    /// <summary>Evaluates the condition (negation applied). Throws <see cref="KatalogRenderException"/> on template failures.</summary>
    public bool Evaluate(RenderScope scope)
    {
        var (value, present) = ResolveField(scope);
        if (Operator == ConditionOperator.Unique) return IsUnique(scope, value, present) != Negate;
        var expected = Expected?.Render(scope) ?? "";
        return ConditionOperators.Evaluate(Operator, value, present, expected) != Negate;
    }

    /// <summary>
    /// <c>unique</c>: false when another instance of the kind (<see cref="PeerInstances"/> on the scope) has the same
    /// printed value at the same field. An absent or empty field is unique (there is nothing to collide with); without
    /// peers attached it passes.
    /// </summary>
    private bool IsUnique(RenderScope scope, TemplateValue value, bool present)
    {
        if (!present || scope.Extension is not PeerInstances peers) return true;
        var text = value.ToString();
        if (text.Length == 0) return true;
        foreach (var peer in peers.Others)
        {
            var (other, found) = ResolveField(new RenderScope(peer, scope.Time, scope.Random) { Cancellation = scope.Cancellation });
            if (found && other.ToString() == text) return false;
        }
        return true;
    }

    public override string ToString() => $"{FieldText} {Source.OperatorName}{(Expected is null ? "" : " " + Expected.Text)}";
}

/// <summary><c>when</c> (all pass) AND <c>or</c> (one passes, or empty). Shared, immutable, thread-safe.</summary>
public sealed class CompiledGate(IReadOnlyList<CompiledCondition> when, IReadOnlyList<CompiledCondition> or)
{
    public static readonly CompiledGate Always = new([], []);

    public IReadOnlyList<CompiledCondition> When { get; } = when;
    public IReadOnlyList<CompiledCondition> Or { get; } = or;
    public bool IsEmpty => When.Count == 0 && Or.Count == 0;

    /// <summary>True when a condition of the gate reads the root field <paramref name="root"/>.</summary>
    public bool Reads(string root)
    {
        foreach (var condition in When) if (condition.Reads(root)) return true;
        foreach (var condition in Or) if (condition.Reads(root)) return true;
        return false;
    }

    public bool Evaluate(RenderScope scope) => FirstFailure(scope) is null && OrPasses(scope);

    /// <summary>The first <c>when</c> condition that fails (for "gated off because …" messages), else null.</summary>
    public CompiledCondition? FirstFailure(RenderScope scope)
    {
        foreach (var condition in When) if (!condition.Evaluate(scope)) return condition;
        return null;
    }

    /// <summary>True when <c>or</c> is empty or one of its conditions passes.</summary>
    public bool OrPasses(RenderScope scope)
    {
        if (Or.Count == 0) return true;
        foreach (var condition in Or) if (condition.Evaluate(scope)) return true;
        return false;
    }
}
