namespace Orkestra.Katalog.Conditions;

/// <summary>
/// The comparison a <c>when</c>/<c>or</c> condition performs. The explicit
/// <c>operator:</c> spellings, the shorthand keys and the aliases (<c>eq</c>, <c>neq</c>, <c>min</c>, <c>max</c>, …)
/// all map onto these; see <c>ConditionOperators</c> for names and semantics.
/// </summary>
public enum ConditionOperator
{
    Equals, NotEquals,
    Contains, NotContains,
    Prefix, NotPrefix,
    Suffix, NotSuffix,
    Regex,
    Exists, NotExists,
    GreaterThan, LessThan, GreaterThanOrEqual, LessThanOrEqual,
    Between, NotBetween,
    In, NotIn,
    Unique,
    TypeOf, TypeMap, TypeList, TypeString, TypeNumber, TypeBool, TypeNull,
}
