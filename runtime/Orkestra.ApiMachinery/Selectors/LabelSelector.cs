using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Meta;
using Orkestra.ApiMachinery.Schema;

namespace Orkestra.ApiMachinery.Selectors;

/// <summary>
/// A structured <c>metav1.LabelSelector</c> (<c>matchLabels</c> AND <c>matchExpressions</c> with In, NotIn, Exists,
/// DoesNotExist), parsed once with kube's validation texts (<c>ValidateLabelSelector</c>) and matched against a
/// label map. An absent or empty selector selects everything. Immutable once parsed.
/// </summary>
public sealed class LabelSelector
{
    private enum Op { In, NotIn, Exists, DoesNotExist }

    private sealed record Requirement(string Key, Op Op, string[] Values);

    private readonly Requirement[] _requirements;

    private LabelSelector(Requirement[] requirements) => _requirements = requirements;

    /// <summary>The selector that matches every label set.</summary>
    public static LabelSelector Everything { get; } = new([]);

    /// <summary>True when the selector has no requirement (matches everything).</summary>
    public bool IsEmpty => _requirements.Length == 0;

    /// <summary>Whether <paramref name="labels"/> (a JSON object of strings; null = no labels) satisfies every requirement.</summary>
    public bool Matches(JsonObject? labels)
    {
        foreach (var r in _requirements)
        {
            var value = labels is not null && labels.TryGetPropertyValue(r.Key, out var v) && v is JsonValue jv &&
                        jv.TryGetValue<string>(out var s) ? s : null;
            var ok = r.Op switch
            {
                Op.In => value is not null && r.Values.Contains(value),
                Op.NotIn => value is null || !r.Values.Contains(value),
                Op.Exists => value is not null,
                _ => value is null,
            };
            if (!ok) return false;
        }
        return true;
    }

    /// <summary>
    /// Parses the selector at <paramref name="path"/> (e.g. <c>webhooks[0].namespaceSelector</c>); every violation is
    /// added to <paramref name="errors"/> in kube's words and the returned selector is then meaningless.
    /// </summary>
    public static LabelSelector Parse(JsonNode? node, string path, List<FieldError> errors)
    {
        if (node is null) return Everything;
        if (node is not JsonObject selector)
        {
            errors.Add(Invalid(path, Render(node), "must be an object"));
            return Everything;
        }
        var requirements = new List<Requirement>();
        switch (selector["matchLabels"])
        {
            case null:
                break;
            case JsonObject labels:
                foreach (var (key, value) in labels)
                {
                    var text = value is JsonValue jv && jv.TryGetValue<string>(out var s) ? s : null;
                    CheckKey(key, $"{path}.matchLabels", errors);
                    if (text is null) errors.Add(Invalid($"{path}.matchLabels", Render(value), "must be a string"));
                    else if (!ValidValue(text)) errors.Add(Invalid($"{path}.matchLabels", Quote(text), LabelSyntax.ValueMessage));
                    requirements.Add(new Requirement(key, Op.In, [text ?? ""]));
                }
                break;
            default:
                errors.Add(Invalid($"{path}.matchLabels", Render(selector["matchLabels"]), "must be an object"));
                break;
        }
        switch (selector["matchExpressions"])
        {
            case null:
                break;
            case JsonArray expressions:
                for (var i = 0; i < expressions.Count; i++)
                {
                    if (ParseExpression(expressions[i], $"{path}.matchExpressions[{i}]", errors) is { } r) requirements.Add(r);
                }
                break;
            default:
                errors.Add(Invalid($"{path}.matchExpressions", Render(selector["matchExpressions"]), "must be an array"));
                break;
        }
        return requirements.Count == 0 ? Everything : new LabelSelector(requirements.ToArray());
    }

    private static Requirement? ParseExpression(JsonNode? node, string path, List<FieldError> errors)
    {
        if (node is not JsonObject expression)
        {
            errors.Add(Invalid(path, Render(node), "must be an object"));
            return null;
        }
        var key = Text(expression["key"]) ?? "";
        var op = Text(expression["operator"]) ?? "";
        var values = new List<string>();
        if (expression["values"] is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
            {
                var value = Text(array[i]);
                if (value is null) errors.Add(Invalid($"{path}.values[{i}]", Render(array[i]), "must be a string"));
                else if (!ValidValue(value)) errors.Add(Invalid($"{path}.values[{i}]", Quote(value), LabelSyntax.ValueMessage));
                values.Add(value ?? "");
            }
        }
        else if (expression["values"] is not null)
        {
            errors.Add(Invalid($"{path}.values", Render(expression["values"]), "must be an array"));
        }
        Op? parsed = op switch { "In" => Op.In, "NotIn" => Op.NotIn, "Exists" => Op.Exists, "DoesNotExist" => Op.DoesNotExist, _ => null };
        switch (parsed)
        {
            case Op.In or Op.NotIn when values.Count == 0:
                errors.Add(new FieldError(FieldErrorType.Required, $"{path}.values", null,
                    "must be specified when `operator` is 'In' or 'NotIn'", []));
                break;
            case Op.Exists or Op.DoesNotExist when values.Count > 0:
                errors.Add(new FieldError(FieldErrorType.Forbidden, $"{path}.values", null,
                    "may not be specified when `operator` is 'Exists' or 'DoesNotExist'", []));
                break;
            case null:
                errors.Add(Invalid($"{path}.operator", Quote(op), "not a valid selector operator"));
                break;
        }
        CheckKey(key, $"{path}.key", errors);
        return parsed is { } o ? new Requirement(key, o, values.ToArray()) : null;
    }

    private static void CheckKey(string key, string path, List<FieldError> errors)
    {
        foreach (var problem in LabelSyntax.KeyProblems(key)) errors.Add(Invalid(path, Quote(key), problem));
    }

    private static bool ValidValue(string value) => LabelSyntax.IsValue(value);

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static FieldError Invalid(string field, string badValue, string detail) =>
        new(FieldErrorType.Invalid, field, badValue, detail, []);

    private static string Quote(string text) => "\"" + text + "\"";

    private static string Render(JsonNode? node) => node is null ? "null" : node.ToJsonString();
}
