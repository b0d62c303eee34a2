using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.Json;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Conditions;
using Orkestra.Katalog.Model;
using Orkestra.Katalog.Rendering;
using Orkestra.Templating.Values;
using Orkestra.Templating;

namespace Orkestra.Runtime.Reconciliation;

/// <summary>What the Katalog's <c>validation</c> rules say of a CR: messages that deny it, messages that only warn, and the
/// rules that were not evaluated (<see cref="AdmissionRules.Validate"/> without external values).</summary>
public sealed record ValidationVerdict(IReadOnlyList<string> Denials, IReadOnlyList<string> Warnings,
    IReadOnlyList<CompiledValidationRule> Skipped);

/// <summary>
/// The one evaluation of a CRD's <c>mutation</c> and <c>validation</c> rules, shared by reconcile (every reconcile,
/// with or without admission webhooks) and the admission webhooks (Webhooks/). Pure: rules are evaluated against the
/// template data of one CR and produce a merge patch (mutation) or a verdict (validation). Thread-safe.
/// </summary>
public static class AdmissionRules
{
    /// <summary>
    /// The merge patch that applies every mutation rule whose gate passes (and that fires at reconcile):
    /// <c>default</c> sets a field that is absent or empty, <c>override</c> sets it whenever it differs. The value is
    /// typed by <c>valueType</c>. Only <c>spec.*</c>, <c>metadata.labels.*</c> and <c>metadata.annotations.*</c> may be
    /// mutated. Null when nothing changes. Throws <see cref="InvalidOperationException"/> naming the rule on a bad
    /// path or value. At <paramref name="admission"/> the admission-only rules (<c>fires.reconcile: false</c>) run too.
    /// With <paramref name="skipped"/> (a dry run: the external calls were not made) the rules that read <c>.external</c>
    /// are not applied but added to it.
    /// </summary>
    public static JsonObject? Mutate(CompiledMutation mutation, JsonElement cr, RenderScope scope, bool admission = false,
        ICollection<CompiledMutationRule>? skipped = null)
    {
        var patch = new JsonObject();
        var current = JsonNode.Parse(cr.GetRawText(), documentOptions: DecodeLimits.Document)!.AsObject();
        foreach (var rule in mutation.Rules)
        {
            if (!admission && !rule.FiresReconcile) continue;
            if (skipped is not null && rule.ReadsExternal)
            {
                skipped.Add(rule);
                continue;
            }
            if (!rule.Gate.Evaluate(scope)) continue;
            var path = rule.Field.Render(scope).Trim();
            var segments = path.Split('.');
            if (segments.Length < 2 || segments.Any(s => s.Length == 0)
                || !(segments[0] == "spec"
                     || segments[0] == "metadata" && segments.Length == 3 && segments[1] is "labels" or "annotations"))
            {
                throw new InvalidOperationException(
                    $"mutation rule at {rule.Source.Location}: field \"{path}\" must be spec.* or metadata.labels.*/annotations.*");
            }
            var text = rule.Value.Render(scope);
            var value = Typed(text, rule.ValueType) ?? throw new InvalidOperationException(
                $"mutation rule at {rule.Source.Location}: \"{text}\" is not a valid "
                + $"{rule.ValueType.ToString().ToLowerInvariant()} for {path}");
            var existing = Find(current, segments);
            var empty = existing is null
                        || existing is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Length == 0;
            if (rule.IsOverride ? JsonNode.DeepEquals(existing, value) : !empty) continue;
            Set(patch, segments, value);
            Set(current, segments, value.DeepClone());
        }
        return patch.Count == 0 ? null : patch;
    }

    /// <summary>Evaluates every validation rule whose gate passes; a rule whose condition fails contributes its
    /// rendered message as a denial (<c>action: deny</c>) or a warning (<c>action: warn</c>). With
    /// <paramref name="withoutExternal"/> (a dry run: the external calls were not made) the rules that read
    /// <c>.external</c> are not evaluated but listed in <see cref="ValidationVerdict.Skipped"/>.</summary>
    public static ValidationVerdict Validate(CompiledValidation validation, RenderScope scope, bool withoutExternal = false)
    {
        List<string>? denials = null, warnings = null;
        List<CompiledValidationRule>? skipped = null;
        foreach (var rule in validation.Rules)
        {
            if (withoutExternal && rule.ReadsExternal)
            {
                (skipped ??= []).Add(rule);
                continue;
            }
            if (!rule.Gate.Evaluate(scope) || rule.Condition.Evaluate(scope)) continue;
            if (rule.Action == RuleAction.Deny) (denials ??= []).Add(rule.Message.Render(scope));
            else (warnings ??= []).Add(rule.Message.Render(scope));
        }
        return new ValidationVerdict(denials ?? [], warnings ?? [], skipped ?? []);
    }

    /// <summary>The data rules see: the CR with <c>.cross</c> and <c>.external</c>; <paramref name="peers"/> for
    /// <c>unique</c> (without them it passes).</summary>
    public static RenderScope Scope(JsonElement cr, TemplateValue? cross, TemplateValue? external, TimeProvider time,
        PeerInstances? peers = null) =>
        new(TemplateData.ForObject(cr, cross: cross, external: external), time) { Extension = peers };

    /// <summary>The CRs of <paramref name="all"/> other than <paramref name="self"/> (by namespace and name), as template
    /// data for <c>unique</c>; read lazily.</summary>
    public static PeerInstances Peers(Func<IReadOnlyList<JsonElement>> all, ObjectKey self) =>
        new(() => all().Where(cr => Kube.ObjectMeta.KeyOf(cr) != self).Select(cr => TemplateData.ForObject(cr)));

    private static JsonNode? Typed(string text, ConditionValueType type)
    {
        var trimmed = text.Trim();
        return type switch
        {
            ConditionValueType.Int =>
                long.TryParse(trimmed, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? JsonValue.Create(i) : null,
            ConditionValueType.Float =>
                double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && double.IsFinite(f)
                    ? JsonValue.Create(f)
                    : null,
            ConditionValueType.Bool => bool.TryParse(trimmed, out var b) ? JsonValue.Create(b) : null,
            _ => JsonValue.Create(text),
        };
    }

    private static JsonNode? Find(JsonObject obj, string[] segments)
    {
        JsonNode? node = obj;
        foreach (var segment in segments)
        {
            if (node is not JsonObject o || !o.TryGetPropertyValue(segment, out node)) return null;
        }
        return node;
    }

    private static void Set(JsonObject obj, string[] segments, JsonNode value)
    {
        var node = obj;
        foreach (var segment in segments[..^1])
        {
            if (node[segment] is not JsonObject child)
            {
                child = new JsonObject();
                node[segment] = child;
            }
            node = child;
        }
        node[segments[^1]] = value;
    }
}
