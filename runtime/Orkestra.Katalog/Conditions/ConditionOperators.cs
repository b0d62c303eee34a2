using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Orkestra.Templating.Values;

namespace Orkestra.Katalog.Conditions;

/// <summary>
/// Names and semantics of the condition operators. String operators compare the printed
/// value (Go's %v, nil as ""); numeric operators parse both sides as numbers (non-numeric → false, an absent field
/// counts as 0); CSV operators trim their elements, and an empty element matches an empty field; an invalid
/// regex never matches (and is rejected at load by <see cref="CheckExpected"/>). <c>unique</c> needs the other instances
/// of the CRD: it is evaluated by <c>CompiledCondition</c> against the <see cref="PeerInstances"/> a render carries, and
/// passes here. Thread-safe (compiled regexes are cached).
/// </summary>
public static class ConditionOperators
{
    private static readonly Dictionary<string, ConditionOperator> s_names = new(StringComparer.Ordinal)
    {
        ["equals"] = ConditionOperator.Equals, ["eq"] = ConditionOperator.Equals,
        ["notEquals"] = ConditionOperator.NotEquals, ["neq"] = ConditionOperator.NotEquals,
        ["contains"] = ConditionOperator.Contains, ["notContains"] = ConditionOperator.NotContains,
        ["prefix"] = ConditionOperator.Prefix, ["notPrefix"] = ConditionOperator.NotPrefix,
        ["suffix"] = ConditionOperator.Suffix, ["notSuffix"] = ConditionOperator.NotSuffix,
        ["regex"] = ConditionOperator.Regex,
        ["exists"] = ConditionOperator.Exists, ["notExists"] = ConditionOperator.NotExists,
        ["gt"] = ConditionOperator.GreaterThan, ["greaterThan"] = ConditionOperator.GreaterThan,
        ["lt"] = ConditionOperator.LessThan, ["lessThan"] = ConditionOperator.LessThan,
        ["gte"] = ConditionOperator.GreaterThanOrEqual, ["greaterThanOrEqual"] = ConditionOperator.GreaterThanOrEqual,
            ["min"] = ConditionOperator.GreaterThanOrEqual,
        ["lte"] = ConditionOperator.LessThanOrEqual, ["lessThanOrEqual"] = ConditionOperator.LessThanOrEqual,
            ["max"] = ConditionOperator.LessThanOrEqual,
        ["between"] = ConditionOperator.Between, ["notBetween"] = ConditionOperator.NotBetween,
        ["in"] = ConditionOperator.In, ["notIn"] = ConditionOperator.NotIn,
        ["unique"] = ConditionOperator.Unique,
        ["typeOf"] = ConditionOperator.TypeOf, ["typeMap"] = ConditionOperator.TypeMap, ["typeList"] = ConditionOperator.TypeList,
        ["typeString"] = ConditionOperator.TypeString, ["typeNumber"] = ConditionOperator.TypeNumber,
        ["typeBool"] = ConditionOperator.TypeBool, ["typeNull"] = ConditionOperator.TypeNull,
    };

    /// <summary>Keys usable as shorthand (<c>equals: x</c> instead of <c>operator: equals, value: x</c>).</summary>
    public static IReadOnlyDictionary<string, ConditionOperator> ShorthandKeys { get; } =
        new[] { "equals", "notEquals", "eq", "neq", "contains", "notContains", "regex", "prefix", "notPrefix", "suffix", "notSuffix",
                "exists", "notExists", "greaterThan", "lessThan", "greaterThanOrEqual", "lessThanOrEqual", "min", "max",
                "between", "notBetween", "in", "notIn" }
            .ToDictionary(k => k, k => s_names[k], StringComparer.Ordinal);

    private static readonly ConcurrentDictionary<string, Regex?> s_regexes = new(StringComparer.Ordinal);

    /// <summary>Every spelling accepted for <c>operator:</c>.</summary>
    public static IReadOnlyCollection<string> Names => s_names.Keys;

    public static bool TryParse(string name, out ConditionOperator op) => s_names.TryGetValue(name, out op);

    /// <summary>True for operators that need no expected value (exists, notExists, the type predicates, unique).</summary>
    public static bool TakesNoValue(ConditionOperator op) => op is ConditionOperator.Exists or ConditionOperator.NotExists
        or ConditionOperator.TypeMap or ConditionOperator.TypeList or ConditionOperator.TypeString or ConditionOperator.TypeNumber
        or ConditionOperator.TypeBool or ConditionOperator.TypeNull or ConditionOperator.Unique;

    /// <summary>A load-time check of a literal expected value: a message when it can never work, else null.</summary>
    public static string? CheckExpected(ConditionOperator op, string expected)
    {
        switch (op)
        {
            case ConditionOperator.Regex:
                return Compile(expected) is null ? $"invalid regular expression \"{expected}\"" : null;
            case ConditionOperator.Between or ConditionOperator.NotBetween:
                return TryRange(expected, out _, out _) ? null : $"\"{expected}\" is not a range \"min,max\" of two numbers";
            case ConditionOperator.GreaterThan or ConditionOperator.LessThan or ConditionOperator.GreaterThanOrEqual or
                ConditionOperator.LessThanOrEqual:
                return TryNumber(expected, out _) ? null : $"\"{expected}\" is not a number";
            case ConditionOperator.TypeOf:
                return expected is "map" or "slice" or "list" or "string" or "int" or "float64" or "number" or "bool" or "nil" or "null"
                    ? null : $"\"{expected}\" is not a type name (map, slice, string, int, float64, bool, nil)";
            default:
                return null;
        }
    }

    /// <summary>Evaluates one comparison of an already-resolved field value.</summary>
    public static bool Evaluate(ConditionOperator op, TemplateValue actual, bool present, string expected)
    {
        var exists = present && !actual.IsNil;
        // the printed value, for the text operators only (a number compared as a number is never printed)
        var text = op is ConditionOperator.Equals or ConditionOperator.NotEquals or ConditionOperator.Contains
            or ConditionOperator.NotContains or ConditionOperator.Prefix or ConditionOperator.NotPrefix or ConditionOperator.Suffix
            or ConditionOperator.NotSuffix or ConditionOperator.Regex or ConditionOperator.In or ConditionOperator.NotIn
            ? actual.ToString()
            : "";
        switch (op)
        {
            case ConditionOperator.Equals: return text == expected;
            case ConditionOperator.NotEquals: return text != expected;
            case ConditionOperator.Contains: return text.Contains(expected, StringComparison.Ordinal);
            case ConditionOperator.NotContains: return !text.Contains(expected, StringComparison.Ordinal);
            case ConditionOperator.Prefix: return text.StartsWith(expected, StringComparison.Ordinal);
            case ConditionOperator.NotPrefix: return !text.StartsWith(expected, StringComparison.Ordinal);
            case ConditionOperator.Suffix: return text.EndsWith(expected, StringComparison.Ordinal);
            case ConditionOperator.NotSuffix: return !text.EndsWith(expected, StringComparison.Ordinal);
            case ConditionOperator.Regex:
                try { return Compile(expected)?.IsMatch(text) ?? false; }
                catch (RegexMatchTimeoutException) { return false; }
            case ConditionOperator.Exists: return exists;
            case ConditionOperator.NotExists: return !exists;
            case ConditionOperator.GreaterThan: return Compare(actual, exists, expected, c => c > 0);
            case ConditionOperator.LessThan: return Compare(actual, exists, expected, c => c < 0);
            case ConditionOperator.GreaterThanOrEqual: return Compare(actual, exists, expected, c => c >= 0);
            case ConditionOperator.LessThanOrEqual: return Compare(actual, exists, expected, c => c <= 0);
            case ConditionOperator.Between or ConditionOperator.NotBetween:
            {
                if (!TryRange(expected, out var lo, out var hi) || !TryActualNumber(actual, exists, out var n)) return false;
                var inside = n >= lo && n <= hi;
                return op == ConditionOperator.Between ? inside : !inside;
            }
            case ConditionOperator.In or ConditionOperator.NotIn:
            {
                var found = expected.Split(',').Any(e => e.Trim() == text);
                return op == ConditionOperator.In ? found : !found;
            }
            case ConditionOperator.Unique: return true; // compared with the peer instances by CompiledCondition
            case ConditionOperator.TypeOf:
                var name = actual.TypeName;
                return expected == name || (expected == "list" && name == "slice") || (expected == "null" && name == "nil")
                       || (expected == "number" && name is "int" or "float64");
            case ConditionOperator.TypeMap: return actual.Kind == GoKind.Map;
            case ConditionOperator.TypeList: return actual.Kind == GoKind.List;
            case ConditionOperator.TypeString: return actual.Kind == GoKind.String;
            case ConditionOperator.TypeNumber: return actual.Kind == GoKind.Number;
            case ConditionOperator.TypeBool: return actual.Kind == GoKind.Bool;
            case ConditionOperator.TypeNull: return actual.Kind == GoKind.Nil;
            default: return false;
        }
    }

    private static bool Compare(TemplateValue actual, bool exists, string expected, Func<int, bool> test) =>
        TryActualNumber(actual, exists, out var a) && TryNumber(expected, out var e) && test(a.CompareTo(e));

    private static bool TryActualNumber(TemplateValue actual, bool exists, out decimal value)
    {
        if (!exists) { value = 0; return true; } // an absent field counts as 0
        if (actual.Kind == GoKind.Number) { value = actual.ToNumber(); return true; }
        return TryNumber(actual.ToString(), out value);
    }

    private static bool TryNumber(string text, out decimal value) =>
        decimal.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    private static bool TryRange(string text, out decimal lo, out decimal hi)
    {
        lo = hi = 0;
        var parts = text.Split(',');
        return parts.Length == 2 && TryNumber(parts[0], out lo) && TryNumber(parts[1], out hi) && lo <= hi;
    }

    /// <summary>
    /// Compiles once per pattern (the cache is a ConcurrentDictionary; a pattern may be compiled twice under a race,
    /// both results equal). NonBacktracking gives RE2's guarantees — linear time, no backreferences or lookaround,
    /// which Go rejects too — so a pattern Go refuses is invalid here as well; null = invalid.
    /// </summary>
    private static Regex? Compile(string pattern) => s_regexes.GetOrAdd(pattern, static p =>
    {
        try { return new Regex(p, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, TimeSpan.FromMilliseconds(100)); }
        catch (ArgumentException) { return null; }
        catch (NotSupportedException) { return null; }
    });
}
