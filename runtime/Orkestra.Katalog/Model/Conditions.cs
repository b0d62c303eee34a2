using Orkestra.Katalog.Conditions;
using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Syntax;

namespace Orkestra.Katalog.Model;

/// <summary>How a condition's or rule's values are compared/written (<c>valueType</c>).</summary>
public enum ConditionValueType { String, Int, Float, Bool }

/// <summary>
/// One condition: <see cref="Field"/> is a dot path, or a template when it contains <c>{{</c>;
/// <see cref="Value"/> is the expected value (null for exists/notExists and type operators).
/// <see cref="OperatorName"/> is the key or <c>operator:</c> text as written (for messages).
/// </summary>
public sealed record ConditionSpec(
    SourceLocation Location,
    YamlScalar Field,
    ConditionOperator Operator,
    string OperatorName,
    YamlScalar? Value,
    bool Negate,
    ConditionValueType? ValueType);

/// <summary><c>when</c> (all must pass) and <c>or</c>/<c>anyOf</c> (one must pass); empty lists pass.</summary>
public sealed record ConditionGate(IReadOnlyList<ConditionSpec> When, IReadOnlyList<ConditionSpec> Or)
{
    public static readonly ConditionGate Empty = new([], []);
    public bool IsEmpty => When.Count == 0 && Or.Count == 0;
}
