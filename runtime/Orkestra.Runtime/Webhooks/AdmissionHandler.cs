using System.Text.Json.Nodes;
using System.Text.Json;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Rendering;
using Orkestra.Runtime.Reconciliation;
using Orkestra.Templating.Values;

namespace Orkestra.Runtime.Webhooks;

/// <summary>
/// Answers one AdmissionReview for one route, with the same compiled rules reconcile runs (<see cref="AdmissionRules"/>):
/// <list type="bullet">
/// <item>validate: every external call of <c>validation</c> (admission-only ones included), then every rule; a failing
/// <c>deny</c> rule denies with its message (several joined by "; "), a failing <c>warn</c> rule becomes an AdmissionReview
/// warning. An UPDATE that leaves <c>spec</c> unchanged, or of an object being deleted, is allowed without rules, so
/// finalizer, label and status bookkeeping of an invalid CR never gets stuck.</item>
/// <item>mutate: every mutation rule (admission-only ones included), answered as a JSONPatch against the request object.</item>
/// <item>dry run (<c>request.dryRun: true</c>) of a rule set that declares <c>external</c> calls: no call is made (they may
/// have side effects, which is why such webhooks register <c>sideEffects: NoneOnDryRun</c>); every rule that reads
/// <c>.external</c> is left out with a warning naming it, so a dry run is never denied on data it did not fetch. The
/// other rules run as usual.</item>
/// <item>namespace protection: CREATE in a refused namespace is denied.</item>
/// <item>deletion protection: DELETE of the Katalog's CRDs and of objects labelled <c>orkestra.io/deletion-protection=true</c>
/// (or <c>app.kubernetes.io/name=orkestra</c> + <c>app.kubernetes.io/tag=orkestra-internal</c>) is denied; in strict mode an
/// UPDATE that removes the protection label is denied unless <c>orkestra.io/strict-mode-exempt=true</c> is set.</item>
/// </list>
/// A rule or call that cannot be evaluated denies with code 500 and a message naming it; nothing here throws for bad
/// input. Thread-safe.
/// </summary>
public sealed class AdmissionHandler(ExternalCalls? external, Func<CompiledOperator, JsonElement, TemplateValue?>? cross, TimeProvider time,
    WebhookTelemetry telemetry)
{
    public const string ProtectionLabel = "orkestra.io/deletion-protection";
    public const string ExemptLabel = "orkestra.io/strict-mode-exempt";

    public async ValueTask<AdmissionResponse> HandleAsync(WebhookRoute route, AdmissionRequest request, CancellationToken cancellation)
    {
        var response = route.Kind switch
        {
            WebhookKind.Validate => await ValidateAsync(route, request, cancellation).ConfigureAwait(false),
            WebhookKind.Mutate => await MutateAsync(route, request, cancellation).ConfigureAwait(false),
            WebhookKind.NamespaceProtection => ProtectNamespace(route, request),
            WebhookKind.DeletionProtection => ProtectDeletion(route, request),
            _ => AdmissionResponse.Deny($"{route.Path} does not answer AdmissionReviews", code: 400),
        };
        if (!response.Allowed) telemetry.Denied(route, request, response.Message ?? "");
        return response;
    }

    private async ValueTask<AdmissionResponse> ValidateAsync(WebhookRoute route, AdmissionRequest request, CancellationToken cancellation)
    {
        var op = route.Operator!;
        if (Mismatch(op, request) is { } wrong) return wrong;
        if (!route.Operations.Contains(request.Operation) || request.Subject is not { } subject) return AdmissionResponse.Allow();
        if (request.Operation == "UPDATE" && (Has(subject, "metadata", "deletionTimestamp") || SameSpec(request)))
            return AdmissionResponse.Allow();
        var validation = op.Validation!;
        try
        {
            var crossValue = cross?.Invoke(op, subject);
            TemplateValue? externalValue = null;
            var dryRun = request.DryRun && validation.External.Count > 0;
            if (dryRun)
            {
                externalValue = NotCalled(validation.External);
            }
            else if (external is not null && validation.External.Count > 0)
            {
                var outcome = await external.RunAsync(validation.External, subject, crossValue, cancellation, admission: true)
                    .ConfigureAwait(false);
                if (outcome.Failure is { } failure) return AdmissionResponse.Deny($"spec.crds.{op.Name}.validation: {failure}", code: 500);
                externalValue = outcome.Results;
            }
            var verdict = AdmissionRules.Validate(validation, AdmissionRules.Scope(subject, crossValue, externalValue, time), dryRun);
            foreach (var _ in verdict.Warnings) telemetry.Violation(op.Name, "warn");
            foreach (var _ in verdict.Denials) telemetry.Violation(op.Name, "deny");
            var warnings = verdict.Warnings;
            if (verdict.Skipped.Count > 0)
            {
                var all = new List<string>(warnings.Count + verdict.Skipped.Count);
                all.AddRange(warnings);
                foreach (var rule in verdict.Skipped)
                    all.Add(DryRunSkipped($"validation rule \"{rule.Condition}\" ({rule.Source.Location}) was not checked"));
                warnings = all;
            }
            return verdict.Denials.Count > 0
                ? AdmissionResponse.Deny(string.Join("; ", verdict.Denials), warnings)
                : AdmissionResponse.Allow(warnings);
        }
        catch (Exception e) when (e is KatalogRenderException or InvalidOperationException or FormatException)
        {
            return AdmissionResponse.Deny($"spec.crds.{op.Name}.validation could not be evaluated: {Describe(e)}", code: 500);
        }
    }

    private async ValueTask<AdmissionResponse> MutateAsync(WebhookRoute route, AdmissionRequest request, CancellationToken cancellation)
    {
        var op = route.Operator!;
        if (Mismatch(op, request) is { } wrong) return wrong;
        if (!route.Operations.Contains(request.Operation) || request.Object is not { } obj) return AdmissionResponse.Allow();
        if (Has(obj, "metadata", "deletionTimestamp")) return AdmissionResponse.Allow();
        var mutation = op.Mutation!;
        try
        {
            var crossValue = cross?.Invoke(op, obj);
            TemplateValue? externalValue = null;
            List<CompiledMutationRule>? skipped = null;
            if (request.DryRun && mutation.External.Count > 0)
            {
                externalValue = NotCalled(mutation.External);
                skipped = [];
            }
            else if (external is not null && mutation.External.Count > 0)
            {
                var outcome = await external.RunAsync(mutation.External, obj, crossValue, cancellation, admission: true)
                    .ConfigureAwait(false);
                if (outcome.Failure is { } failure) return AdmissionResponse.Deny($"spec.crds.{op.Name}.mutation: {failure}", code: 500);
                externalValue = outcome.Results;
            }
            var scope = AdmissionRules.Scope(obj, crossValue, externalValue, time);
            var patch = AdmissionRules.Mutate(mutation, obj, scope, admission: true, skipped: skipped);
            List<string>? warnings = null;
            foreach (var rule in skipped ?? [])
                (warnings ??= []).Add(DryRunSkipped($"mutation rule for {rule.Field.Text} ({rule.Source.Location}) was not applied"));
            return AdmissionResponse.Allow(warnings, patch is null ? null : JsonPatches.FromMergePatch(obj, patch));
        }
        catch (Exception e) when (e is KatalogRenderException or InvalidOperationException or FormatException)
        {
            return AdmissionResponse.Deny($"spec.crds.{op.Name}.mutation could not be applied: {Describe(e)}", code: 500);
        }
    }

    private AdmissionResponse ProtectNamespace(WebhookRoute route, AdmissionRequest request)
    {
        if (request.Operation != "CREATE") return AdmissionResponse.Allow();
        var ns = request.Namespace ?? (request.Object is { } o ? Text(o, "metadata", "namespace") : null);
        if (ns is null || route.Namespaces!.Check(ns) is not { } refusal) return AdmissionResponse.Allow();
        telemetry.NamespaceBlocked(route.Operator!.ApiTypes.Plural);
        return AdmissionResponse.Deny($"{request.Describe()}: {refusal.Message}");
    }

    private AdmissionResponse ProtectDeletion(WebhookRoute route, AdmissionRequest request)
    {
        var rules = route.Deletion!;
        if (request.Operation == "DELETE")
        {
            if (request.Group == "apiextensions.k8s.io" && request.Resource == "customresourcedefinitions")
            {
                var name = request.Name ?? (request.OldObject is { } crd ? Text(crd, "metadata", "name") : null);
                if (name is null || !rules.CrdNames.Contains(name)) return AdmissionResponse.Allow();
                telemetry.DeletionBlocked();
                return AdmissionResponse.Deny($"CustomResourceDefinition {name} is protected by the deletion protection of Katalog " +
                    $"{route.Katalog}; stop ork (or run ork cleanup -k for that Katalog) before deleting it");
            }
            if (request.OldObject is not { } old || !Protected(old)) return AdmissionResponse.Allow();
            telemetry.DeletionBlocked();
            return AdmissionResponse.Deny($"{request.Describe()} is protected from deletion ({ProtectionLabel}=true); " +
                "remove the label first" +
                (rules.StrictMode ? $" (strict mode: label it {ExemptLabel}=true before removing it)" : ""));
        }
        if (request.Operation == "UPDATE" && rules.StrictMode && request.OldObject is { } before && request.Object is { } after
            && Protected(before) && !Protected(after) && !Exempt(after))
        {
            telemetry.DeletionBlocked();
            return AdmissionResponse.Deny($"{request.Describe()}: removing {ProtectionLabel} counts as deletion in strict mode; " +
                $"label it {ExemptLabel}=true first");
        }
        return AdmissionResponse.Allow();
    }

    private static bool Protected(JsonElement obj) =>
        Text(obj, "metadata", "labels", ProtectionLabel) == "true"
        || (Text(obj, "metadata", "labels", "app.kubernetes.io/name") == "orkestra"
            && Text(obj, "metadata", "labels", "app.kubernetes.io/tag") == "orkestra-internal");

    private static bool Exempt(JsonElement obj) => Text(obj, "metadata", "labels", ExemptLabel) == "true";

    /// <summary>A request for another kind reached this route: denied with a message (a misconfigured registration).</summary>
    private static AdmissionResponse? Mismatch(CompiledOperator op, AdmissionRequest request) =>
        request.Kind == op.ApiTypes.Kind && request.Group == op.ApiTypes.Group
            ? null
            : AdmissionResponse.Deny($"this webhook admits {op.ApiTypes.Kind}.{op.ApiTypes.Group} (spec.crds.{op.Name}), " +
                $"not {request.Kind}.{request.Group}", code: 400);

    private static bool SameSpec(AdmissionRequest request)
    {
        if (request.Object is not { } now || request.OldObject is not { } old) return false;
        var a = now.TryGetProperty("spec", out var s1) ? JsonNode.Parse(s1.GetRawText(), documentOptions: DecodeLimits.Document) : null;
        var b = old.TryGetProperty("spec", out var s2) ? JsonNode.Parse(s2.GetRawText(), documentOptions: DecodeLimits.Document) : null;
        return JsonNode.DeepEquals(a, b);
    }

    /// <summary>The <c>.external</c> a dry run sees: every declared call as not made (<c>called: "false"</c>), so a rule
    /// that reads a result in a way <see cref="CompiledValidationRule.ReadsExternal"/> cannot see finds no data.</summary>
    private static TemplateValue NotCalled(IReadOnlyList<CompiledExternal> calls)
    {
        var results = new Dictionary<string, TemplateValue>(calls.Count, StringComparer.Ordinal);
        var notCalled = TemplateValue.Map([new("called", TemplateValue.String("false"))]);
        foreach (var call in calls) results[call.Source.Name] = notCalled;
        return TemplateValue.Map(results);
    }

    /// <summary>The warning for a rule a dry run leaves out (it needs a result of an external call, and a dry run makes none).</summary>
    private static string DryRunSkipped(string what) =>
        $"dry run: {what}: it reads .external, and a dry-run request makes no external calls (they may have side effects)";

    private static string Describe(Exception e) => e is KatalogRenderException r ? r.ToDiagnostic().ToString() : e.Message;

    private static string? Text(JsonElement e, params string[] path) => ObjectFields.Text(e, path);

    private static bool Has(JsonElement obj, string first, string second) =>
        obj.TryGetProperty(first, out var a) && a.ValueKind == JsonValueKind.Object && a.TryGetProperty(second, out var b)
        && b.ValueKind != JsonValueKind.Null;
}

/// <summary>RFC 6902 JSON patches from the merge patches the rules produce.</summary>
public static class JsonPatches
{
    /// <summary>
    /// The JSONPatch that turns <paramref name="original"/> into <paramref name="original"/> merged with
    /// <paramref name="mergePatch"/> (whose values are never null): <c>add</c> for what is absent (whole subtrees),
    /// <c>replace</c> for what differs, recursing into maps present on both sides.
    /// </summary>
    public static JsonArray FromMergePatch(JsonElement original, JsonObject mergePatch)
    {
        var ops = new JsonArray();
        Walk(original, mergePatch, "", ops);
        return ops;
    }

    private static void Walk(JsonElement original, JsonObject patch, string pointer, JsonArray ops)
    {
        foreach (var (key, value) in patch)
        {
            var path = pointer + "/" + key.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
            if (original.ValueKind == JsonValueKind.Object && original.TryGetProperty(key, out var current))
            {
                if (current.ValueKind == JsonValueKind.Object && value is JsonObject nested) Walk(current, nested, path, ops);
                else ops.Add(Op("replace", path, value));
            }
            else
            {
                ops.Add(Op("add", path, value));
            }
        }
    }

    private static JsonNode Op(string op, string path, JsonNode? value) =>
        new JsonObject { ["op"] = op, ["path"] = path, ["value"] = value?.DeepClone() };
}
