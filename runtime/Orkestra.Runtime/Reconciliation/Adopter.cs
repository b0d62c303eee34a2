using System.Text.Json;
using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Rendering;
using Orkestra.Runtime.Controllers;

namespace Orkestra.Runtime.Reconciliation;

/// <summary>
/// First sight of a CR: our finalizer(s) (<see cref="KatalogReconciler.Finalizer"/> unless the Katalog declares its
/// own), the managed label plus the box's <c>labels</c>, and the managed-by/managed-since annotations, in one merge
/// patch guarded by the CR's resourceVersion. No write when all are already there. Stateless; safe for concurrent use.
/// </summary>
internal sealed class Adopter(CompiledOperator op, string katalogName, IObjectWriter writer, TimeProvider time)
{
    /// <summary>The finalizers this operator adds and, on deletion, releases.</summary>
    public static IReadOnlyList<string> FinalizersOf(CompiledOperator op) =>
        op.Finalizers.Count > 0 ? op.Finalizers : [KatalogReconciler.Finalizer];

    /// <summary>Patches what is missing; true when it wrote.</summary>
    public async ValueTask<bool> AdoptAsync(JsonElement cr, ObjectRef self, CancellationToken cancellation)
    {
        var metadata = cr.GetProperty("metadata");
        var finalizers = ObjectFields.StringList(metadata, "finalizers");
        var missing = FinalizersOf(op).Where(f => !finalizers.Contains(f)).ToArray();
        var labels = DesiredLabels(cr);
        var labeled = labels.All(l => ObjectFields.Text(cr, "metadata", "labels", l.Key) == l.Value);
        var annotated = ObjectFields.Text(cr, "metadata", "annotations", KatalogReconciler.ManagedByAnnotation) == katalogName;
        if (missing.Length == 0 && labeled && annotated) return false;

        var patch = new JsonObject { ["resourceVersion"] = ObjectFields.Text(cr, "metadata", "resourceVersion") };
        if (missing.Length > 0)
            patch["finalizers"] = new JsonArray(finalizers.Concat(missing).Select(f => (JsonNode?)JsonValue.Create(f)).ToArray());
        if (!labeled)
            patch["labels"] = new JsonObject(labels.Select(l => KeyValuePair.Create(l.Key, (JsonNode?)JsonValue.Create(l.Value))));
        if (!annotated)
        {
            patch["annotations"] = new JsonObject
            {
                [KatalogReconciler.ManagedByAnnotation] = katalogName,
                [KatalogReconciler.ManagedSinceAnnotation] = KubeTime.Format(time.GetUtcNow()),
            };
        }
        await writer.PatchAsync(self, new JsonObject { ["metadata"] = patch }, cancellation).ConfigureAwait(false);
        ReconcileScope.Current?.Changed("adopted", $"{self.Kind} {self.Name}");
        return true;
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
}
