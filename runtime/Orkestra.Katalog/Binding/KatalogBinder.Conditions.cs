using Orkestra.Katalog.Conditions;
using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Model;
using Orkestra.Katalog.Syntax;

namespace Orkestra.Katalog.Binding;

internal sealed partial class KatalogBinder
{
    private static readonly string[] s_conditionNotSupported = ["time", "dayOfWeek", "cron", "duration", "notify", "source"];

    /// <summary>Operator spellings for suggestions: explicit names, aliases and shorthand keys.</summary>
    private static readonly string[] s_operatorNames = Enum.GetNames<ConditionOperator>()
        .Select(n => char.ToLowerInvariant(n[0]) + n[1..])
        .Concat(["gt", "lt", "gte", "lte", "eq", "neq", "min", "max"])
        .Concat(ConditionOperators.ShorthandKeys.Keys)
        .Where(n => ConditionOperators.TryParse(n, out _) || ConditionOperators.ShorthandKeys.ContainsKey(n))
        .Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>Reads <c>when</c> and <c>or</c>/<c>anyOf</c> of a map.</summary>
    private ConditionGate BindGate(MapReader r)
    {
        var when = BindConditionList(r.Node("when"), r.PathOf("when"));
        var orEntry = r.Entry("or", "anyOf");
        var or = BindConditionList(orEntry?.Value, r.PathOf(orEntry?.Key.Value ?? "or"));
        return when.Count == 0 && or.Count == 0 ? ConditionGate.Empty : new ConditionGate(when, or);
    }

    private IReadOnlyList<ConditionSpec> BindConditionList(YamlNode? node, string path)
    {
        if (node is null or YamlScalar { IsNull: true }) return [];
        if (node is not YamlList list)
        {
            ctx.Error(node, $"{path} must be a list of conditions, not {node.Describe()}");
            return [];
        }
        var result = new List<ConditionSpec>();
        for (var i = 0; i < list.Items.Count; i++)
        {
            var itemPath = $"{path}[{i}]";
            if (list.Items[i] is not YamlMap map)
            {
                ctx.Error(list.Items[i], $"{itemPath} must be a condition map (field and an operator), not {list.Items[i].Describe()}");
                continue;
            }
            var r = new MapReader(ctx, map, itemPath);
            var condition = BindCondition(r);
            r.Finish(s_operatorNames);
            if (condition is not null) result.Add(condition);
        }
        return result;
    }

    /// <summary>
    /// Reads the condition keys of a map (field, operator/value or one shorthand key, negate, valueType) without
    /// finishing it, so a validation rule can add its own keys. Returns null when the condition is unusable.
    /// </summary>
    private ConditionSpec? BindCondition(MapReader r)
    {
        var path = r.Context;
        var field = r.Scalar("field");
        var operatorNode = r.Scalar("operator");
        var valueNode = r.Node("value");
        var negate = r.Bool("negate") ?? false;
        var valueType = r.Scalar("valueType") is { } vt ? ParseValueType(vt, $"{path}.valueType") : null;
        r.NotSupported(s_conditionNotSupported);

        var shorthands = r.Map.Entries.Where(e => ConditionOperators.ShorthandKeys.ContainsKey(e.Key.Value)).ToArray();
        foreach (var s in shorthands) r.Known(s.Key.Value);
        var ok = true;
        if (field is null || field.IsNull)
        {
            if (!r.Map.Entries.Any(e => s_conditionNotSupported.Contains(e.Key.Value)))
                ctx.Error(r.Map, $"{path} needs a field (a dot path such as spec.replicas, or a template)");
            ok = false;
        }
        if (shorthands.Length > 1)
        {
            ctx.Error(shorthands[1].Key,
                $"{path} has more than one operator ('{shorthands[0].Key.Value}' and '{shorthands[1].Key.Value}'); "
                + "use one condition per check");
            return null;
        }
        ConditionOperator op;
        string operatorName;
        YamlScalar? expected;
        if (operatorNode is not null)
        {
            if (shorthands.Length == 1)
            {
                ctx.Error(shorthands[0].Key, $"{path} has both operator: and the shorthand '{shorthands[0].Key.Value}'; use one");
                return null;
            }
            operatorName = operatorNode.Value;
            if (!ConditionOperators.TryParse(operatorName, out op))
            {
                ctx.Error(operatorNode, $"unknown operator '{operatorName}'{Suggestions.Hint(operatorName, s_operatorNames)}");
                return null;
            }
            expected = valueNode is null ? null : ctx.AsScalar(valueNode, $"{path}.value");
            if (NeedsValue(op) && (expected is null || valueNode is null))
            {
                ctx.Error(operatorNode, $"{path}: operator '{operatorName}' needs a value");
                ok = false;
            }
        }
        else if (shorthands.Length == 1)
        {
            var s = shorthands[0];
            operatorName = s.Key.Value;
            op = ConditionOperators.ShorthandKeys[operatorName];
            if (valueNode is not null) ctx.Error(r.Entry("value")!.Key,
                $"{path}: 'value' goes with operator:, not with the shorthand '{operatorName}'");
            expected = ctx.AsScalar(s.Value, $"{path}.{operatorName}");
            if (op is ConditionOperator.Exists or ConditionOperator.NotExists)
            {
                var flag = ctx.AsBool(s.Value, $"{path}.{operatorName}");
                if (flag == false) op = op == ConditionOperator.Exists ? ConditionOperator.NotExists : ConditionOperator.Exists;
                expected = null;
            }
        }
        else
        {
            if (field is not null && !field.IsNull)
                ctx.Error(r.Map,
                    $"{path} needs an operator: operator: with value:, or one shorthand such as equals, exists or greaterThan");
            return null;
        }
        if (!NeedsValue(op)) expected = null;
        if (expected is not null && !expected.IsTemplate && ConditionOperators.CheckExpected(op, expected.Value) is { } problem)
        {
            ctx.Error(expected, $"{path}: {problem}");
            ok = false;
        }
        if (field is not null && !field.IsNull && !field.IsTemplate && !IsDotPath(field.Value))
        {
            ctx.Error(field, $"{path}.field '{field.Value}' must be a dot path such as spec.replicas, or a template with {{{{ }}}}");
            ok = false;
        }
        return ok ? new ConditionSpec(r.Map.Location, field!, op, operatorName, expected, negate, valueType) : null;
    }

    private static bool NeedsValue(ConditionOperator op) => op is not (ConditionOperator.Exists or ConditionOperator.NotExists
        or ConditionOperator.Unique or ConditionOperator.TypeMap or ConditionOperator.TypeList or ConditionOperator.TypeString
        or ConditionOperator.TypeNumber or ConditionOperator.TypeBool or ConditionOperator.TypeNull);

    private ConditionValueType? ParseValueType(YamlScalar node, string path)
    {
        switch (node.Value)
        {
            case "string" or "": return ConditionValueType.String;
            case "int" or "integer": return ConditionValueType.Int;
            case "float" or "number": return ConditionValueType.Float;
            case "bool" or "boolean": return ConditionValueType.Bool;
            default:
                ctx.Error(node, $"{path} must be string, int, float or bool, not '{node.Value}'");
                return null;
        }
    }
}
