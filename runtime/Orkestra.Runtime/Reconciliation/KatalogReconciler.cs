using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fluid.Values;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Loading;
using Orkestra.Katalog.Model;
using Orkestra.Katalog.Rendering;
using Orkestra.Kube.Client;
using Orkestra.Runtime.Controllers;

namespace Orkestra.Runtime.Reconciliation;

/// <summary>
/// Reconciles one CR of one compiled operator, from the caches (never an API GET):
/// <list type="number">
/// <item>namespace protection: a CR in a refused namespace fails (Ready=False, a Warning event) and gets nothing;</item>
/// <item><c>normalize</c> rewrites a copy of the CR that every later step sees (<see cref="Normalizer"/>);</item>
/// <item>gone → done; being deleted → delete what <c>onDelete</c> declares and the cluster-scoped children
/// (tracked by the owner label), then release the finalizer;</item>
/// <item>first sight → add the finalizer, the managed label and the managed-by/managed-since annotations;</item>
/// <item>render <c>onCreate</c>+<c>onReconcile</c> with the observed children (<see cref="OperatorRenderer"/>);</item>
/// <item>apply only what differs: absent children are created; drift-corrected ones are applied when the observed
/// object does not already contain every desired field; create-once ones (onCreate without reconcile, Jobs,
/// <c>once</c> secrets) are left alone once they exist — so a converged CR costs zero writes;</item>
/// <item>write <c>/status</c> only when it changes (Ready condition, observedGeneration, status.fields);</item>
/// <item>errors: Ready=False with the message, a Warning event, and an exception so the controller retries.</item>
/// </list>
/// Stateless between calls; safe for concurrent use on different keys.
/// </summary>
public sealed class KatalogReconciler(
    CompiledOperator op,
    string katalogName,
    IObjectReader reader,
    IObjectWriter writer,
    IEventRecorder events,
    TimeProvider time,
    ICrossSource? cross = null,
    ExternalCalls? external = null,
    NamespacePolicy? namespaces = null,
    Action? namespaceBlocked = null) : IReconciler, IReconcileFailureReporter
{
    public const string Finalizer = "orkestra.orkspace.io/finalizer";
    public const string ManagedByAnnotation = "orkestra.orkspace.io/managed-by";
    public const string ManagedSinceAnnotation = "orkestra.orkspace.io/managed-since";

    private static readonly IReadOnlySet<HookKind> Apply = new HashSet<HookKind> { HookKind.OnCreate, HookKind.OnReconcile };
    private static readonly IReadOnlySet<HookKind> Delete = new HashSet<HookKind> { HookKind.OnDelete };

    private IReadOnlyList<string> Finalizers => op.Finalizers.Count > 0 ? op.Finalizers : [Finalizer];

    public async ValueTask<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellation)
    {
        try
        {
            return await ReconcileCoreAsync(key, cancellation).ConfigureAwait(false);
        }
        catch (KubeApiException e) when (e.IsNotFound && IsThisCr(e, key))
        {
            return ReconcileResult.Done;   // deleted after it was queued: a no-op; its watch event empties the cache
        }
        catch (Exception e) when (e is not (ReportedFailureException or TerminalReconcileException or OperationCanceledException))
        {
            // An API error or a bug: the CR says so (Ready=False, Warning event) before the controller retries it.
            await ReportFailureAsync(key, e.Message, cancellation).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A 404 naming this CR (Status details: name, resource): the CR is gone, not a child or a namespace.</summary>
    private bool IsThisCr(KubeApiException e, ObjectKey key) =>
        e.Details is { ValueKind: JsonValueKind.Object } d && d.TryGetProperty("name", out var name) && name.ValueEquals(key.Name)
        && d.TryGetProperty("kind", out var kind) && kind.ValueEquals(op.ApiTypes.Plural);

    /// <summary>Ready=False with <paramref name="message"/> and a Warning event on the CR (best effort: a failure to
    /// report is swallowed, the controller retries the key anyway).</summary>
    public ValueTask ReportFailureAsync(ObjectKey key, string message, CancellationToken cancellation) =>
        ReportFailureAsync(key, "ReconcileError", message, cancellation);

    private async ValueTask ReportFailureAsync(ObjectKey key, string reason, string message, CancellationToken cancellation)
    {
        if (reader.GetCustomResource(key) is not { } cr) return;
        var self = ObjectRef.Of(cr);
        events.Record(self, Text(cr, "metadata", "uid"), EventType.Warning, reason, message);
        if (!op.Status.Conditions) return;
        try
        {
            var ready = new JsonObject { ["type"] = "Ready", ["status"] = "False", ["reason"] = reason, ["message"] = message };
            await WriteStatusAsync(cr, self, new JsonObject { ["conditions"] = new JsonArray(ready) }, cancellation).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
        }
    }

    /// <summary>A failure already written to the CR's status and events.</summary>
    private sealed class ReportedFailureException(string message) : InvalidOperationException(message);

    private async ValueTask<ReconcileResult> ReconcileCoreAsync(ObjectKey key, CancellationToken cancellation)
    {
        if (reader.GetCustomResource(key) is not { } stored) return ReconcileResult.Done;
        var self = ObjectRef.Of(stored);
        var uid = Text(stored, "metadata", "uid");
        var metadata = stored.GetProperty("metadata");
        var observed = reader.ListOwnedChildren(self.Name, self.Namespace);

        if (metadata.TryGetProperty("deletionTimestamp", out _))
        {
            // Cleanup must not hang on a normalize error: onDelete then sees the CR as stored.
            var forCleanup = stored;
            if (op.Normalize is { } n)
            {
                try { forCleanup = Normalizer.Apply(n, stored, time).Object; }
                catch (NormalizeException) { }
            }
            await FinalizeAsync(key, forCleanup, self, uid, observed, cancellation).ConfigureAwait(false);
            return ReconcileResult.Done;
        }
        if (self.Namespace is { } ns && namespaces?.Check(ns) is { } refusal)
            await RefuseAsync(key, refusal.Reason, $"{refusal.Message}; nothing is created for this {op.ApiTypes.Kind}", cancellation)
                .ConfigureAwait(false);
        await AdoptAsync(stored, self, cancellation).ConfigureAwait(false);
        var cr = await NormalizeAsync(key, stored, self, uid, cancellation).ConfigureAwait(false);

        var crossValue = Cross(cr);
        if (await AdmitAsync(key, cr, self, crossValue, cancellation).ConfigureAwait(false)) return ReconcileResult.Done;
        var externalValue = await ExternalAsync(key, cr, crossValue, CallsOf(op.OnCreate, op.OnReconcile), cancellation).ConfigureAwait(false);
        var result = OperatorRenderer.Render(new RenderRequest(op, cr, observed) { Hooks = Apply, Time = time, Cross = crossValue, External = externalValue });
        // One Normal event per kind of change and reconcile ("created Deployment hello, Service hello"), recorded
        // even when a later write fails, so the CR's events say what happened without an event per child.
        var changes = new List<(string Reason, string What)>();
        if (namespaces is not null) await GuardChildNamespacesAsync(key, result, cancellation).ConfigureAwait(false);
        try
        {
            foreach (var child in result.Children)
            {
                var current = Find(observed, child.Manifest);
                var rotate = child.Once && current is { } old && Expired(child, old);
                if (current is { } existing && !rotate && (!child.DriftCorrected || child.Once || Contains(child.Manifest, existing))) continue;
                if (child.Once) Stamp(child.Manifest);
                if (child.Entry.Source.Sleep is { } pause && pause > TimeSpan.Zero) await Task.Delay(pause, time, cancellation).ConfigureAwait(false);
                var force = child.Entry.Source.ForceConflict ?? op.Crd.ForceConflict;
                var applied = await writer.ApplyAsync(child.Manifest, force, cancellation).ConfigureAwait(false);
                // The same resourceVersion as observed: the server found nothing to change (the object differed from
                // the manifest only in form, e.g. a normalised value), so there is no update to announce.
                if (current is { } before && !rotate && applied is not null && applied == Text(before, "metadata", "resourceVersion")) continue;
                changes.Add((current is null ? "Created" : rotate ? "Rotated" : "Updated", $"{child.Manifest["kind"]} {child.Name}"));
            }
            // A drift-corrected child whose conditions turned false goes away (create-once children stay).
            foreach (var gone in result.Skipped)
            {
                if (gone.Manifest is not { } manifest || Find(observed, manifest) is null) continue;
                var target = ObjectRef.Of(manifest);
                await writer.DeleteAsync(target, cancellation).ConfigureAwait(false);
                changes.Add(("Deleted", $"{target} ({gone.Reason})"));
            }
        }
        finally
        {
            foreach (var group in changes.GroupBy(c => c.Reason))
                events.Record(self, uid, EventType.Normal, group.Key, $"{group.Key.ToLowerInvariant()} {string.Join(", ", group.Select(c => c.What))}");
        }
        var wrote = changes.Count > 0;

        var errors = result.Errors.Concat(result.Status.Errors).ToArray();
        // A status-only write is not announced: the status itself shows it, and children's status changes (replicas
        // becoming ready) would otherwise turn into a stream of "Reconciled" events and their count updates.
        await WriteStatusAsync(cr, self, result.Status.Status, cancellation).ConfigureAwait(false);
        if (errors.Length > 0)
        {
            var message = string.Join("; ", errors.Select(e => e.ToString()));
            events.Record(self, uid, EventType.Warning, "ReconcileError", message);
            throw new ReportedFailureException(message);
        }
        if (wrote) events.Record(self, uid, EventType.Normal, "Reconciled", "all children converged");
        return Requeue(result);
    }

    /// <summary><c>normalize</c>: the copy every later step sees; a failure fails the CR until it changes.</summary>
    private async ValueTask<JsonElement> NormalizeAsync(ObjectKey key, JsonElement cr, ObjectRef self, string? uid,
        CancellationToken cancellation)
    {
        if (op.Normalize is not { } normalize) return cr;
        NormalizeResult result;
        try
        {
            result = Normalizer.Apply(normalize, cr, time);
        }
        catch (NormalizeException e)
        {
            await ReportFailureAsync(key, "NormalizeFailed", e.Message, cancellation).ConfigureAwait(false);
            throw new TerminalReconcileException(e.Message, e);
        }
        if (result.Changes.Count > 0)
            events.Record(self, uid, EventType.Normal, "Normalized", "normalized " + string.Join(", ", result.Changes));
        return result.Object;
    }

    /// <summary>A child in a namespace the policy refuses fails the reconcile before anything is written.</summary>
    private async ValueTask GuardChildNamespacesAsync(ObjectKey key, RenderResult result, CancellationToken cancellation)
    {
        foreach (var child in result.Children)
        {
            if ((string?)child.Manifest["metadata"]?["namespace"] is not { } ns || namespaces!.Check(ns) is not { } refusal) continue;
            await RefuseAsync(key, refusal.Reason, $"{child.Manifest["kind"]} {child.Name} is not created: {refusal.Message}", cancellation)
                .ConfigureAwait(false);
        }
    }

    /// <summary>Namespace protection refused the CR or one of its children: Ready=False, a Warning event, no retries.</summary>
    private async ValueTask RefuseAsync(ObjectKey key, string reason, string message, CancellationToken cancellation)
    {
        namespaceBlocked?.Invoke();
        await ReportFailureAsync(key, reason, message, cancellation).ConfigureAwait(false);
        throw new TerminalReconcileException(message);
    }

    /// <summary><c>.cross</c> from the other operators' caches (empty when the box declares no cross reads).</summary>
    private FluidValue? Cross(JsonElement cr) =>
        cross is null || op.Cross.Count == 0 ? null : CrossView.Build(op, cr, cross, time, Random.Shared);

    /// <summary>
    /// The reconcile-time enforcement of <c>mutation</c> and <c>validation</c> (order: <c>mutateFirst</c>). A mutation
    /// that changes the CR is written (guarded by its resourceVersion) and ends this reconcile — the update brings the
    /// mutated CR back. A denying rule fails the CR (Ready=False, reason ValidationFailed) without retries until the
    /// CR changes; a warning rule records a Warning event. Returns true when the CR was patched.
    /// </summary>
    private async ValueTask<bool> AdmitAsync(ObjectKey key, JsonElement cr, ObjectRef self, FluidValue? crossValue, CancellationToken cancellation)
    {
        if (op.Mutation is { MutateFirst: true } && await MutateAsync(key, cr, self, crossValue, cancellation).ConfigureAwait(false)) return true;
        if (op.Validation is { } validation)
        {
            var scope = AdmissionRules.Scope(cr, crossValue, await ExternalAsync(key, cr, crossValue, validation.External, cancellation).ConfigureAwait(false), time);
            var verdict = AdmissionRules.Validate(validation, scope);
            foreach (var warning in verdict.Warnings) events.Record(self, Text(cr, "metadata", "uid"), EventType.Warning, "ValidationWarning", warning);
            if (verdict.Denials.Count > 0)
            {
                var message = string.Join("; ", verdict.Denials);
                await ReportFailureAsync(key, "ValidationFailed", message, cancellation).ConfigureAwait(false);
                throw new TerminalReconcileException(message);
            }
        }
        return op.Mutation is { MutateFirst: false } && await MutateAsync(key, cr, self, crossValue, cancellation).ConfigureAwait(false);
    }

    private async ValueTask<bool> MutateAsync(ObjectKey key, JsonElement cr, ObjectRef self, FluidValue? crossValue, CancellationToken cancellation)
    {
        var mutation = op.Mutation!;
        var scope = AdmissionRules.Scope(cr, crossValue, await ExternalAsync(key, cr, crossValue, mutation.External, cancellation).ConfigureAwait(false), time);
        if (AdmissionRules.Mutate(mutation, cr, scope) is not { } patch) return false;
        var metadata = patch["metadata"] as JsonObject ?? new JsonObject();
        metadata["resourceVersion"] = Text(cr, "metadata", "resourceVersion");
        patch["metadata"] = metadata;
        await writer.PatchAsync(self, patch, cancellation).ConfigureAwait(false);
        events.Record(self, Text(cr, "metadata", "uid"), EventType.Normal, "Mutated", "applied mutation rules");
        return true;
    }

    /// <summary>
    /// <c>.external</c>: HTTP calls (a hook's, or a rule set's), run before what uses them. A failed call without
    /// <c>continueOnError</c> fails the reconcile, reported on the CR.
    /// </summary>
    private async ValueTask<FluidValue?> ExternalAsync(ObjectKey key, JsonElement cr, FluidValue? crossValue,
        IEnumerable<CompiledExternal> calls, CancellationToken cancellation)
    {
        var list = calls as IReadOnlyCollection<CompiledExternal> ?? calls.ToArray();
        if (external is null || list.Count == 0) return null;
        var outcome = await external.RunAsync(list, cr, crossValue, cancellation).ConfigureAwait(false);
        if (outcome.Failure is not { } failure) return outcome.Results;
        await ReportFailureAsync(key, failure, cancellation).ConfigureAwait(false);
        throw new ReportedFailureException(failure);
    }

    private static IEnumerable<CompiledExternal> CallsOf(params CompiledHook?[] hooks) => hooks.OfType<CompiledHook>().SelectMany(h => h.External);

    public const string GeneratedAtAnnotation = "orkestra.orkspace.io/generated-at";

    /// <summary>Create-once children record when they were generated, for <c>rotateAfter</c>.</summary>
    private void Stamp(JsonObject manifest)
    {
        var metadata = (JsonObject)manifest["metadata"]!;
        var annotations = metadata["annotations"] as JsonObject ?? new JsonObject();
        annotations[GeneratedAtAnnotation] = KubeTime.Format(time.GetUtcNow());
        metadata["annotations"] = annotations;
    }

    /// <summary>A create-once child with <c>rotateAfter</c> is regenerated once it is older than that.</summary>
    private bool Expired(DesiredChild child, JsonElement existing)
    {
        if (child.Entry.Source.RotateAfter is not { } rotateAfter) return false;
        var stamp = Text(existing, "metadata", "annotations", GeneratedAtAnnotation) ?? Text(existing, "metadata", "creationTimestamp");
        return stamp is not null
               && KubeTime.TryParse(stamp, out var generated)
               && time.GetUtcNow() - generated >= rotateAfter;
    }

    private ReconcileResult Requeue(RenderResult result)
    {
        if (op.Requeue is not { After: { } after } requeue) return ReconcileResult.Done;
        if (!requeue.Gate.Evaluate(result.Scope)) return ReconcileResult.Done;
        var text = after.Render(result.Scope).Trim();
        return text.Length > 0 && Durations.TryParse(text, false, out var delay, out _) && delay > TimeSpan.Zero
            ? ReconcileResult.After(delay)
            : ReconcileResult.Done;
    }

    /// <summary>First sight: our finalizer(s), the managed label and annotations, in one merge patch.</summary>
    private async ValueTask AdoptAsync(JsonElement cr, ObjectRef self, CancellationToken cancellation)
    {
        var metadata = cr.GetProperty("metadata");
        var finalizers = StringList(metadata, "finalizers");
        var missing = Finalizers.Where(f => !finalizers.Contains(f)).ToArray();
        var labels = DesiredLabels(cr);
        var labeled = labels.All(l => Text(cr, "metadata", "labels", l.Key) == l.Value);
        var annotated = Text(cr, "metadata", "annotations", ManagedByAnnotation) == katalogName;
        if (missing.Length == 0 && labeled && annotated) return;

        var patch = new JsonObject { ["resourceVersion"] = Text(cr, "metadata", "resourceVersion") };
        if (missing.Length > 0) patch["finalizers"] = new JsonArray(finalizers.Concat(missing).Select(f => (JsonNode?)JsonValue.Create(f)).ToArray());
        if (!labeled) patch["labels"] = new JsonObject(labels.Select(l => KeyValuePair.Create(l.Key, (JsonNode?)JsonValue.Create(l.Value))));
        if (!annotated)
        {
            patch["annotations"] = new JsonObject
            {
                [ManagedByAnnotation] = katalogName,
                [ManagedSinceAnnotation] = KubeTime.Format(time.GetUtcNow()),
            };
        }
        await writer.PatchAsync(self, new JsonObject { ["metadata"] = patch }, cancellation).ConfigureAwait(false);
    }

    /// <summary>The managed label plus the box's <c>labels</c> (templates rendered against the CR).</summary>
    private List<KeyValuePair<string, string>> DesiredLabels(JsonElement cr)
    {
        var labels = new List<KeyValuePair<string, string>> { new(WellKnownLabels.Managed, "true") };
        if (op.Labels.Count == 0) return labels;
        var scope = new Orkestra.Templating.RenderScope(TemplateData.ForObject(cr), time);
        foreach (var label in op.Labels) labels.Add(new(label.Name, label.Value.Render(scope)));
        return labels;
    }

    /// <summary>Deletion: onDelete's objects and cluster-scoped children go, then our finalizers are released.</summary>
    private async ValueTask FinalizeAsync(ObjectKey key, JsonElement cr, ObjectRef self, string? uid, IReadOnlyList<JsonElement> observed, CancellationToken cancellation)
    {
        var finalizers = StringList(cr.GetProperty("metadata"), "finalizers");
        if (!Finalizers.Any(finalizers.Contains)) return;

        var crossValue = Cross(cr);
        var externalValue = await ExternalAsync(key, cr, crossValue, CallsOf(op.OnDelete), cancellation).ConfigureAwait(false);
        var cleanup = OperatorRenderer.Render(new RenderRequest(op, cr, observed) { Hooks = Delete, Time = time, Cross = crossValue, External = externalValue });
        if (cleanup.Errors.Count > 0)
        {
            var message = string.Join("; ", cleanup.Errors.Select(e => e.ToString()));
            events.Record(self, uid, EventType.Warning, "CleanupError", message);
            throw new ReportedFailureException(message);
        }
        var targets = cleanup.Children.Select(c => ObjectRef.Of(c.Manifest))
            .Concat(observed.Select(ObjectRef.Of).Where(r => r.Namespace is null))
            .Distinct();
        foreach (var target in targets)
        {
            await writer.DeleteAsync(target, cancellation).ConfigureAwait(false);
            events.Record(self, uid, EventType.Normal, "Deleted", $"deleted {target}");
        }
        // removeFinalizers (a testing aid) strips every finalizer, not only ours.
        var remaining = op.Crd.RemoveFinalizers ? [] : finalizers.Where(f => !Finalizers.Contains(f)).Select(f => (JsonNode?)JsonValue.Create(f)).ToArray();
        await writer.PatchAsync(self, new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["resourceVersion"] = Text(cr, "metadata", "resourceVersion"),
                ["finalizers"] = new JsonArray(remaining),
            },
        }, cancellation).ConfigureAwait(false);
    }

    /// <summary>Writes /status when any projected field differs; the Ready condition keeps its transition time while unchanged.</summary>
    private async ValueTask<bool> WriteStatusAsync(JsonElement cr, ObjectRef self, JsonObject projected, CancellationToken cancellation)
    {
        if (op.Crd.IgnoreStatusPatch) return false;
        var current = cr.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.Object ? JsonObject.Create(s)! : new JsonObject();
        var patch = new JsonObject();
        foreach (var (key, value) in projected)
        {
            if (key == "conditions") continue;
            if (!JsonNode.DeepEquals(current[key], value)) patch[key] = value?.DeepClone();
        }
        if (projected["conditions"] is JsonArray { Count: > 0 } wanted && wanted[0] is JsonObject ready)
        {
            var conditions = current["conditions"] as JsonArray ?? new JsonArray();
            var existing = conditions.OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == "Ready");
            var same = existing is not null && (string?)existing["status"] == (string?)ready["status"]
                       && (string?)existing["reason"] == (string?)ready["reason"] && (string?)existing["message"] == (string?)ready["message"];
            if (!same)
            {
                var updated = (JsonObject)ready.DeepClone();
                updated["lastTransitionTime"] = existing is not null && (string?)existing["status"] == (string?)ready["status"]
                    ? existing["lastTransitionTime"]?.DeepClone()
                    : KubeTime.Format(time.GetUtcNow());
                var merged = new JsonArray(conditions.OfType<JsonObject>().Where(c => (string?)c["type"] != "Ready").Select(c => (JsonNode?)c.DeepClone()).Append(updated).ToArray());
                patch["conditions"] = merged;
            }
        }
        if (patch.Count == 0) return false;
        await writer.PatchStatusAsync(self, new JsonObject { ["status"] = patch }, cancellation).ConfigureAwait(false);
        return true;
    }

    private static JsonElement? Find(IReadOnlyList<JsonElement> observed, JsonObject manifest)
    {
        var wanted = ObjectRef.Of(manifest);
        foreach (var candidate in observed)
        {
            if (ObjectRef.Of(candidate) == wanted) return candidate;
        }
        return null;
    }

    /// <summary>True when <paramref name="observed"/> already holds every field of <paramref name="desired"/> with the same value.</summary>
    internal static bool Contains(JsonNode? desired, JsonElement observed)
    {
        switch (desired)
        {
            case null:
                return observed.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined;
            case JsonObject obj:
                if (observed.ValueKind != JsonValueKind.Object) return false;
                foreach (var (key, value) in obj)
                {
                    if (!observed.TryGetProperty(key, out var field))
                    {
                        if (value is null) continue;   // a desired null is met by an absent field; the other keys still count
                        return false;
                    }
                    if (!Contains(value, field)) return false;
                }
                return true;
            case JsonArray arr:
                if (observed.ValueKind != JsonValueKind.Array || observed.GetArrayLength() != arr.Count) return false;
                var i = 0;
                foreach (var item in observed.EnumerateArray())
                {
                    if (!Contains(arr[i++], item)) return false;
                }
                return true;
            default:
                var scalar = desired.AsValue();
                return scalar.GetValueKind() switch
                {
                    JsonValueKind.String => observed.ValueKind == JsonValueKind.String && observed.GetString() == scalar.GetValue<string>(),
                    JsonValueKind.Number => observed.ValueKind == JsonValueKind.Number && observed.GetDecimal() == decimal.Parse(scalar.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture),
                    JsonValueKind.True => observed.ValueKind == JsonValueKind.True,
                    JsonValueKind.False => observed.ValueKind == JsonValueKind.False,
                    _ => observed.ValueKind == JsonValueKind.Null,
                };
        }
    }

    private static string? Text(JsonElement e, params string[] path)
    {
        foreach (var p in path)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(p, out e)) return null;
        }
        return e.ValueKind == JsonValueKind.String ? e.GetString() : null;
    }

    private static List<string> StringList(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList()
            : [];
}
