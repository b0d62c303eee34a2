using System.Text.Json.Nodes;
using Orkestra.Sandbox.Api;

namespace Orkestra.Sandbox.Resources;

/// <summary>The built-in kinds pre-registered in every sandbox (issue 4 "Built-in kinds").</summary>
internal static class BuiltInKinds
{
    static readonly string[] All = ["all"];

    public static IReadOnlyList<ResourceType> Create() =>
    [
        // core/v1
        new() { Group = "", Version = "v1", Resource = "namespaces", Kind = "Namespace", Namespaced = false, ShortNames = ["ns"], HasStatus = true, HasFinalize = true,
                FieldSelectors = Fields(("status.phase", "status.phase")), Columns = [Column("Status", "string", o => Json.Path(o, "status.phase"))] },
        new() { Group = "", Version = "v1", Resource = "configmaps", Kind = "ConfigMap", Namespaced = true, ShortNames = ["cm"],
                Columns = [Column("Data", "integer", o => CountOf(o, "data", "binaryData"))] },
        new() { Group = "", Version = "v1", Resource = "secrets", Kind = "Secret", Namespaced = true, FieldSelectors = Fields(("type", "type")),
                Columns = [Column("Type", "string", o => o["type"]?.DeepClone()), Column("Data", "integer", o => CountOf(o, "data"))] },
        new() { Group = "", Version = "v1", Resource = "services", Kind = "Service", Namespaced = true, ShortNames = ["svc"], Categories = All, HasStatus = true,
                Columns = [Column("Type", "string", o => Json.Path(o, "spec.type")?.DeepClone()), Column("Cluster-IP", "string", o => Json.Path(o, "spec.clusterIP")?.DeepClone() ?? "<none>"),
                           Column("External-IP", "string", ServiceExternalIp), Column("Port(s)", "string", ServicePorts)] },
        new() { Group = "", Version = "v1", Resource = "serviceaccounts", Kind = "ServiceAccount", Namespaced = true, ShortNames = ["sa"], ReturnsDeletedObject = true },
        new() { Group = "", Version = "v1", Resource = "pods", Kind = "Pod", Namespaced = true, ShortNames = ["po"], Categories = All, HasStatus = true, ReturnsDeletedObject = true,
                FieldSelectors = Fields(("spec.nodeName", "spec.nodeName"), ("status.phase", "status.phase"), ("spec.restartPolicy", "spec.restartPolicy"),
                    ("spec.schedulerName", "spec.schedulerName"), ("spec.serviceAccountName", "spec.serviceAccountName"), ("status.podIP", "status.podIP"),
                    ("status.nominatedNodeName", "status.nominatedNodeName")),
                Columns = [Column("Ready", "string", PodReady), Column("Status", "string", o => Json.Path(o, "status.phase")?.DeepClone() ?? "Pending"),
                           Column("Restarts", "string", _ => "0")] },
        new() { Group = "", Version = "v1", Resource = "persistentvolumeclaims", Kind = "PersistentVolumeClaim", Namespaced = true, ShortNames = ["pvc"], HasStatus = true,
                Columns = [Column("Status", "string", o => Json.Path(o, "status.phase")?.DeepClone() ?? "Pending"), Column("Volume", "string", o => Json.Path(o, "spec.volumeName")?.DeepClone() ?? "")] },
        new() { Group = "", Version = "v1", Resource = "persistentvolumes", Kind = "PersistentVolume", Namespaced = false, ShortNames = ["pv"], HasStatus = true,
                Columns = [Column("Status", "string", o => Json.Path(o, "status.phase")?.DeepClone())] },
        new() { Group = "", Version = "v1", Resource = "endpoints", Kind = "Endpoints", Namespaced = true, ShortNames = ["ep"] },
        new() { Group = "", Version = "v1", Resource = "events", Kind = "Event", Namespaced = true, ShortNames = ["ev"], FieldSelectors = EventFields,
                Columns = [Column("Type", "string", o => o["type"]?.DeepClone()), Column("Reason", "string", o => o["reason"]?.DeepClone()),
                           Column("Object", "string", o => $"{Json.Str(o["involvedObject"], "kind")?.ToLowerInvariant()}/{Json.Str(o["involvedObject"], "name")}"),
                           Column("Message", "string", o => o["message"]?.DeepClone())] },
        new() { Group = "", Version = "v1", Resource = "resourcequotas", Kind = "ResourceQuota", Namespaced = true, ShortNames = ["quota"], HasStatus = true },
        new() { Group = "", Version = "v1", Resource = "limitranges", Kind = "LimitRange", Namespaced = true, ShortNames = ["limits"] },
        // events.k8s.io/v1 (stored apart from core events: see docs/sandbox.md)
        new() { Group = "events.k8s.io", Version = "v1", Resource = "events", Kind = "Event", Namespaced = true, ShortNames = ["ev"],
                FieldSelectors = Fields(("reason", "reason"), ("type", "type"), ("regarding.kind", "regarding.kind"), ("regarding.name", "regarding.name"),
                    ("regarding.namespace", "regarding.namespace"), ("regarding.uid", "regarding.uid"), ("reportingController", "reportingController")) },
        // apps/v1
        new() { Group = "apps", Version = "v1", Resource = "deployments", Kind = "Deployment", Namespaced = true, ShortNames = ["deploy"], Categories = All,
                HasStatus = true, TracksGeneration = true, Scale = Replicas,
                Columns = [Column("Ready", "string", o => $"{Json.Long(o["status"], "readyReplicas") ?? 0}/{Json.Long(o["spec"], "replicas") ?? 1}"),
                           Column("Up-to-date", "integer", o => Json.Long(o["status"], "updatedReplicas") ?? 0),
                           Column("Available", "integer", o => Json.Long(o["status"], "availableReplicas") ?? 0)] },
        new() { Group = "apps", Version = "v1", Resource = "replicasets", Kind = "ReplicaSet", Namespaced = true, ShortNames = ["rs"], Categories = All,
                HasStatus = true, TracksGeneration = true, Scale = Replicas, FieldSelectors = Fields(("status.replicas", "status.replicas")),
                Columns = [Column("Desired", "integer", o => Json.Long(o["spec"], "replicas") ?? 1), Column("Current", "integer", o => Json.Long(o["status"], "replicas") ?? 0),
                           Column("Ready", "integer", o => Json.Long(o["status"], "readyReplicas") ?? 0)] },
        new() { Group = "apps", Version = "v1", Resource = "statefulsets", Kind = "StatefulSet", Namespaced = true, ShortNames = ["sts"], Categories = All,
                HasStatus = true, TracksGeneration = true, Scale = Replicas,
                Columns = [Column("Ready", "string", o => $"{Json.Long(o["status"], "readyReplicas") ?? 0}/{Json.Long(o["spec"], "replicas") ?? 1}")] },
        new() { Group = "apps", Version = "v1", Resource = "daemonsets", Kind = "DaemonSet", Namespaced = true, ShortNames = ["ds"], Categories = All,
                HasStatus = true, TracksGeneration = true },
        // batch/v1
        new() { Group = "batch", Version = "v1", Resource = "jobs", Kind = "Job", Namespaced = true, Categories = All, HasStatus = true, TracksGeneration = true,
                FieldSelectors = Fields(("status.successful", "status.succeeded")),
                Columns = [Column("Status", "string", JobStatus), Column("Completions", "string", o => $"{Json.Long(o["status"], "succeeded") ?? 0}/{Json.Long(o["spec"], "completions") ?? 1}")] },
        new() { Group = "batch", Version = "v1", Resource = "cronjobs", Kind = "CronJob", Namespaced = true, ShortNames = ["cj"], Categories = All, HasStatus = true, TracksGeneration = true,
                Columns = [Column("Schedule", "string", o => Json.Path(o, "spec.schedule")?.DeepClone()), Column("Suspend", "boolean", o => Json.Bool(o["spec"], "suspend") ?? false)] },
        // networking.k8s.io/v1
        new() { Group = "networking.k8s.io", Version = "v1", Resource = "ingresses", Kind = "Ingress", Namespaced = true, ShortNames = ["ing"], HasStatus = true, TracksGeneration = true },
        new() { Group = "networking.k8s.io", Version = "v1", Resource = "networkpolicies", Kind = "NetworkPolicy", Namespaced = true, ShortNames = ["netpol"], TracksGeneration = true },
        // rbac.authorization.k8s.io/v1
        new() { Group = "rbac.authorization.k8s.io", Version = "v1", Resource = "roles", Kind = "Role", Namespaced = true },
        new() { Group = "rbac.authorization.k8s.io", Version = "v1", Resource = "rolebindings", Kind = "RoleBinding", Namespaced = true },
        new() { Group = "rbac.authorization.k8s.io", Version = "v1", Resource = "clusterroles", Kind = "ClusterRole", Namespaced = false },
        new() { Group = "rbac.authorization.k8s.io", Version = "v1", Resource = "clusterrolebindings", Kind = "ClusterRoleBinding", Namespaced = false },
        // autoscaling/v2, policy/v1, coordination.k8s.io/v1
        new() { Group = "autoscaling", Version = "v2", Resource = "horizontalpodautoscalers", Kind = "HorizontalPodAutoscaler", Namespaced = true, ShortNames = ["hpa"], Categories = All, HasStatus = true },
        new() { Group = "policy", Version = "v1", Resource = "poddisruptionbudgets", Kind = "PodDisruptionBudget", Namespaced = true, ShortNames = ["pdb"], HasStatus = true, TracksGeneration = true },
        new() { Group = "coordination.k8s.io", Version = "v1", Resource = "leases", Kind = "Lease", Namespaced = true,
                Columns = [Column("Holder", "string", o => Json.Path(o, "spec.holderIdentity")?.DeepClone() ?? "")] },
        // apiextensions.k8s.io/v1, admissionregistration.k8s.io/v1
        new() { Group = "apiextensions.k8s.io", Version = "v1", Resource = "customresourcedefinitions", Kind = "CustomResourceDefinition", Namespaced = false,
                ShortNames = ["crd", "crds"], HasStatus = true, TracksGeneration = true,
                Columns = [Column("Created At", "date", o => Json.Path(o, "metadata.creationTimestamp")?.DeepClone())] },
        new() { Group = "admissionregistration.k8s.io", Version = "v1", Resource = "validatingwebhookconfigurations", Kind = "ValidatingWebhookConfiguration", Namespaced = false, TracksGeneration = true },
        new() { Group = "admissionregistration.k8s.io", Version = "v1", Resource = "mutatingwebhookconfigurations", Kind = "MutatingWebhookConfiguration", Namespaced = false, TracksGeneration = true },
    ];

    static readonly ScaleSpec Replicas = new("spec.replicas", "status.replicas", "status.selector");

    static readonly IReadOnlyDictionary<string, string> EventFields = Fields(
        ("involvedObject.kind", "involvedObject.kind"), ("involvedObject.namespace", "involvedObject.namespace"),
        ("involvedObject.name", "involvedObject.name"), ("involvedObject.uid", "involvedObject.uid"),
        ("involvedObject.apiVersion", "involvedObject.apiVersion"), ("involvedObject.resourceVersion", "involvedObject.resourceVersion"),
        ("involvedObject.fieldPath", "involvedObject.fieldPath"), ("reason", "reason"), ("reportingComponent", "reportingComponent"),
        ("source", "source.component"), ("type", "type"));

    static Dictionary<string, string> Fields(params (string Label, string Path)[] fields) => fields.ToDictionary(f => f.Label, f => f.Path);

    static TableColumn Column(string name, string type, Func<JsonObject, JsonNode?> cell) => new(name, type, "", name, 0, cell);

    static JsonNode CountOf(JsonObject o, params string[] keys) => keys.Sum(k => (o[k] as JsonObject)?.Count ?? 0);

    /// <summary>kubectl's EXTERNAL-IP: external IPs, load-balancer ingress (or &lt;pending&gt;), the external name, else &lt;none&gt;.</summary>
    static JsonNode ServiceExternalIp(JsonObject svc)
    {
        static IEnumerable<string> Strings(JsonNode? list) => (list as JsonArray)?.Select(n => n?.GetValueKind() == System.Text.Json.JsonValueKind.String ? (string)n! : null).OfType<string>() ?? [];
        var external = Strings(Json.Path(svc, "spec.externalIPs")).ToList();
        switch (Json.Str(Json.Path(svc, "spec"), "type") ?? "ClusterIP")
        {
            case "LoadBalancer":
                var ingress = (Json.Path(svc, "status.loadBalancer.ingress") as JsonArray)?.OfType<JsonObject>()
                    .Select(i => Json.Str(i, "ip") ?? Json.Str(i, "hostname")).OfType<string>() ?? [];
                var all = ingress.Concat(external).ToList();
                return all.Count > 0 ? string.Join(",", all) : "<pending>";
            case "ExternalName":
                return Json.Str(Json.Path(svc, "spec"), "externalName") ?? "<none>";
            default:
                return external.Count > 0 ? string.Join(",", external) : "<none>";
        }
    }

    /// <summary>kubectl's PORT(S): <c>port[:nodePort]/protocol</c>, comma-separated, or &lt;none&gt;.</summary>
    static JsonNode ServicePorts(JsonObject svc)
    {
        var ports = (Json.Path(svc, "spec.ports") as JsonArray)?.OfType<JsonObject>().Select(p =>
        {
            var node = p["nodePort"] is JsonValue np ? ":" + np.ToJsonString() : "";
            return $"{p["port"]?.ToJsonString()}{node}/{Json.Str(p, "protocol") ?? "TCP"}";
        }).ToList() ?? [];
        return ports.Count > 0 ? string.Join(",", ports) : "<none>";
    }

    static JsonNode PodReady(JsonObject pod)
    {
        var total = (Json.Path(pod, "spec.containers") as JsonArray)?.Count ?? 0;
        var ready = (Json.Path(pod, "status.containerStatuses") as JsonArray)?.Count(c => Json.Bool(c, "ready") == true) ?? 0;
        return $"{ready}/{total}";
    }

    static JsonNode JobStatus(JsonObject job)
    {
        foreach (var condition in (Json.Path(job, "status.conditions") as JsonArray ?? []).OfType<JsonObject>())
        {
            if (Json.Str(condition, "status") != "True") continue;
            if (Json.Str(condition, "type") == "Complete") return "Complete";
            if (Json.Str(condition, "type") == "Failed") return "Failed";
        }
        return "Running";
    }
}
