using System.Text.Json;
using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Katalog.Compilation;
using Orkestra.Runtime.Controllers;

namespace Orkestra.Runtime.Reconciliation;

/// <summary>
/// The CR's <c>/status</c>: one merge patch, only when a projected field or the Ready condition changed; the Ready
/// condition keeps its <c>lastTransitionTime</c> while its status stays the same. Also the failure report: Ready=False
/// with the message and a Warning event. Stateless; safe for concurrent use.
/// </summary>
internal sealed class StatusWriter(
    CompiledOperator op, IObjectReader reader, IObjectWriter writer, IEventRecorder events, TimeProvider time)
{
    /// <summary>Ready=False with <paramref name="message"/> and a Warning event on the CR (best effort: a failure to
    /// report is swallowed, the controller retries the key anyway).</summary>
    public async ValueTask ReportFailureAsync(ObjectKey key, string reason, string message, CancellationToken cancellation)
    {
        if (reader.GetCustomResource(key) is not { } cr) return;
        var self = ObjectRef.Of(cr);
        events.Record(self, ObjectFields.Text(cr, "metadata", "uid"), EventType.Warning, reason, message);
        if (!op.Status.Conditions) return;
        try
        {
            var ready = new JsonObject { ["type"] = "Ready", ["status"] = "False", ["reason"] = reason, ["message"] = message };
            await WriteAsync(cr, self, new JsonObject { ["conditions"] = new JsonArray(ready) }, cancellation).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
        }
    }

    /// <summary>Writes /status when <see cref="Patch"/> finds a difference; true when it wrote.</summary>
    public async ValueTask<bool> WriteAsync(JsonElement cr, ObjectRef self, JsonObject projected, CancellationToken cancellation)
    {
        if (op.Settings.IgnoreStatusPatch) return false;
        var current = cr.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.Object
            ? JsonObject.Create(s)!
            : new JsonObject();
        var patch = Patch(current, projected, time.GetUtcNow());
        if (patch.Count == 0) return false;
        await writer.PatchStatusAsync(self, new JsonObject { ["status"] = patch }, cancellation).ConfigureAwait(false);
        ReconcileScope.Current?.Changed("wrote", "status");
        return true;
    }

    /// <summary>
    /// The merge patch from <paramref name="current"/> status to <paramref name="projected"/>: every field that differs,
    /// and the conditions when the projected Ready condition (the first of <c>conditions</c>) differs in status, reason
    /// or message — its <c>lastTransitionTime</c> is kept while the status is the same and is <paramref name="now"/>
    /// otherwise; other condition types are kept. Empty when nothing differs.
    /// </summary>
    internal static JsonObject Patch(JsonObject current, JsonObject projected, DateTimeOffset now)
    {
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
                       && (string?)existing["reason"] == (string?)ready["reason"]
                       && (string?)existing["message"] == (string?)ready["message"];
            if (!same)
            {
                var updated = (JsonObject)ready.DeepClone();
                updated["lastTransitionTime"] = existing is not null && (string?)existing["status"] == (string?)ready["status"]
                    ? existing["lastTransitionTime"]?.DeepClone()
                    : KubeTime.Format(now);
                var merged = new JsonArray(conditions.OfType<JsonObject>()
                    .Where(c => (string?)c["type"] != "Ready")
                    .Select(c => (JsonNode?)c.DeepClone())
                    .Append(updated)
                    .ToArray());
                patch["conditions"] = merged;
            }
        }
        return patch;
    }
}
