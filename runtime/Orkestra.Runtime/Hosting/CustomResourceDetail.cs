using System.Text.Json;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Model;
using Orkestra.Katalog.Rendering;
using Orkestra.Kube;
using Orkestra.Kube.Client;
using Orkestra.Runtime.Observability;
using Orkestra.Runtime.Reconciliation;
using Orkestra.Templating.Values;

namespace Orkestra.Runtime.Hosting;

/// <summary>
/// The read-only views behind <c>/katalog/{crd}/cr/{namespace}/{name}</c> and <c>/katalog/{crd}/events</c>: one CR with
/// its conditions, spec and status, the tree of its children (kind, name, readiness, drift against what the operator
/// would apply now), its recent Events and its last reconcile. Drift is computed as a reconcile would — normalize, cross
/// reads, render, <see cref="DriftCheck"/> — but without writing or calling anything: an operator with <c>external</c>
/// calls reports drift <c>unknown</c>. A Secret child shows its data keys only, never a value. Events are read from the
/// API (one list per request). Thread-safe.
/// </summary>
internal sealed class CustomResourceDetail(CrdOperator op, IKubeReader api, ICrossSource cross, TimeProvider time)
{
    private static readonly GroupVersionResource Events = new("", "v1", "events");
    private const int EventLimit = 100;

    private static readonly string[] MetadataFields =
        ["uid", "generation", "resourceVersion", "creationTimestamp", "deletionTimestamp", "labels", "annotations", "finalizers"];

    /// <summary>Writes the CR's detail; false when the cache does not hold it.</summary>
    public async Task<bool> WriteAsync(ObjectKey key, Utf8JsonWriter w, CancellationToken cancellation)
    {
        if (op.Reader is not { } reader || reader.GetCustomResource(key) is not { } cr) return false;
        var self = ObjectRef.Of(cr);
        var observed = reader.ListOwnedChildren(self.Name, self.Namespace);
        var events = await ListEventsAsync(self.Namespace ?? "default",
            $"involvedObject.name={self.Name},involvedObject.kind={self.Kind}", cancellation).ConfigureAwait(false);

        w.WriteStartObject();
        w.WriteString("crd", op.Name);
        w.WriteString("apiVersion", self.ApiVersion);
        w.WriteString("kind", self.Kind);
        if (self.Namespace is not null) w.WriteString("namespace", self.Namespace);
        w.WriteString("name", self.Name);
        var md = cr.GetProperty("metadata");
        w.WritePropertyName("metadata");
        w.WriteStartObject();
        foreach (var field in MetadataFields)
        {
            if (md.TryGetProperty(field, out var value)) { w.WritePropertyName(field); value.WriteTo(w); }
        }
        w.WriteEndObject();
        var status = cr.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.Object ? s : default;
        w.WritePropertyName("conditions");
        if (status.ValueKind == JsonValueKind.Object && status.TryGetProperty("conditions", out var conditions)) conditions.WriteTo(w);
        else { w.WriteStartArray(); w.WriteEndArray(); }
        if (cr.TryGetProperty("spec", out var spec)) { w.WritePropertyName("spec"); spec.WriteTo(w); }
        if (status.ValueKind == JsonValueKind.Object) { w.WritePropertyName("status"); status.WriteTo(w); }
        WriteChildren(w, cr, observed);
        w.WritePropertyName("events");
        WriteEvents(w, events);
        w.WritePropertyName("lastReconcile");
        if (op.LastReconciles.Of(key) is { } last)
        {
            w.WriteStartObject();
            w.WriteString("reconcileID", last.ReconcileId);
            w.WriteString("result", last.Result);
            w.WriteNumber("durationMs", last.DurationMs);
            w.WriteString("time", KubeTime.Format(last.At));
            w.WriteStartArray("changes");
            foreach (var change in last.Changes) w.WriteStringValue(change);
            w.WriteEndArray();
            if (last.Error is { } error) w.WriteString("error", error);
            w.WriteEndObject();
        }
        else w.WriteNullValue();
        w.WriteEndObject();
        return true;
    }

    /// <summary>Writes the recent Events of every CR of the operator, newest first.</summary>
    public async Task WriteEventsAsync(Utf8JsonWriter w, CancellationToken cancellation)
    {
        var api = op.Op.ApiTypes;
        var events = (await ListEventsAsync(null, $"involvedObject.kind={api.Kind}", cancellation).ConfigureAwait(false))
            .Where(e => ObjectFields.Text(e, "involvedObject", "apiVersion") is not { } v || v == api.ApiVersion).ToArray();
        w.WriteStartObject();
        w.WriteString("crd", op.Name);
        w.WritePropertyName("events");
        WriteEvents(w, events);
        w.WriteEndObject();
    }

    private async Task<IReadOnlyList<JsonElement>> ListEventsAsync(string? @namespace, string selector, CancellationToken cancellation)
    {
        var options = new ListOptions { FieldSelector = selector };
        var list = await api.ListAsync(Events, @namespace, options, cancellation).ConfigureAwait(false);
        return list.Items.OrderByDescending(e => ObjectFields.Text(e, "lastTimestamp") ?? ObjectFields.Text(e, "eventTime") ?? "",
            StringComparer.Ordinal).Take(EventLimit).ToArray();
    }

    private static void WriteEvents(Utf8JsonWriter w, IReadOnlyList<JsonElement> events)
    {
        w.WriteStartArray();
        foreach (var e in events)
        {
            w.WriteStartObject();
            foreach (var field in new[] { "type", "reason", "message" }) w.WriteString(field, ObjectFields.Text(e, field));
            if (ObjectFields.Text(e, "involvedObject", "namespace") is { } ns) w.WriteString("namespace", ns);
            w.WriteString("name", ObjectFields.Text(e, "involvedObject", "name"));
            w.WriteNumber("count", e.TryGetProperty("count", out var count) && count.TryGetInt32(out var n) ? n : 1);
            w.WriteString("firstTimestamp", ObjectFields.Text(e, "firstTimestamp"));
            w.WriteString("lastTimestamp", ObjectFields.Text(e, "lastTimestamp"));
            if (ObjectFields.Text(e, "metadata", "annotations", EventRecorder.ReconcileIdAnnotation) is { } id)
                w.WriteString("reconcileID", id);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private void WriteChildren(Utf8JsonWriter w, JsonElement cr, IReadOnlyList<JsonElement> observed)
    {
        var (desired, unknown) = Desired(cr, observed);
        var seen = new HashSet<ObjectRef>();
        w.WriteStartArray("children");
        foreach (var child in observed)
        {
            var self = ObjectRef.Of(child);
            seen.Add(self);
            var drift = unknown ?? (desired.TryGetValue(self, out var want) ? Drift(want, child) : "not-desired");
            WriteChild(w, self, child, drift);
        }
        foreach (var (target, _) in desired.Where(d => !seen.Contains(d.Key))) WriteChild(w, target, null, "missing");
        w.WriteEndArray();
        if (unknown is not null) w.WriteString("driftUnknown", WriteFreeRender.ExternalCalls);
    }

    /// <summary>What the operator would apply now, keyed by object; null with "unknown" when that needs external calls.</summary>
    private (Dictionary<ObjectRef, DesiredChild> Desired, string? Unknown) Desired(JsonElement cr, IReadOnlyList<JsonElement> observed)
    {
        var desired = new Dictionary<ObjectRef, DesiredChild>();
        var (result, unknown) = WriteFreeRender.Render(op.Op, cr, observed, cross, time);
        if (result is null) return (desired, "unknown");
        foreach (var child in result.Children) desired[ObjectRef.Of(child.Manifest)] = child;
        return (desired, null);
    }

    /// <summary>The reconcile's own decision (<see cref="ChildApplier"/>): create-once children are left alone; a
    /// drift-corrected one is in sync when it contains every desired field.</summary>
    private static string Drift(DesiredChild desired, JsonElement observed) =>
        !desired.DriftCorrected || desired.Once ? "create-once" : DriftCheck.Contains(desired.Manifest, observed) ? "in-sync" : "drifted";

    private static void WriteChild(Utf8JsonWriter w, ObjectRef self, JsonElement? child, string drift)
    {
        w.WriteStartObject();
        w.WriteString("apiVersion", self.ApiVersion);
        w.WriteString("kind", self.Kind);
        if (self.Namespace is not null) w.WriteString("namespace", self.Namespace);
        w.WriteString("name", self.Name);
        w.WriteString("drift", drift);
        var (ready, reason) = child is { } c ? ObjectReadiness.Of(c) : ("False", "Missing");
        w.WriteString("ready", ready);
        w.WriteString("readyReason", reason);
        if (child is { } secret && self.Kind == "Secret" && self.ApiVersion == "v1")
        {
            // Keys only: a value never leaves the process.
            w.WriteStartArray("keys");
            foreach (var field in new[] { "data", "stringData" })
            {
                if (!secret.TryGetProperty(field, out var data) || data.ValueKind != JsonValueKind.Object) continue;
                foreach (var entry in data.EnumerateObject()) w.WriteStringValue(entry.Name);
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }
}
