using System.Text.Json;
using Orkestra.Runtime.Reconciliation;

namespace Orkestra.Runtime.Hosting;

/// <summary>
/// Whether an object is ready, read from its own status — the one definition <c>/katalog/{crd}/cr/…</c> shows for each
/// child and <c>ork e2e</c> checks for <c>ready: true</c>. Stateless.
/// </summary>
public static class ObjectReadiness
{
    /// <summary>Ready from the child's own status: a Ready or Available condition; a workload's ready replicas against
    /// its desired ones; a Job's Complete/Failed; kinds without a readiness (ConfigMap, Secret, Service, …) are ready
    /// once they exist.</summary>
    public static (string Ready, string Reason) Of(JsonElement child)
    {
        var status = child.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.Object ? s : default;
        var kind = ObjectFields.Text(child, "kind");
        if (status.ValueKind == JsonValueKind.Object && status.TryGetProperty("conditions", out var conditions)
            && conditions.ValueKind == JsonValueKind.Array)
        {
            foreach (var type in new[] { "Ready", "Available", "Complete", "Failed" })
            {
                foreach (var condition in conditions.EnumerateArray())
                {
                    if (ObjectFields.Text(condition, "type") != type) continue;
                    var value = ObjectFields.Text(condition, "status") ?? "Unknown";
                    if (type == "Failed") { if (value == "True") return ("False", "Failed"); continue; }
                    if (type == "Complete" && value != "True") continue;
                    return (value, type);
                }
            }
        }
        if (kind is "Deployment" or "StatefulSet" or "ReplicaSet")
        {
            var wanted = child.TryGetProperty("spec", out var spec) && spec.TryGetProperty("replicas", out var r)
                         && r.TryGetInt32(out var n) ? n : 1;
            var readyReplicas = status.ValueKind == JsonValueKind.Object && status.TryGetProperty("readyReplicas", out var rr)
                                && rr.TryGetInt32(out var m) ? m : 0;
            return (readyReplicas >= wanted ? "True" : "False", $"{readyReplicas}/{wanted} replicas ready");
        }
        if (kind is "Job" or "DaemonSet" or "Pod") return ("Unknown", "NoStatusYet");
        return ("True", "Exists");
    }
}
