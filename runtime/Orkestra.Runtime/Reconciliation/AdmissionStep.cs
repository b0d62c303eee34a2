using System.Text.Json;
using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Katalog.Compilation;
using Orkestra.Templating.Values;
using Orkestra.Runtime.Controllers;

namespace Orkestra.Runtime.Reconciliation;

/// <summary>
/// The reconcile-time enforcement of <c>mutation</c> and <c>validation</c> (order: <c>mutateFirst</c>). A mutation
/// that changes the CR is written (guarded by its resourceVersion) and ends this reconcile — the update brings the
/// mutated CR back. A denying rule fails the CR (Ready=False, reason ValidationFailed) without retries until the
/// CR changes; a warning rule records a Warning event. Stateless; safe for concurrent use.
/// </summary>
internal sealed class AdmissionStep(
    CompiledOperator op, IObjectReader reader, IObjectWriter writer, IEventRecorder events, TimeProvider time, RenderInputs inputs,
    StatusWriter status)
{
    /// <summary>Runs the rules; true when the CR was patched (the reconcile ends there).</summary>
    public async ValueTask<bool> AdmitAsync(ObjectKey key, JsonElement cr, ObjectRef self, TemplateValue? crossValue,
        CancellationToken cancellation)
    {
        if (op.Mutation is { MutateFirst: true } && await MutateAsync(key, cr, self, crossValue, cancellation).ConfigureAwait(false))
            return true;
        if (op.Validation is { } validation)
        {
            var externalValue = await inputs.ExternalAsync(key, cr, crossValue, validation.External, cancellation).ConfigureAwait(false);
            var scope = AdmissionRules.Scope(cr, crossValue, externalValue, time, AdmissionRules.Peers(reader.ListCustomResources, key));
            var verdict = AdmissionRules.Validate(validation, scope);
            foreach (var warning in verdict.Warnings)
                events.Record(self, ObjectFields.Text(cr, "metadata", "uid"), EventType.Warning, "ValidationWarning", warning);
            if (verdict.Denials.Count > 0)
            {
                var message = string.Join("; ", verdict.Denials);
                await status.ReportFailureAsync(key, "ValidationFailed", message, cancellation).ConfigureAwait(false);
                throw new TerminalReconcileException(message);
            }
        }
        return op.Mutation is { MutateFirst: false } && await MutateAsync(key, cr, self, crossValue, cancellation).ConfigureAwait(false);
    }

    private async ValueTask<bool> MutateAsync(ObjectKey key, JsonElement cr, ObjectRef self, TemplateValue? crossValue,
        CancellationToken cancellation)
    {
        var mutation = op.Mutation!;
        var externalValue = await inputs.ExternalAsync(key, cr, crossValue, mutation.External, cancellation).ConfigureAwait(false);
        var scope = AdmissionRules.Scope(cr, crossValue, externalValue, time);
        if (AdmissionRules.Mutate(mutation, cr, scope) is not { } patch) return false;
        var metadata = patch["metadata"] as JsonObject ?? new JsonObject();
        metadata["resourceVersion"] = ObjectFields.Text(cr, "metadata", "resourceVersion");
        patch["metadata"] = metadata;
        await writer.PatchAsync(self, patch, cancellation).ConfigureAwait(false);
        ReconcileScope.Current?.Changed("mutated", $"{self.Kind} {self.Name}");
        events.Record(self, ObjectFields.Text(cr, "metadata", "uid"), EventType.Normal, "Mutated", "applied mutation rules");
        return true;
    }
}
