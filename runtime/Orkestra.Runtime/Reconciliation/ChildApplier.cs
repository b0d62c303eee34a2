using System.Text.Json;
using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Rendering;
using Orkestra.Runtime.Controllers;

namespace Orkestra.Runtime.Reconciliation;

/// <summary>
/// Applies a render's children, only what is needed: a missing child is created; a drift-corrected child
/// (<c>onReconcile</c>, or <c>onCreate</c> with <c>reconcile: true</c>; never a Job) is applied only when the observed
/// object does not already contain every desired field (<see cref="DriftCheck"/>); a create-once child (<c>onCreate</c>
/// without reconcile, Jobs, <c>once</c> secrets) is never touched once it exists, except that with <c>rotateAfter</c> it
/// is regenerated once older than that (create-once children are stamped <see cref="KatalogReconciler.GeneratedAtAnnotation"/>).
/// A drift-corrected child whose <c>when</c>/<c>or</c> turned false is deleted. An apply the server answers with the
/// observed resourceVersion changed nothing and is not announced. One Normal event per kind of change ("created
/// Deployment hello, Service hello"), recorded even when a later write fails. Stateless; safe for concurrent use.
/// </summary>
internal sealed class ChildApplier(CompiledOperator op, IObjectWriter writer, IEventRecorder events, TimeProvider time)
{
    /// <summary>Writes what differs from <paramref name="observed"/>; true when anything was created, updated,
    /// rotated or deleted.</summary>
    public async ValueTask<bool> ApplyAsync(ObjectRef self, string? uid, RenderResult result, IReadOnlyList<JsonElement> observed,
        CancellationToken cancellation)
    {
        // One Normal event per kind of change and reconcile ("created Deployment hello, Service hello"), recorded
        // even when a later write fails, so the CR's events say what happened without an event per child.
        var changes = new List<(string Reason, string What)>();
        try
        {
            foreach (var child in result.Children)
            {
                var current = Find(observed, child.Manifest);
                var action = Decide(child, current, time.GetUtcNow());
                if (action == ChildAction.Keep) continue;
                var rotate = action == ChildAction.Rotate;
                if (child.Once) Stamp(child.Manifest);
                if (child.Entry.Source.Sleep is { } pause && pause > TimeSpan.Zero)
                    await Task.Delay(pause, time, cancellation).ConfigureAwait(false);
                var force = child.Entry.Source.ForceConflict ?? op.Settings.ForceConflict;
                var applied = await writer.ApplyAsync(child.Manifest, force, cancellation).ConfigureAwait(false);
                // The same resourceVersion as observed: the server found nothing to change (the object differed from
                // the manifest only in form, e.g. a normalised value), so there is no update to announce.
                if (current is { } before && !rotate && applied is not null
                    && applied == ObjectFields.Text(before, "metadata", "resourceVersion"))
                    continue;
                var reason = current is null ? "Created" : rotate ? "Rotated" : "Updated";
                var change = (Reason: reason, What: $"{child.Manifest["kind"]} {child.Name}");
                changes.Add(change);
                ReconcileScope.Current?.Changed(change.Reason.ToLowerInvariant(), change.What);
            }
            // A drift-corrected child whose conditions turned false goes away (create-once children stay).
            foreach (var target in Deletions(result, observed))
            {
                var gone = result.Skipped.First(s => s.Manifest is { } m && ObjectRef.Of(m) == target);
                await writer.DeleteAsync(target, cancellation).ConfigureAwait(false);
                changes.Add(("Deleted", $"{target} ({gone.Reason})"));
                ReconcileScope.Current?.Changed("deleted", target.ToString());
            }
        }
        finally
        {
            foreach (var group in changes.GroupBy(c => c.Reason))
            {
                var what = string.Join(", ", group.Select(c => c.What));
                events.Record(self, uid, EventType.Normal, group.Key, $"{group.Key.ToLowerInvariant()} {what}");
            }
        }
        return changes.Count > 0;
    }

    /// <summary>
    /// What a reconcile does with one rendered child given the observed object (null: absent): create it; keep it (a
    /// create-once child that exists, or a drift-corrected one that already holds every desired field); rotate a
    /// create-once child older than its <c>rotateAfter</c>; otherwise update it. <c>ork plan</c> asks the same question.
    /// </summary>
    public static ChildAction Decide(DesiredChild child, JsonElement? current, DateTimeOffset now)
    {
        if (current is not { } existing) return ChildAction.Create;
        if (child.Once && Expired(child, existing, now)) return ChildAction.Rotate;
        var leaveAlone = !child.DriftCorrected || child.Once;
        return leaveAlone || DriftCheck.Contains(child.Manifest, existing) ? ChildAction.Keep : ChildAction.Update;
    }

    /// <summary>The observed children a reconcile deletes: drift-corrected entries whose conditions turned false.</summary>
    public static IEnumerable<ObjectRef> Deletions(RenderResult result, IReadOnlyList<JsonElement> observed)
    {
        foreach (var gone in result.Skipped)
        {
            if (gone.Manifest is { } manifest && Find(observed, manifest) is not null) yield return ObjectRef.Of(manifest);
        }
    }

    /// <summary>The observed object <paramref name="manifest"/> names (API version, kind, namespace, name), if any.</summary>
    public static JsonElement? Find(IReadOnlyList<JsonElement> observed, JsonObject manifest)
    {
        var wanted = ObjectRef.Of(manifest);
        foreach (var candidate in observed)
        {
            if (ObjectRef.Of(candidate) == wanted) return candidate;
        }
        return null;
    }

    /// <summary>Create-once children record when they were generated, for <c>rotateAfter</c>.</summary>
    private void Stamp(JsonObject manifest)
    {
        var metadata = (JsonObject)manifest["metadata"]!;
        var annotations = metadata["annotations"] as JsonObject ?? new JsonObject();
        annotations[KatalogReconciler.GeneratedAtAnnotation] = KubeTime.Format(time.GetUtcNow());
        metadata["annotations"] = annotations;
    }

    /// <summary>A create-once child with <c>rotateAfter</c> is regenerated once it is older than that.</summary>
    private static bool Expired(DesiredChild child, JsonElement existing, DateTimeOffset now)
    {
        if (child.Entry.Source.RotateAfter is not { } rotateAfter) return false;
        var stamp = ObjectFields.Text(existing, "metadata", "annotations", KatalogReconciler.GeneratedAtAnnotation)
                    ?? ObjectFields.Text(existing, "metadata", "creationTimestamp");
        return stamp is not null
               && KubeTime.TryParse(stamp, out var generated)
               && now - generated >= rotateAfter;
    }
}

/// <summary>What a reconcile does with one rendered child (<see cref="ChildApplier.Decide"/>).</summary>
public enum ChildAction { Keep, Create, Update, Rotate }
