using System.Text.Json;
using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Model;
using Orkestra.Katalog.Rendering;
using Orkestra.Runtime.Controllers;

namespace Orkestra.Runtime.Reconciliation;

/// <summary>
/// A CR being deleted: when it still carries one of our finalizers, delete what <c>onDelete</c> declares and every
/// cluster-scoped child (tracked by the owner label; they cannot carry owner references), then release our
/// finalizers (merge patch with the resourceVersion precondition, so a concurrent finalizer change retries instead of
/// being lost). A render error in <c>onDelete</c> keeps the finalizer and fails the reconcile (a CleanupError event).
/// Stateless; safe for concurrent use.
/// </summary>
internal sealed class Finalization(CompiledOperator op, IObjectWriter writer, IEventRecorder events, TimeProvider time, RenderInputs inputs)
{
    private static readonly IReadOnlySet<HookKind> Delete = new HashSet<HookKind> { HookKind.OnDelete };

    /// <summary>Cleans up and releases; does nothing when none of our finalizers is left.</summary>
    public async ValueTask FinalizeAsync(ObjectKey key, JsonElement cr, ObjectRef self, string? uid, IReadOnlyList<JsonElement> observed,
        CancellationToken cancellation)
    {
        var ours = Adopter.FinalizersOf(op);
        var finalizers = ObjectFields.StringList(cr.GetProperty("metadata"), "finalizers");
        if (!ours.Any(finalizers.Contains)) return;

        var crossValue = inputs.Cross(cr);
        var externalValue = await inputs.ExternalAsync(key, cr, crossValue, RenderInputs.CallsOf(op.OnDelete), cancellation)
            .ConfigureAwait(false);
        var cleanup = OperatorRenderer.Render(new RenderRequest(op, cr, observed)
        {
            Hooks = Delete, Time = time, Cross = crossValue, External = externalValue,
        });
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
            ReconcileScope.Current?.Changed("deleted", target.ToString());
            events.Record(self, uid, EventType.Normal, "Deleted", $"deleted {target}");
        }
        // removeFinalizers (a testing aid) strips every finalizer, not only ours.
        var remaining = op.Settings.RemoveFinalizers
            ? []
            : finalizers.Where(f => !ours.Contains(f)).Select(f => (JsonNode?)JsonValue.Create(f)).ToArray();
        await writer.PatchAsync(self, new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["resourceVersion"] = ObjectFields.Text(cr, "metadata", "resourceVersion"),
                ["finalizers"] = new JsonArray(remaining),
            },
        }, cancellation).ConfigureAwait(false);
        ReconcileScope.Current?.Changed("removed", "finalizer");
    }
}
