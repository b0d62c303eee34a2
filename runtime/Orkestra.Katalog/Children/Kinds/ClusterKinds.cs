using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Kinds;
using static Orkestra.Katalog.Children.Coerce;

namespace Orkestra.Katalog.Children.Kinds;

/// <summary>
/// namespaces → v1 Namespace (cluster-scoped: owner label, no owner reference). Default name &lt;cr&gt;-ns;
/// <c>finalizers</c> become <c>spec.finalizers</c>.
/// </summary>
internal sealed class NamespaceKind() : ChildKindBase("namespaces", BuiltInKinds.Get("", "Namespace"), "namespace", "namespaces", "ns",
    new ChildField("finalizers", FieldType.StringList), new ChildField("annotations", FieldType.StringMap))
{
    protected override void BuildBody(JsonObject obj, JsonObject entry, ChildBuildContext context, string name)
    {
        if (StringList(entry, "finalizers") is { Count: > 0 } finalizers) obj["spec"] = new JsonObject { ["finalizers"] = finalizers };
    }
}

/// <summary>
/// persistentVolumes → v1 PersistentVolume (cluster-scoped). <c>capacity</c> required; accessModes default
/// [ReadWriteOnce]; reclaimPolicy Retain; the source is <c>hostPath</c> or <c>csiDriver</c> + <c>csiVolumeHandle</c>.
/// </summary>
internal sealed class PersistentVolumeKind() : ChildKindBase("persistentVolumes", BuiltInKinds.Get("", "PersistentVolume"),
    "pv", "persistentvolumes", "pv",
    new ChildField("storageClassName", FieldType.String), new ChildField("capacity", FieldType.String, Required: true),
    new ChildField("accessModes", FieldType.StringList), new ChildField("reclaimPolicy", FieldType.String),
    new ChildField("hostPath", FieldType.String), new ChildField("csiDriver", FieldType.String), new ChildField("csiVolumeHandle",
        FieldType.String),
    new ChildField("volumeMode", FieldType.String))
{
    protected override void BuildBody(JsonObject obj, JsonObject entry, ChildBuildContext context, string name)
    {
        var capacity = Text(entry, "capacity");
        if (string.IsNullOrWhiteSpace(capacity)) throw new ChildBuildException("capacity", "capacity: required (e.g. 10Gi)");
        var policy = Text(entry, "reclaimPolicy") ?? "Retain";
        if (policy is not ("Retain" or "Delete" or "Recycle"))
            throw new ChildBuildException("reclaimPolicy", $"reclaimPolicy: \"{policy}\" is not Retain, Delete or Recycle");
        var spec = new JsonObject
        {
            ["capacity"] = new JsonObject { ["storage"] = capacity },
            ["accessModes"] = StringList(entry, "accessModes") ?? new JsonArray("ReadWriteOnce"),
            ["persistentVolumeReclaimPolicy"] = policy,
        };
        Put(spec, "storageClassName", Text(entry, "storageClassName") is { Length: > 0 } sc ? sc : null);
        Put(spec, "volumeMode", Text(entry, "volumeMode"));
        var hostPath = Text(entry, "hostPath");
        var driver = Text(entry, "csiDriver");
        var handle = Text(entry, "csiVolumeHandle");
        if (!string.IsNullOrEmpty(hostPath))
        {
            if (!string.IsNullOrEmpty(driver) || !string.IsNullOrEmpty(handle))
                throw new ChildBuildException("hostPath", "hostPath and csiDriver/csiVolumeHandle are mutually exclusive");
            spec["hostPath"] = new JsonObject { ["path"] = hostPath };
        }
        else if (!string.IsNullOrEmpty(driver) && !string.IsNullOrEmpty(handle))
        {
            spec["csi"] = new JsonObject { ["driver"] = driver, ["volumeHandle"] = handle };
        }
        else
        {
            throw new ChildBuildException(string.IsNullOrEmpty(driver) ? "hostPath" : "csiVolumeHandle",
                "a persistent volume needs hostPath, or csiDriver together with csiVolumeHandle");
        }
        obj["spec"] = spec;
    }
}

/// <summary>resourceQuotas → v1 ResourceQuota. <c>hard</c> (resource → quantity) required.</summary>
internal sealed class ResourceQuotaKind() : ChildKindBase("resourceQuotas", BuiltInKinds.Get("", "ResourceQuota"),
    "resourcequota", "resourcequotas", "quota",
    new ChildField("hard", FieldType.StringMap, Required: true))
{
    protected override void BuildBody(JsonObject obj, JsonObject entry, ChildBuildContext context, string name)
    {
        if (StringMap(entry, "hard") is not { Count: > 0 } hard) throw new ChildBuildException("hard",
            "hard: required (e.g. {pods: \"10\", requests.cpu: \"4\"})");
        obj["spec"] = new JsonObject { ["hard"] = hard };
    }
}

/// <summary>
/// limitRanges → v1 LimitRange. <c>limits</c> required: items with <c>type</c> (Container, Pod,
/// PersistentVolumeClaim) and quantity maps <c>default</c>, <c>defaultRequest</c>, <c>max</c>, <c>min</c>,
/// <c>maxLimitRequestRatio</c>.
/// </summary>
internal sealed class LimitRangeKind() : ChildKindBase("limitRanges", BuiltInKinds.Get("", "LimitRange"),
    "limitrange", "limitranges", "limits",
    new ChildField("limits", FieldType.List, Required: true))
{
    private static readonly string[] s_quantityMaps = ["default", "defaultRequest", "max", "min", "maxLimitRequestRatio"];

    protected override void BuildBody(JsonObject obj, JsonObject entry, ChildBuildContext context, string name)
    {
        if (List(entry, "limits") is not { Count: > 0 } limits) throw new ChildBuildException("limits",
            "limits: at least one item is required");
        var result = new JsonArray();
        for (var i = 0; i < limits.Count; i++)
        {
            var field = $"limits[{i}]";
            if (limits[i] is not JsonObject item) throw new ChildBuildException(field,
                $"{field}: expected {{type, default, defaultRequest, max, min}}");
            OnlyKeys(item, field, ["type", .. s_quantityMaps]);
            var type = Text(item["type"], $"{field}.type") ?? "Container";
            if (type is not ("Container" or "Pod" or "PersistentVolumeClaim"))
                throw new ChildBuildException($"{field}.type", $"{field}.type: \"{type}\" is not Container, Pod or PersistentVolumeClaim");
            var built = new JsonObject { ["type"] = type };
            foreach (var key in s_quantityMaps) Put(built, key, StringMap(item[key], $"{field}.{key}"));
            result.AddNode(built);
        }
        obj["spec"] = new JsonObject { ["limits"] = result };
    }
}
