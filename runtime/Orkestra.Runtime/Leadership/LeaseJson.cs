using System.Text.Json;
using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Meta;

namespace Orkestra.Runtime.Leadership;

/// <summary>
/// <see cref="LeaseRecord"/> ⇄ <c>coordination.k8s.io/v1</c> Lease JSON. acquireTime/renewTime are MicroTime:
/// RFC 3339 with exactly six fractional digits (<c>2026-01-02T15:04:05.123456Z</c>); reading accepts any precision.
/// </summary>
public static class LeaseJson
{
    /// <param name="labels">metadata.labels (shard Leases carry their group and role), or null for none.</param>
    public static JsonObject ToLease(string ns, string name, LeaseRecord record, IReadOnlyDictionary<string, string>? labels = null)
    {
        var metadata = new JsonObject { ["name"] = name, ["namespace"] = ns };
        if (labels is { Count: > 0 })
        {
            var map = new JsonObject();
            foreach (var (key, value) in labels) map[key] = value;
            metadata["labels"] = map;
        }
        if (record.ResourceVersion is { } rv) metadata["resourceVersion"] = rv;
        var spec = new JsonObject
        {
            ["leaseDurationSeconds"] = record.LeaseDurationSeconds,
            ["leaseTransitions"] = record.LeaseTransitions,
        };
        if (record.HolderIdentity is { Length: > 0 } holder) spec["holderIdentity"] = holder;
        if (record.AcquireTime is { } acquired) spec["acquireTime"] = Format(acquired);
        if (record.RenewTime is { } renewed) spec["renewTime"] = Format(renewed);
        return new JsonObject { ["apiVersion"] = "coordination.k8s.io/v1", ["kind"] = "Lease", ["metadata"] = metadata, ["spec"] = spec };
    }

    public static LeaseRecord FromLease(JsonElement lease)
    {
        var spec = lease.TryGetProperty("spec", out var s) ? s : default;
        string? Str(JsonElement e, string p) =>
            e.ValueKind == JsonValueKind.Object && e.TryGetProperty(p, out var v) && v.ValueKind == JsonValueKind.String
                ? v.GetString()
                : null;
        int Int(JsonElement e, string p) =>
            e.ValueKind == JsonValueKind.Object && e.TryGetProperty(p, out var v) && v.TryGetInt32(out var i) ? i : 0;
        DateTimeOffset? Time(string p) => KubeTime.TryParse(Str(spec, p), out var d) ? d : null;
        return new LeaseRecord(Str(spec, "holderIdentity"), Int(spec, "leaseDurationSeconds"), Time("acquireTime"), Time("renewTime"),
            Int(spec, "leaseTransitions"), lease.TryGetProperty("metadata", out var md) ? Str(md, "resourceVersion") : null);
    }

    public static string Format(DateTimeOffset time) => KubeTime.FormatMicro(time);
}
